"""Base classes for API viewsets: scope from ``restrict``, filters from a serializer.

A viewset declares ``model``, ``filter_serializer_class`` (query parameters
of ``list``, validated like a request body so errors use the same JSON shape
and are documented in OpenAPI) and implements ``filter_queryset_by``. Its
queryset always comes from ``Model.objects.restrict(request.user, action)``,
so retrieve outside scope is a 404.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from rest_framework import exceptions, serializers, viewsets

from congvu.core.text import fold

from .fields import DB_INT_MAX


class ScopedViewSetMixin:
    model: Any = None
    restrict_action = "view"
    filter_serializer_class: type[serializers.Serializer] | None = None
    lookup_value_converter = "int"

    def base_queryset(self):
        return self.model.objects.restrict(self.request.user, self.restrict_action)

    def get_queryset(self):
        return self.base_queryset()

    def get_object(self):
        obj = super().get_object()
        if self.request.method == "GET" and getattr(obj, "confidentiality", 0):
            # Reading a confidential object (độ mật) leaves an access record.
            from congvu.audit.services import log_access

            log_access(
                actor=self.request.user,
                obj=obj,
                unit=getattr(obj, "unit_id", None),
                confidentiality=obj.confidentiality,
                ip=self.request.META.get("REMOTE_ADDR", ""),
            )
        return obj

    def filter_values(self) -> dict[str, Any]:
        if self.filter_serializer_class is None:
            return {}
        serializer = self.filter_serializer_class(data=self.request.query_params)
        serializer.is_valid(raise_exception=True)
        values = {k: v for k, v in serializer.validated_data.items() if v not in (None, "")}
        # Filters are compared with database columns: a number outside their range
        # is a bad request, not a crash of the query (OverflowError on SQLite).
        too_large = [
            name
            for name, value in values.items()
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > DB_INT_MAX
        ]
        if too_large:
            message = _("Giá trị số quá lớn.")
            raise exceptions.ValidationError(
                {name: [exceptions.ErrorDetail(message, code="max_value")] for name in too_large}
            )
        return values

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.action == "list":
            queryset = self.filter_queryset_by(queryset, self.filter_values())
        return queryset

    def filter_queryset_by(self, queryset, filters: dict[str, Any]):
        return queryset


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """list + retrieve within the actor's scope."""


def accent_insensitive(queryset, query: str, *fields: str):
    """Rows whose ``fields`` contain ``query``, ignoring case and Vietnamese marks.

    Folding happens in Python: SQLite cannot fold đ or Vietnamese capitals,
    and the candidate sets here (units, officials) are small.
    """
    needle = fold(query)
    if not needle:
        return queryset
    matching = [
        row[0]
        for row in queryset.values_list("pk", *fields)
        if needle in fold(" ".join(str(v or "") for v in row[1:]))
    ]
    return queryset.filter(pk__in=matching)
