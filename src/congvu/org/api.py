"""REST API for the organisation tree (cơ quan, đơn vị): /api/v1/units/."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from congvu.api.fields import ScopedPrimaryKeyRelatedField
from congvu.api.viewsets import ScopedViewSetMixin, accent_insensitive

from . import services
from .constants import UnitKind
from .models import Unit
from .selectors import active_units


class UnitSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    is_active = serializers.BooleanField(read_only=True, label=_("đang hoạt động"))
    successors = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, label=_("đơn vị kế thừa")
    )

    class Meta:
        model = Unit
        fields = [
            "id",
            "kind",
            "kind_display",
            "name",
            "short_name",
            "place_name",
            "code",
            "admin_code",
            "parent",
            "depth",
            "address",
            "phone",
            "email",
            "valid_from",
            "valid_to",
            "is_active",
            "predecessors",
            "successors",
            "require_2fa",
        ]
        read_only_fields = fields


class UnitWriteSerializer(serializers.ModelSerializer):
    """What ``unit_create``/``unit_update`` accept; the service checks the rules."""

    parent = ScopedPrimaryKeyRelatedField(
        model=Unit, allow_null=True, required=False, label=_("đơn vị cấp trên")
    )

    class Meta:
        model = Unit
        fields = sorted(services.EDITABLE_FIELDS)
        # Uniqueness of the agency code among active units is the service's
        # rule (with its own code), not a serializer validator.
        validators = []
        extra_kwargs = {"code": {"validators": []}}


class UnitFilterSerializer(serializers.Serializer):
    active_on = serializers.DateField(
        required=False,
        label=_("hiệu lực vào ngày"),
        help_text=_("Đơn vị còn hiệu lực vào ngày này."),
    )
    kind = serializers.ChoiceField(choices=UnitKind.choices, required=False, label=_("loại"))
    parent = serializers.IntegerField(required=False, label=_("đơn vị cấp trên"))
    q = serializers.CharField(
        required=False,
        label=_("tìm kiếm"),
        help_text=_("Tìm theo tên, không phân biệt dấu và hoa thường."),
    )


@extend_schema_view(
    list=extend_schema(
        summary=_("Danh sách cơ quan, đơn vị"),
        description=_(
            "Mọi người dùng đều xem được danh mục đơn vị, kể cả đơn vị đã hết hiệu lực; "
            "dùng active_on để lấy cơ cấu tổ chức tại một ngày."
        ),
    ),
    retrieve=extend_schema(summary=_("Chi tiết cơ quan, đơn vị")),
    create=extend_schema(
        summary=_("Tạo đơn vị"),
        description=_(
            "Quản trị đơn vị tạo đơn vị trực thuộc đơn vị mình quản trị; chỉ quản trị hệ thống "
            "tạo được đơn vị cấp cao nhất. Thao tác được ghi nhật ký."
        ),
        request=UnitWriteSerializer,
        responses={201: UnitSerializer},
    ),
    update=extend_schema(
        summary=_("Sửa đơn vị"), request=UnitWriteSerializer, responses=UnitSerializer
    ),
    partial_update=extend_schema(
        summary=_("Sửa một phần đơn vị"), request=UnitWriteSerializer, responses=UnitSerializer
    ),
)
class UnitViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Cơ quan, đơn vị. Writes go through congvu.org.services (audited)."""

    model = Unit
    serializer_class = UnitSerializer
    filter_serializer_class = UnitFilterSerializer
    input_serializer_class = UnitWriteSerializer

    def get_queryset(self):
        return self.base_queryset().prefetch_related("predecessors", "successors")

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return UnitWriteSerializer
        return UnitSerializer

    def filter_queryset_by(self, queryset, filters):
        if "active_on" in filters:
            queryset = queryset.filter(pk__in=active_units(filters["active_on"]).values("pk"))
        if "kind" in filters:
            queryset = queryset.filter(kind=filters["kind"])
        if "parent" in filters:
            queryset = queryset.filter(parent_id=filters["parent"])
        if "q" in filters:
            queryset = accent_insensitive(queryset, filters["q"], "name", "short_name")
        return queryset

    def create(self, request, *args, **kwargs):
        data = self._validated(request.data)
        unit = services.unit_create(actor=request.user, **data)
        return Response(self._out(unit), status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        unit = self.get_object()
        data = self._validated(request.data, partial=kwargs.get("partial", False))
        unit = services.unit_update(actor=request.user, unit=unit, **data)
        return Response(self._out(unit))

    def _validated(self, data, partial: bool = False) -> dict:
        serializer = UnitWriteSerializer(
            data=data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _out(self, unit: Unit) -> dict:
        unit = self.get_queryset().get(pk=unit.pk)
        return UnitSerializer(unit, context=self.get_serializer_context()).data
