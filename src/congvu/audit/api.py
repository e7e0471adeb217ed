"""REST API for the audit trail (nhật ký): read-only, scoped by the audit policy.

System administrators read everything, unit administrators the records of
their units, everyone else the records of their own actions.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from congvu.api.viewsets import ScopedReadOnlyViewSet

from .models import AuditRecord, RecordKind


class AuditRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditRecord
        fields = [
            "id",
            "seq",
            "created_at",
            "kind",
            "action",
            "actor",
            "actor_label",
            "unit",
            "object_type",
            "object_id",
            "object_repr",
            "before",
            "after",
            "confidentiality",
            "prev_hash",
            "hash",
        ]
        read_only_fields = fields


class AuditRecordFilterSerializer(serializers.Serializer):
    action = serializers.CharField(
        required=False,
        label=_("thao tác"),
        help_text=_("Mã thao tác hoặc phần đầu của nó, ví dụ congvu.org.unit."),
    )
    kind = serializers.ChoiceField(choices=RecordKind.choices, required=False, label=_("loại"))
    actor = serializers.IntegerField(required=False, label=_("người thực hiện"))
    unit = serializers.IntegerField(required=False, label=_("đơn vị"))
    object_type = serializers.CharField(
        required=False, label=_("loại đối tượng"), help_text=_("Ví dụ org.unit.")
    )
    object_id = serializers.CharField(required=False, label=_("mã đối tượng"))
    since = serializers.DateTimeField(required=False, label=_("từ thời điểm"))
    until = serializers.DateTimeField(required=False, label=_("đến thời điểm"))

    def validate(self, attrs):
        since, until = attrs.get("since"), attrs.get("until")
        if since and until and until < since:
            raise serializers.ValidationError(
                {"until": _("Phải sau thời điểm bắt đầu.")}, code="invalid_range"
            )
        return attrs


@extend_schema_view(
    list=extend_schema(
        summary=_("Nhật ký hệ thống"),
        description=_(
            "Quản trị hệ thống xem toàn bộ; quản trị đơn vị xem nhật ký các đơn vị mình quản trị; "
            "cán bộ khác chỉ xem thao tác của chính mình. Mới nhất trước."
        ),
    ),
    retrieve=extend_schema(summary=_("Chi tiết bản ghi nhật ký")),
)
class AuditRecordViewSet(ScopedReadOnlyViewSet):
    """Bản ghi nhật ký, newest first."""

    model = AuditRecord
    serializer_class = AuditRecordSerializer
    filter_serializer_class = AuditRecordFilterSerializer

    def get_queryset(self):
        return self.base_queryset().order_by("-seq")

    def filter_queryset_by(self, queryset, filters):
        if "action" in filters:
            queryset = queryset.filter(action__startswith=filters["action"])
        if "since" in filters:
            queryset = queryset.filter(created_at__gte=filters["since"])
        if "until" in filters:
            queryset = queryset.filter(created_at__lte=filters["until"])
        exact = {"kind": "kind", "actor": "actor_id", "unit": "unit_id"}
        exact |= {"object_type": "object_type", "object_id": "object_id"}
        for name, column in exact.items():
            if name in filters:
                queryset = queryset.filter(**{column: filters[name]})
        return queryset
