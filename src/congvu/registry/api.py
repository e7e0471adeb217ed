"""REST API for document types, registers, issued numbers and the số, ký hiệu parser."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from congvu.api.viewsets import ScopedReadOnlyViewSet, ScopedViewSetMixin
from congvu.audit.services import log_access

from . import notation, selectors, services
from .constants import Direction, NumberStatus
from .models import DocumentType, IssuedNumber, Register


class DocumentTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = DocumentType
        fields = ["id", "code", "name", "abbreviation", "is_legal_normative", "order", "active"]
        read_only_fields = fields


class RegisterSerializer(serializers.ModelSerializer):
    direction_display = serializers.CharField(source="get_direction_display", read_only=True)
    is_closed = serializers.BooleanField(read_only=True, label=_("đã khóa"))

    class Meta:
        model = Register
        fields = [
            "id",
            "name",
            "unit",
            "direction",
            "direction_display",
            "year",
            "secrecy",
            "sequence_key",
            "document_type",
            "last_number",
            "is_closed",
            "closed_at",
            "closed_by",
        ]
        read_only_fields = fields


class IssuedNumberSerializer(serializers.ModelSerializer):
    class Meta:
        model = IssuedNumber
        fields = [
            "id",
            "register",
            "number",
            "status",
            "issued_at",
            "issued_by",
            "object_type",
            "object_id",
            "void_reason",
            "voided_at",
            "voided_by",
        ]
        read_only_fields = fields


class VoidSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("lý do hủy số"), max_length=255)


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("lý do mở lại sổ"), max_length=500)


class NotationInputSerializer(serializers.Serializer):
    text = serializers.CharField(label=_("số, ký hiệu"), max_length=100, trim_whitespace=False)


class NotationWarningSerializer(serializers.Serializer):
    code = serializers.CharField(label=_("mã cảnh báo"))
    message = serializers.CharField(label=_("nội dung cảnh báo"))


class NotationSerializer(serializers.Serializer):
    number = serializers.IntegerField(label=_("số"))
    year = serializers.IntegerField(allow_null=True, label=_("năm (văn bản QPPL)"))
    type_abbr = serializers.CharField(allow_null=True, label=_("chữ viết tắt tên loại"))
    issuer = serializers.CharField(label=_("chữ viết tắt cơ quan ban hành"))
    sub_unit = serializers.CharField(allow_null=True, label=_("đơn vị soạn thảo (công văn)"))
    formatted = serializers.CharField(label=_("dạng chuẩn"))
    warnings = NotationWarningSerializer(many=True, label=_("cảnh báo cần kiểm tra"))


class RegisterFilterSerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, label=_("năm"))
    unit = serializers.IntegerField(required=False, label=_("cơ quan"))
    direction = serializers.ChoiceField(
        choices=Direction.choices, required=False, label=_("loại sổ")
    )


class IssuedNumberFilterSerializer(serializers.Serializer):
    register = serializers.IntegerField(required=False, label=_("sổ"))
    status = serializers.ChoiceField(
        choices=NumberStatus.choices, required=False, label=_("tình trạng")
    )


@extend_schema_view(list=extend_schema(summary=_("Danh sách loại văn bản")))
class DocumentTypeViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Loại văn bản (Appendix III and the văn bản QPPL types): reference data."""

    model = DocumentType
    serializer_class = DocumentTypeSerializer


@extend_schema_view(
    list=extend_schema(summary=_("Danh sách sổ đăng ký")),
    retrieve=extend_schema(summary=_("Chi tiết sổ đăng ký")),
    close=extend_schema(
        summary=_("Khóa sổ"),
        description=_("Văn thư hoặc lãnh đạo cơ quan khóa sổ; sổ đã khóa không cấp thêm số."),
        request=None,
        responses=RegisterSerializer,
    ),
    reopen=extend_schema(
        summary=_("Mở lại sổ"),
        description=_("Quản trị đơn vị của cơ quan mở lại sổ đã khóa, ghi lý do."),
        request=ReopenSerializer,
        responses=RegisterSerializer,
    ),
)
class RegisterViewSet(ScopedReadOnlyViewSet):
    """Sổ đăng ký. Counters change only through congvu.registry.services."""

    model = Register
    serializer_class = RegisterSerializer
    filter_serializer_class = RegisterFilterSerializer

    def get_object(self):
        register = super().get_object()
        if self.request.method == "GET" and register.secrecy:
            log_access(
                actor=self.request.user,
                obj=register,
                unit=register.unit_id,
                confidentiality=register.secrecy,
                ip=self.request.META.get("REMOTE_ADDR", ""),
            )
        return register

    def filter_queryset_by(self, queryset, filters):
        if "year" in filters:
            queryset = queryset.filter(year=filters["year"])
        if "unit" in filters:
            queryset = queryset.filter(unit_id=filters["unit"])
        if "direction" in filters:
            queryset = queryset.filter(direction=filters["direction"])
        return queryset

    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        register = services.register_close(actor=request.user, register=self.get_object())
        return Response(RegisterSerializer(register).data)

    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        register = self.get_object()
        data = ReopenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        register = services.register_reopen(
            actor=request.user, register=register, reason=data.validated_data["reason"]
        )
        return Response(RegisterSerializer(register).data)


@extend_schema_view(
    list=extend_schema(summary=_("Danh sách số đã cấp")),
    void=extend_schema(
        summary=_("Hủy số"),
        description=_(
            "Văn thư của cơ quan hủy một số đã cấp, ghi lý do; số không bao giờ cấp lại."
        ),
        request=VoidSerializer,
        responses=IssuedNumberSerializer,
    ),
)
class IssuedNumberViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Số đã cấp, used or voided with the reason."""

    model = IssuedNumber
    serializer_class = IssuedNumberSerializer
    filter_serializer_class = IssuedNumberFilterSerializer

    def get_queryset(self):
        return self.base_queryset().select_related("register")

    def filter_queryset_by(self, queryset, filters):
        if "register" in filters:
            queryset = queryset.filter(register_id=filters["register"])
        if "status" in filters:
            queryset = queryset.filter(status=filters["status"])
        return queryset

    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        issued = self.get_object()
        data = VoidSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        issued = services.number_void(
            actor=request.user, issued=issued, reason=data.validated_data["reason"]
        )
        return Response(IssuedNumberSerializer(issued).data)


class NotationParseView(APIView):
    """Parse a "số, ký hiệu" as written on a document into its parts."""

    # Named for the error handler: field errors get their Vietnamese label and message.
    input_serializer_class = NotationInputSerializer
    # A POST only because the text may be long; nothing is written, so a
    # read-scope token may call it (api/authentication.py).
    allows_read_tokens = True

    @extend_schema(
        summary=_("Phân tích số, ký hiệu"),
        description=_(
            "Nhận số, ký hiệu như ghi trên văn bản (ví dụ “Số: 12/qđ-ubnd”) và trả các phần "
            "cùng dạng chuẩn; lỗi nêu ở trường number_notation."
        ),
        request=NotationInputSerializer,
        responses=NotationSerializer,
    )
    def post(self, request):
        data = NotationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        parsed = notation.parse(
            data.validated_data["text"], abbreviations=selectors.type_abbreviations()
        )
        return Response(
            {
                "number": parsed.number,
                "year": parsed.year,
                "type_abbr": parsed.type_abbr,
                "issuer": parsed.issuer,
                "sub_unit": parsed.sub_unit,
                "formatted": parsed.format(),
                "warnings": [{"code": w.code, "message": w.message} for w in parsed.warnings],
            }
        )
