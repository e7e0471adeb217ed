"""``in_subquery(field, queryset)``: ``field IN (subquery)`` that PostgreSQL can OR with indexes.

PostgreSQL plans ``id IN (SELECT …)`` as a semi-join, or, under an ``OR``, as
a hashed subplan checked row by row: a sequential scan of the whole table.
Written as ``id = ANY(ARRAY(SELECT …))`` the subquery becomes an init plan
run once, and the condition an index condition that a ``BitmapOr`` combines
with the other arms (docs/inbox-and-search.md). The rows are the same: the
subquery's column is a non-null key, so ``IN`` and ``= ANY`` agree. Other
databases get the plain ``IN``.
"""

from __future__ import annotations

from django.db.models import F, QuerySet
from django.db.models.lookups import In


class InArray(In):
    """``lhs IN (subquery)``, compiled as ``lhs = ANY(ARRAY(subquery))`` on PostgreSQL."""

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


def in_subquery(field: str, queryset) -> InArray:
    """A condition for ``filter()``/``Q()``: ``field`` is one of the values of ``queryset``."""
    # A membership test never needs the subquery's default ordering, and PostgreSQL
    # would sort the array for nothing (Django clears it only on the ``__in`` path).
    if isinstance(queryset, QuerySet) and not queryset.query.is_sliced:
        queryset = queryset.order_by()
    return InArray(F(field), queryset)
