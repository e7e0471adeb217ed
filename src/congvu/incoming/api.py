"""REST API of incoming documents: /api/v1/incoming-documents/, /api/v1/external-organizations/."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from congvu.accounts.models import User
from congvu.api.fields import ScopedPrimaryKeyRelatedField
from congvu.api.viewsets import ScopedViewSetMixin
from congvu.org.models import Unit
from congvu.registry.constants import Secrecy, Urgency
from congvu.registry.models import DocumentType

from . import selectors, services
from .constants import SUBJECT_MAX_LENGTH, Status
from .models import Assignment, ExternalOrganization, IncomingDocument, ProcessingEntry


class AssignmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Assignment
        fields = [
            "id",
            "unit",
            "user",
            "role",
            "deadline",
            "instruction",
            "assigned_by",
            "parent",
            "status",
            "created_at",
        ]
        read_only_fields = fields


class EntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = ProcessingEntry
        fields = ["id", "actor", "action", "note", "assignment", "created_at"]
        read_only_fields = fields


class IncomingDocumentSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = IncomingDocument
        fields = [
            "id",
            "unit",
            "register",
            "arrival_number",
            "arrival_date",
            "registered_at",
            "source",
            "issuer_unit",
            "issuer_external",
            "issuer_name",
            "number_notation",
            "document_date",
            "document_type",
            "subject",
            "signer_name",
            "urgency",
            "secrecy",
            "page_count",
            "deadline",
            "status",
            "status_display",
            "presented_to",
            "origin_label",
            "reply_type",
            "reply_id",
            "reply_label",
            "return_reason",
            "recall_reason",
            "recalled_at",
            "completed_at",
            "created_at",
        ]
        read_only_fields = fields


class IncomingDocumentDetailSerializer(IncomingDocumentSerializer):
    assignments = serializers.SerializerMethodField()
    entries = serializers.SerializerMethodField()

    class Meta(IncomingDocumentSerializer.Meta):
        fields = [*IncomingDocumentSerializer.Meta.fields, "assignments", "entries"]
        read_only_fields = fields

    def get_assignments(self, doc) -> list[dict]:
        user = self.context["request"].user
        rows = Assignment.objects.restrict(user, "view").filter(document=doc).order_by("pk")
        return AssignmentSerializer(rows, many=True).data

    def get_entries(self, doc) -> list[dict]:
        user = self.context["request"].user
        rows = ProcessingEntry.objects.restrict(user, "view").filter(document=doc)
        return EntrySerializer(rows.order_by("created_at", "pk"), many=True).data


class RegisterSerializer(serializers.Serializer):
    """Input of ``incoming_register``; the service checks the rules."""

    unit = ScopedPrimaryKeyRelatedField(model=Unit, label=_("đơn vị nhận"))
    issuer_unit = ScopedPrimaryKeyRelatedField(
        model=Unit, required=False, allow_null=True, label=_("cơ quan ban hành (trong hệ thống)")
    )
    issuer_external = ScopedPrimaryKeyRelatedField(
        model=ExternalOrganization,
        required=False,
        allow_null=True,
        label=_("cơ quan ban hành (bên ngoài)"),
    )
    issuer_name = serializers.CharField(
        required=False, allow_blank=True, max_length=255, label=_("cơ quan ban hành")
    )
    number_notation = serializers.CharField(max_length=60, label=_("số, ký hiệu"))
    document_date = serializers.DateField(label=_("ngày văn bản"))
    document_type = ScopedPrimaryKeyRelatedField(model=DocumentType, label=_("loại văn bản"))
    subject = serializers.CharField(max_length=SUBJECT_MAX_LENGTH, label=_("trích yếu"))
    signer_name = serializers.CharField(
        required=False, allow_blank=True, max_length=120, label=_("người ký")
    )
    urgency = serializers.ChoiceField(
        choices=Urgency.choices, default=Urgency.NORMAL, label=_("độ khẩn")
    )
    secrecy = serializers.IntegerField(
        default=Secrecy.NORMAL,
        label=_("độ mật"),
        help_text=_("0 thường, 1 mật; Tối mật, Tuyệt mật bị từ chối."),
    )
    page_count = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, label=_("số trang")
    )
    deadline = serializers.DateField(required=False, allow_null=True, label=_("hạn xử lý"))
    arrival_date = serializers.DateField(required=False, allow_null=True, label=_("ngày đến"))
    confirm_duplicate = serializers.BooleanField(default=False, label=_("xác nhận không trùng"))


class RegisterPendingSerializer(serializers.Serializer):
    """Input of ``incoming_register_pending`` (vào sổ an internal copy); the body may be empty."""

    confirm_duplicate = serializers.BooleanField(default=False, label=_("xác nhận không trùng"))
    note = serializers.CharField(required=False, allow_blank=True, label=_("ghi chú"))


class PresentSerializer(serializers.Serializer):
    to_user = ScopedPrimaryKeyRelatedField(model=User, label=_("trình cho"))
    note = serializers.CharField(required=False, allow_blank=True, label=_("ghi chú"))


class DirectSerializer(serializers.Serializer):
    instruction = serializers.CharField(label=_("ý kiến chỉ đạo"))
    main_unit = ScopedPrimaryKeyRelatedField(
        model=Unit, required=False, allow_null=True, label=_("đơn vị chủ trì")
    )
    main_user = ScopedPrimaryKeyRelatedField(
        model=User, required=False, allow_null=True, label=_("cán bộ chủ trì")
    )
    coordinator_units = ScopedPrimaryKeyRelatedField(
        model=Unit, many=True, required=False, label=_("đơn vị phối hợp")
    )
    coordinator_users = ScopedPrimaryKeyRelatedField(
        model=User, many=True, required=False, label=_("cán bộ phối hợp")
    )
    informed_units = ScopedPrimaryKeyRelatedField(
        model=Unit, many=True, required=False, label=_("đơn vị nhận để biết")
    )
    informed_users = ScopedPrimaryKeyRelatedField(
        model=User, many=True, required=False, label=_("cán bộ nhận để biết")
    )
    deadline = serializers.DateField(required=False, allow_null=True, label=_("hạn xử lý"))


class ForwardSerializer(serializers.Serializer):
    assignment = ScopedPrimaryKeyRelatedField(model=Assignment, label=_("phân công"))
    to_user = ScopedPrimaryKeyRelatedField(model=User, label=_("chuyển cho"))
    note = serializers.CharField(required=False, allow_blank=True, label=_("ý kiến"))


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, label=_("nội dung"))


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("lý do"))


class ReplySerializer(serializers.Serializer):
    reply_type = serializers.CharField(max_length=100, label=_("loại văn bản trả lời"))
    reply_id = serializers.CharField(max_length=64, label=_("mã văn bản trả lời"))
    reply_label = serializers.CharField(
        required=False, allow_blank=True, max_length=255, label=_("số, ký hiệu văn bản trả lời")
    )


class DocumentFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, required=False, label=_("trạng thái"))
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False, label=_("độ khẩn"))
    unit = serializers.IntegerField(required=False, label=_("đơn vị nhận"))
    date_from = serializers.DateField(required=False, label=_("đến từ ngày"))
    date_to = serializers.DateField(required=False, label=_("đến ngày"))
    q = serializers.CharField(
        required=False, label=_("tìm kiếm"), help_text=_("Không phân biệt dấu và hoa thường.")
    )


def _action_schema(summary, request):
    return extend_schema(
        summary=summary, request=request, responses=IncomingDocumentDetailSerializer
    )


@extend_schema_view(
    list=extend_schema(
        summary=_("Danh sách văn bản đến"),
        description=_("Văn bản khẩn trước, rồi văn bản mới nhất; chỉ trong phạm vi được xem."),
    ),
    retrieve=extend_schema(
        summary=_("Chi tiết văn bản đến"), responses=IncomingDocumentDetailSerializer
    ),
    create=extend_schema(
        summary=_("Vào sổ văn bản đến"),
        description=_(
            "Văn thư vào sổ văn bản giấy; số đến cấp tự động. Văn bản có thể trùng bị từ chối "
            "với mã duplicate_suspected trừ khi confirm_duplicate."
        ),
        request=RegisterSerializer,
        responses={201: IncomingDocumentDetailSerializer},
    ),
)
class IncomingDocumentViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Văn bản đến. Every change goes through congvu.incoming.services (audited)."""

    model = IncomingDocument
    serializer_class = IncomingDocumentSerializer
    filter_serializer_class = DocumentFilterSerializer

    def get_queryset(self):
        return self.base_queryset().order_by(*selectors.LIST_ORDER)

    def get_serializer_class(self):
        if self.action == "list":
            return IncomingDocumentSerializer
        return IncomingDocumentDetailSerializer

    def filter_queryset_by(self, queryset, filters):
        return selectors.documents(actor=self.request.user, filters=filters).filter(
            pk__in=queryset.values("pk")
        )

    def _input(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _out(self, doc, code=status.HTTP_200_OK):
        doc = self.get_queryset().get(pk=doc.pk)
        data = IncomingDocumentDetailSerializer(doc, context=self.get_serializer_context()).data
        return Response(data, status=code)

    def create(self, request, *args, **kwargs):
        data = self._input(RegisterSerializer)
        doc = services.incoming_register(actor=request.user, **data)
        return self._out(doc, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Vào sổ văn bản liên thông"),
        description=_(
            "Văn bản có thể trùng (cùng cơ quan ban hành, số, ký hiệu, ngày với văn bản đã vào "
            "sổ) bị từ chối với mã duplicate_suspected trừ khi confirm_duplicate."
        ),
        request=RegisterPendingSerializer,
        responses=IncomingDocumentDetailSerializer,
    )
    @action(detail=True, methods=["post"], url_path="register")
    def register_pending(self, request, pk=None):
        data = self._input(RegisterPendingSerializer)
        doc = services.incoming_register_pending(
            actor=request.user, document=self.get_object(), **data
        )
        return self._out(doc)

    @_action_schema(_("Trình văn bản"), PresentSerializer)
    @action(detail=True, methods=["post"])
    def present(self, request, pk=None):
        data = self._input(PresentSerializer)
        doc = services.incoming_present(actor=request.user, document=self.get_object(), **data)
        return self._out(doc)

    @_action_schema(_("Chỉ đạo, phân công xử lý"), DirectSerializer)
    @action(detail=True, methods=["post"])
    def direct(self, request, pk=None):
        d = self._input(DirectSerializer)
        doc = self.get_object()
        services.incoming_direct(
            actor=request.user,
            document=doc,
            instruction=d["instruction"],
            main=d.get("main_user") or d.get("main_unit"),
            coordinators=[*d.get("coordinator_units", []), *d.get("coordinator_users", [])],
            informed=[*d.get("informed_units", []), *d.get("informed_users", [])],
            deadline=d.get("deadline"),
        )
        return self._out(doc)

    @_action_schema(_("Chuyển cán bộ xử lý"), ForwardSerializer)
    @action(detail=True, methods=["post"])
    def forward(self, request, pk=None):
        doc = self.get_object()
        d = self._input(ForwardSerializer)
        if d["assignment"].document_id != doc.pk:
            from rest_framework.exceptions import NotFound

            raise NotFound
        services.assignment_forward(
            actor=request.user,
            assignment=d["assignment"],
            to_user=d["to_user"],
            note=d.get("note", ""),
        )
        return self._out(doc)

    @_action_schema(_("Cập nhật tiến độ"), NoteSerializer)
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        d = self._input(NoteSerializer)
        doc = services.incoming_progress(
            actor=request.user, document=self.get_object(), note=d.get("note", "")
        )
        return self._out(doc)

    @_action_schema(_("Gắn văn bản trả lời"), ReplySerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        d = self._input(ReplySerializer)
        doc = services.incoming_link_reply(actor=request.user, document=self.get_object(), **d)
        return self._out(doc)

    @_action_schema(_("Hoàn thành xử lý"), NoteSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        d = self._input(NoteSerializer)
        doc = services.incoming_complete(
            actor=request.user, document=self.get_object(), note=d.get("note", "")
        )
        return self._out(doc)

    @_action_schema(_("Trả lại nơi gửi"), ReasonSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_to_sender(self, request, pk=None):
        d = self._input(ReasonSerializer)
        doc = services.incoming_return(actor=request.user, document=self.get_object(), **d)
        return self._out(doc)

    @_action_schema(_("Mở lại văn bản"), ReasonSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        d = self._input(ReasonSerializer)
        doc = services.incoming_reopen(actor=request.user, document=self.get_object(), **d)
        return self._out(doc)


class ExternalOrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExternalOrganization
        fields = ["id", "name", "code", "address"]
        read_only_fields = ["id"]


class ExternalOrgFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, label=_("tìm kiếm"))


@extend_schema_view(
    list=extend_schema(summary=_("Danh mục cơ quan bên ngoài")),
    create=extend_schema(
        summary=_("Thêm cơ quan bên ngoài"),
        request=ExternalOrganizationSerializer,
        responses={201: ExternalOrganizationSerializer},
    ),
)
class ExternalOrganizationViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Cơ quan, tổ chức bên ngoài (nơi gửi văn bản đến)."""

    model = ExternalOrganization
    serializer_class = ExternalOrganizationSerializer
    filter_serializer_class = ExternalOrgFilterSerializer

    def filter_queryset_by(self, queryset, filters):
        if "q" in filters:
            ids = selectors.external_organizations(actor=self.request.user, query=filters["q"])
            queryset = queryset.filter(pk__in=ids.values("pk"))
        # The list in Vietnamese order of names, as its page shows it (the database
        # puts "Đ" after "Z"); the limit/offset pages read only their rows.
        return selectors.InVietnameseOrder(queryset, "name")

    def create(self, request, *args, **kwargs):
        serializer = ExternalOrganizationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        org = services.external_org_create(actor=request.user, **serializer.validated_data)
        return Response(ExternalOrganizationSerializer(org).data, status=status.HTTP_201_CREATED)
