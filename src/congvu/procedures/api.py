"""REST API of the catalogue: /api/v1/procedures/ and /api/v1/procedure-fields/ (read-only,
for anyone), /api/v1/procedure-processes/ (officials read; administrators write)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from congvu.api.fields import ScopedPrimaryKeyRelatedField
from congvu.api.viewsets import ScopedViewSetMixin
from congvu.org.models import Unit

from . import selectors, services
from .fees import fees_on
from .models import (
    Fee,
    Procedure,
    ProcedureChannel,
    ProcedureField,
    ProcedureVersion,
    ProcessDefinition,
    ProcessStep,
    RequiredPaper,
)


class ProcedureFieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProcedureField
        fields = ["id", "name"]
        read_only_fields = fields


class ChannelSerializer(serializers.ModelSerializer):
    fee_amount_today = serializers.SerializerMethodField(
        label=_("phí, lệ phí hôm nay (đồng)"),
        help_text=_(
            "Tổng các khoản tính bằng đồng của hình thức nộp này áp dụng hôm nay (đã tính thời "
            "gian áp dụng và mức giảm); rỗng khi có khoản chưa rõ số tiền hoặc chưa có khoản thu."
        ),
    )

    class Meta:
        model = ProcedureChannel
        fields = [
            "channel",
            "duration_value",
            "duration_unit",
            "fee_text",
            "fee_amount",
            "fee_amount_today",
            "description",
        ]
        read_only_fields = fields

    def get_fee_amount_today(self, channel) -> int | None:
        # channel.version is the prefetching version, whose fees are prefetched too.
        summary = fees_on(channel.version.fees.all(), timezone.localdate(), channel.channel)
        if summary.empty or not summary.complete or (summary.foreign and not summary.vnd):
            return None
        return summary.total


class PaperSerializer(serializers.ModelSerializer):
    class Meta:
        model = RequiredPaper
        fields = ["id", "order", "name", "form", "count", "required", "template_name"]
        read_only_fields = fields


class FeeSerializer(serializers.ModelSerializer):
    amount_today = serializers.SerializerMethodField(
        label=_("số tiền áp dụng hôm nay"),
        help_text=_("Theo đơn vị tiền tệ của khoản thu; rỗng khi hôm nay chưa rõ số tiền."),
    )

    class Meta:
        model = Fee
        fields = [
            "name",
            "amount",
            "currency",
            "channel",
            "collected_at",
            "note",
            "valid_from",
            "valid_to",
            "reduction_percent",
            "reduction_from",
            "reduction_to",
            "amount_today",
        ]
        read_only_fields = fields

    def get_amount_today(self, fee) -> int | None:
        return fee.amount_on(timezone.localdate())


class LegalBasisSerializer(serializers.Serializer):
    name = serializers.CharField()
    number = serializers.CharField(allow_blank=True)


class VersionSerializer(serializers.ModelSerializer):
    channels = ChannelSerializer(many=True, read_only=True)
    papers = PaperSerializer(many=True, read_only=True)
    fees = FeeSerializer(many=True, read_only=True)
    legal_bases = LegalBasisSerializer(many=True, read_only=True)
    levels = serializers.ListField(child=serializers.CharField(), read_only=True)
    flags = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = ProcedureVersion
        fields = [
            "id",
            "number",
            "valid_from",
            "valid_to",
            "name",
            "levels",
            "kind",
            "decision",
            "applicants",
            "competent_body",
            "executing_body",
            "conditions",
            "results",
            "legal_bases",
            "online_level",
            "duration_value",
            "duration_unit",
            "same_day_cutoff",
            "parsed_fully",
            "flags",
            "channels",
            "papers",
            "fees",
        ]
        read_only_fields = fields


class ProcedureSerializer(serializers.ModelSerializer):
    field = ProcedureFieldSerializer(read_only=True)
    current_version = serializers.SerializerMethodField()

    class Meta:
        model = Procedure
        fields = ["id", "code", "name", "field", "active", "current_version"]
        read_only_fields = fields

    @extend_schema_field(VersionSerializer(allow_null=True))
    def get_current_version(self, procedure) -> dict | None:
        version = selectors.procedure_detail(procedure)
        return VersionSerializer(version).data if version else None


class ProcedureListSerializer(serializers.ModelSerializer):
    field = ProcedureFieldSerializer(read_only=True)

    class Meta:
        model = Procedure
        fields = ["id", "code", "name", "field", "active"]
        read_only_fields = fields


class ProcedureFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, label=_("tìm kiếm (không dấu cũng được)"))
    field = serializers.IntegerField(required=False, label=_("lĩnh vực"))


@extend_schema_view(
    list=extend_schema(summary=_("Danh mục thủ tục hành chính")),
    retrieve=extend_schema(summary=_("Một thủ tục, với phiên bản đang có hiệu lực")),
)
class ProcedureViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Thủ tục hành chính: public information, readable without signing in."""

    model = Procedure
    permission_classes = [AllowAny]
    filter_serializer_class = ProcedureFilterSerializer
    lookup_field = "code"
    lookup_value_converter = "str"

    def get_queryset(self):
        return self.base_queryset().filter(active=True).select_related("field").order_by("code")

    def get_serializer_class(self):
        return ProcedureListSerializer if self.action == "list" else ProcedureSerializer

    def filter_queryset_by(self, queryset, filters):
        return selectors.search_procedures(queryset, filters.get("q", ""), filters.get("field"))


