"""``InSubquery``: ``column IN (subquery)`` that PostgreSQL can answer with an index.

Inside an OR, PostgreSQL runs ``x IN (SELECT …)`` as a hashed subplan checked row
by row, so the other arms cannot become index scans either. ``x = ANY(ARRAY(SELECT …))``
evaluates the subquery once (an InitPlan) and is an index condition, so an OR of
such arms becomes a BitmapOr. Other databases get the plain ``IN``: same rows.
"""

from __future__ import annotations

from django.db.models import BooleanField, F, Subquery
from django.db.models.expressions import Expression


class InSubquery(Expression):
    """A boolean condition ``<field> IN <queryset of one column>``, usable in ``Q(...)``."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, field: str, queryset):
        super().__init__()
        self.lhs = F(field)
        self.rhs = Subquery(queryset)

    def get_source_expressions(self):
        return [self.lhs, self.rhs]

    def set_source_expressions(self, exprs):
        self.lhs, self.rhs = exprs

    def _parts(self, compiler):
        lhs, lhs_params = compiler.compile(self.lhs)
        sub, sub_params = compiler.compile(self.rhs)
        return lhs, sub, (*lhs_params, *sub_params)

    def as_sql(self, compiler, connection):
        lhs, sub, params = self._parts(compiler)
        return f"{lhs} IN {sub}", params

    def as_postgresql(self, compiler, connection):
        lhs, sub, params = self._parts(compiler)
        return f"{lhs} = ANY(ARRAY{sub})", params