@extend_schema_view(list=extend_schema(summary=_("Danh mục lĩnh vực")))
class ProcedureFieldViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Lĩnh vực thủ tục hành chính."""

    model = ProcedureField
    permission_classes = [AllowAny]
    serializer_class = ProcedureFieldSerializer


class StepSerializer(serializers.ModelSerializer):
    unit = ScopedPrimaryKeyRelatedField(model=Unit, required=False, allow_null=True)
    budget_hours = serializers.DecimalField(max_digits=7, decimal_places=2)

    class Meta:
        model = ProcessStep
        fields = ["order", "name", "kind", "unit", "role", "budget_hours"]
        read_only_fields = ["order"]


class ProcessDefinitionSerializer(serializers.ModelSerializer):
    procedure = serializers.SlugRelatedField(slug_field="code", read_only=True)
    steps = StepSerializer(many=True, read_only=True)

    class Meta:
        model = ProcessDefinition
        fields = ["id", "procedure", "unit", "valid_from", "active", "steps", "created_at"]
        read_only_fields = fields


class ScopedSlugField(serializers.SlugRelatedField):
    def get_queryset(self):
        request = self.context.get("request")
        return Procedure.objects.restrict(getattr(request, "user", None), "view")


class ProcessInputSerializer(serializers.Serializer):
    procedure = ScopedSlugField(slug_field="code", queryset=Procedure.objects.none())
    unit = ScopedPrimaryKeyRelatedField(model=Unit)
    valid_from = serializers.DateField(required=False)
    steps = StepSerializer(many=True)


class ProcessFilterSerializer(serializers.Serializer):
    procedure = serializers.CharField(required=False, label=_("mã thủ tục"))
    unit = serializers.IntegerField(required=False, label=_("đơn vị"))


@extend_schema_view(
    list=extend_schema(summary=_("Quy trình nội bộ")),
    create=extend_schema(
        summary=_("Lưu quy trình nội bộ của một thủ tục tại một đơn vị"),
        description=_("Tổng thời gian các bước phải bằng thời hạn giải quyết theo quy định."),
        request=ProcessInputSerializer,
        responses={201: ProcessDefinitionSerializer},
    ),
)
class ProcessDefinitionViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Quy trình nội bộ (ISO 9001:2015): officials read; administrators of the unit write."""

    model = ProcessDefinition
    serializer_class = ProcessDefinitionSerializer
    filter_serializer_class = ProcessFilterSerializer

    def get_queryset(self):
        return (
            self.base_queryset()
            .select_related("procedure")
            .prefetch_related("steps")
            .order_by("procedure__code", "unit_id", "-valid_from")
        )

    def filter_queryset_by(self, queryset, filters):
        if "procedure" in filters:
            queryset = queryset.filter(procedure__code=filters["procedure"])
        if "unit" in filters:
            queryset = queryset.filter(unit_id=filters["unit"])
        return queryset

    def create(self, request, *args, **kwargs):
        serializer = ProcessInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        definition = services.save_process(
            actor=request.user,
            procedure=data["procedure"],
            unit=data["unit"],
            valid_from=data.get("valid_from"),
            steps=[dict(s) for s in data["steps"]],
        )
        return Response(
            ProcessDefinitionSerializer(definition).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(summary=_("Ngừng áp dụng quy trình"), request=None)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        definition = services.deactivate_process(actor=request.user, definition=self.get_object())
        return Response(ProcessDefinitionSerializer(definition).data)


ROUTES = [
    ("procedures", ProcedureViewSet, "procedure"),
    ("procedure-fields", ProcedureFieldViewSet, "procedure-field"),
    ("procedure-processes", ProcessDefinitionViewSet, "procedure-process"),
]
PATHS: list = []
