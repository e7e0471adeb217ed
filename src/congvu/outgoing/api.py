"""REST API of văn bản đi: drafts (CRUD while editable) and every transition as a POST action."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from congvu.accounts.models import User
from congvu.api.fields import ScopedPrimaryKeyRelatedField
from congvu.api.viewsets import ScopedViewSetMixin
from congvu.core.text import fold
from congvu.files.models import StoredFile
from congvu.incoming.models import IncomingDocument
from congvu.org.models import Unit
from congvu.registry.constants import Secrecy, Urgency
from congvu.registry.models import DocumentType

from . import preview, selectors, services
from .constants import AuthorityPrefix, RecipientKind, Status
from .models import OutgoingDocument, Recipient, ReviewStep

# --- Output ------------------------------------------------------------------------


class RecipientSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, label=_("tên nơi nhận"))

    class Meta:
        model = Recipient
        fields = [
            "id",
            "unit",
            "external_name",
            "external_address",
            "name",
            "kind",
            "delivery_status",
            "incoming_id",
            "delivered_at",
        ]
        read_only_fields = fields


class ReviewStepSerializer(serializers.ModelSerializer):
    reviewer_name = serializers.CharField(source="reviewer.__str__", read_only=True)

    class Meta:
        model = ReviewStep
        fields = [
            "id",
            "round",
            "order",
            "reviewer",
            "reviewer_name",
            "decision",
            "comment",
            "decided_at",
        ]
        read_only_fields = fields


class OutgoingDocumentSerializer(serializers.ModelSerializer):
    document_type_name = serializers.CharField(source="document_type.name", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = OutgoingDocument
        fields = [
            "id",
            "unit",
            "unit_name",
            "drafting_unit",
            "document_type",
            "document_type_name",
            "subject",
            "urgency",
            "secrecy",
            "status",
            "number",
            "number_notation",
            "issued_at",
            "drafted_by",
            "signer",
            "signer_title",
            "authority_prefix",
            "approved_at",
            "reply_to_type",
            "reply_to_id",
            "created_at",
        ]
        read_only_fields = fields


class IssuedAttachmentSerializer(serializers.ModelSerializer):
    """An agency-signed attachment (văn bản kèm theo); its bytes at /api/v1/files/<id>/download/."""

    class Meta:
        model = StoredFile
        fields = ["id", "original_name", "content_type", "size", "sha256", "uploaded_at"]
        read_only_fields = fields


class OutgoingDocumentDetailSerializer(OutgoingDocumentSerializer):
    recipients = RecipientSerializer(many=True, read_only=True, label=_("nơi nhận"))
    review_steps = ReviewStepSerializer(many=True, read_only=True, label=_("trình duyệt"))
    recipient_lines = serializers.SerializerMethodField(label=_("khối nơi nhận"))
    issued_attachments = serializers.SerializerMethodField(
        label=_("văn bản kèm theo đã ký số"),
        help_text=_(
            "Tệp đính kèm được ký số của cơ quan khi phát hành; tải tại /api/v1/files/<id>/download/."
        ),
    )

    class Meta(OutgoingDocumentSerializer.Meta):
        fields = [
            *OutgoingDocumentSerializer.Meta.fields,
            "body",
            "register",
            "issued_file",
            "signed_with",
            "replaces",
            "corrects",
            "recalled_at",
            "recall_reason",
            "recipients",
            "review_steps",
            "recipient_lines",
            "issued_attachments",
        ]
        read_only_fields = fields

    def get_recipient_lines(self, doc) -> list[str]:
        return selectors.recipient_lines(doc)

    @extend_schema_field(IssuedAttachmentSerializer(many=True))
    def get_issued_attachments(self, doc) -> list[dict]:
        return IssuedAttachmentSerializer(selectors.issued_attachments(doc), many=True).data


# --- Input -------------------------------------------------------------------------


class RecipientInputSerializer(serializers.Serializer):
    unit = ScopedPrimaryKeyRelatedField(
        model=Unit, required=False, allow_null=True, label=_("đơn vị nhận")
    )
    external_name = serializers.CharField(
        required=False, allow_blank=True, max_length=255, label=_("tên nơi nhận")
    )
    external_address = serializers.CharField(
        required=False, allow_blank=True, max_length=255, label=_("địa chỉ")
    )
    kind = serializers.ChoiceField(
        choices=RecipientKind.choices, default=RecipientKind.MAIN, label=_("hình thức")
    )


class DraftInputSerializer(serializers.Serializer):
    unit = ScopedPrimaryKeyRelatedField(model=Unit, label=_("cơ quan ban hành"))
    drafting_unit = ScopedPrimaryKeyRelatedField(
        model=Unit, required=False, allow_null=True, label=_("đơn vị soạn thảo")
    )
    document_type = ScopedPrimaryKeyRelatedField(model=DocumentType, label=_("loại văn bản"))
    subject = serializers.CharField(max_length=500, label=_("trích yếu"))
    body = serializers.CharField(required=False, allow_blank=True, label=_("nội dung"))
    urgency = serializers.ChoiceField(
        choices=Urgency.choices, default=Urgency.NORMAL, label=_("độ khẩn")
    )
    secrecy = serializers.IntegerField(
        default=Secrecy.NORMAL,
        label=_("độ mật"),
        help_text=_("0 thường, 1 Mật. Tối mật, Tuyệt mật bị từ chối (mã secrecy_not_allowed)."),
    )
    recipients = RecipientInputSerializer(many=True, required=False, label=_("nơi nhận"))
    reply_to = ScopedPrimaryKeyRelatedField(
        model=IncomingDocument,
        required=False,
        allow_null=True,
        label=_("trả lời văn bản đến"),
        help_text=_("Mã văn bản đến mà văn bản này trả lời."),
    )


class DraftUpdateSerializer(DraftInputSerializer):
    unit = None
    reply_to = None


class SubmitSerializer(serializers.Serializer):
    reviewers = serializers.ListField(
        child=ScopedPrimaryKeyRelatedField(model=User),
        required=False,
        label=_("người duyệt"),
        help_text=_("Theo thứ tự trình, ví dụ trưởng phòng rồi lãnh đạo."),
    )


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, label=_("ý kiến"))


class ReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(label=_("ý kiến"))


class SignSerializer(serializers.Serializer):
    authority_prefix = serializers.ChoiceField(
        choices=AuthorityPrefix.choices, required=False, default="", label=_("thẩm quyền ký")
    )
    signer_title = serializers.CharField(
        required=False, allow_blank=True, max_length=100, label=_("chức vụ người ký")
    )


class ApproveSerializer(SignSerializer):
    content_sha256 = serializers.RegexField(
        r"^[0-9a-f]{64}$",
        label=_("mã nội dung đã xem"),
        help_text=_(
            "content_sha256 của bản in thử (GET …/preview/ với cùng thẩm quyền và chức vụ) "
            "mà người ký đã xem; khác với hiện tại thì không duyệt (content_changed)."
        ),
    )


class PreviewQuerySerializer(serializers.Serializer):
    """The choice a leader would approve with (query parameters of the preview)."""

    authority_prefix = serializers.ChoiceField(
        choices=AuthorityPrefix.choices,
        required=False,
        allow_blank=True,
        default="",
        label=_("thẩm quyền ký"),
    )
    signer_title = serializers.CharField(
        required=False, allow_blank=True, max_length=100, default="", label=_("chức vụ người ký")
    )


class PreviewFileSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", label=_("mã tệp"))
    name = serializers.CharField(source="original_name", label=_("tên tệp"))
    content_type = serializers.CharField(label=_("kiểu nội dung"))
    size = serializers.IntegerField(label=_("dung lượng (byte)"))
    sha256 = serializers.CharField(label=_("mã băm SHA-256"))


class PreviewSerializer(serializers.Serializer):
    content_sha256 = serializers.CharField(label=_("mã nội dung"))
    signer_title = serializers.CharField(label=_("chức vụ người ký"))
    authority_prefix = serializers.CharField(label=_("thẩm quyền ký"))
    pdf_url = serializers.CharField(label=_("bản in thử (PDF)"))
    files = PreviewFileSerializer(many=True, label=_("tệp kèm theo"))


class RecallSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255, label=_("lý do thu hồi"))


class CorrectSerializer(serializers.Serializer):
    subject = serializers.CharField(
        required=False, allow_blank=True, max_length=500, label=_("trích yếu")
    )


class DocumentFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, required=False, label=_("trạng thái"))
    tab = serializers.ChoiceField(
        choices=list(selectors.TABS),
        required=False,
        label=_("nhóm"),
        help_text=_(
            "drafts, review (chờ tôi cho ý kiến), sign (chờ duyệt ký), issue (chờ phát hành), "
            "signing (chờ ký số: bị từ chối hoặc hết hạn trước), issued."
        ),
    )
    q = serializers.CharField(
        required=False, label=_("tìm kiếm"), help_text=_("Không phân biệt dấu và hoa thường.")
    )


# --- Views -------------------------------------------------------------------------


def _action_schema(summary, request=None):
    return extend_schema(
        summary=summary, request=request, responses=OutgoingDocumentDetailSerializer
    )


@extend_schema_view(
    list=extend_schema(
        summary=_("Danh sách văn bản đi"),
        description=_("Văn bản khẩn trước; chỉ trong phạm vi được xem."),
    ),
    retrieve=extend_schema(
        summary=_("Chi tiết văn bản đi"), responses=OutgoingDocumentDetailSerializer
    ),
    create=extend_schema(
        summary=_("Soạn dự thảo văn bản đi"),
        request=DraftInputSerializer,
        responses={201: OutgoingDocumentDetailSerializer},
    ),
    partial_update=extend_schema(
        summary=_("Sửa dự thảo"),
        description=_("Chỉ khi là dự thảo hoặc bị trả lại; nơi nhận gửi kèm thì thay toàn bộ."),
        request=DraftUpdateSerializer,
        responses=OutgoingDocumentDetailSerializer,
    ),
)
class OutgoingDocumentViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Văn bản đi. Every change goes through congvu.outgoing.services (audited)."""

    model = OutgoingDocument
    serializer_class = OutgoingDocumentSerializer
    filter_serializer_class = DocumentFilterSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return (
            self.base_queryset()
            .select_related("unit", "document_type")
            .order_by("-urgency", "-created_at")
        )

    def get_serializer_class(self):
        return (
            OutgoingDocumentSerializer
            if self.action == "list"
            else OutgoingDocumentDetailSerializer
        )

    def filter_queryset_by(self, queryset, filters):
        if "tab" in filters:
            queryset = queryset.filter(
                pk__in=selectors.document_list(actor=self.request.user, tab=filters["tab"]).values(
                    "pk"
                )
            )
        if "status" in filters:
            queryset = queryset.filter(status=filters["status"])
        if "q" in filters:
            queryset = queryset.filter(search_text__contains=fold(filters["q"]))
        return queryset

    def _input(self, serializer_class, partial=False) -> dict:
        serializer = serializer_class(
            data=self.request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "recipients" in data:
            data["recipients"] = [dict(item) for item in data["recipients"]]
        return data

    def _out(self, doc, code=status.HTTP_200_OK):
        doc = self.get_queryset().get(pk=doc.pk)
        return Response(
            OutgoingDocumentDetailSerializer(doc, context=self.get_serializer_context()).data,
            status=code,
        )

    def create(self, request, *args, **kwargs):
        data = self._input(DraftInputSerializer)
        doc = services.draft_create(actor=request.user, **data)
        return self._out(doc, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        doc = self.get_object()
        data = self._input(DraftUpdateSerializer, partial=True)
        doc = services.draft_update(actor=request.user, document=doc, **data)
        return self._out(doc)

    @_action_schema(_("Trình duyệt dự thảo"), SubmitSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        data = self._input(SubmitSerializer)
        doc = services.draft_submit(
            actor=request.user, document=self.get_object(), reviewers=data.get("reviewers", [])
        )
        return self._out(doc)

    @_action_schema(_("Đồng ý, chuyển người duyệt tiếp theo"), CommentSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        data = self._input(CommentSerializer)
        doc = self.get_object()
        services.review_approve(actor=request.user, document=doc, comment=data.get("comment", ""))
        return self._out(doc)

    @_action_schema(_("Trả lại dự thảo để sửa"), ReturnSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_for_revision(self, request, pk=None):
        data = self._input(ReturnSerializer)
        doc = services.review_return(
            actor=request.user, document=self.get_object(), comment=data["comment"]
        )
        return self._out(doc)

    def _shown(self):
        """The document as its preview shows it to the caller (``preview.as_shown_to``)."""
        choice = PreviewQuerySerializer(data=self.request.query_params)
        choice.is_valid(raise_exception=True)
        return preview.as_shown_to(self.request.user, self.get_object(), **choice.validated_data)

    @extend_schema(
        summary=_("Bản in thử để đọc trước khi ký"),
        description=_(
            "Mã nội dung (content_sha256) của văn bản như sẽ được ký: với lãnh đạo được duyệt ký, "
            "văn bản do chính họ ký với thẩm quyền và chức vụ gửi kèm (tham số truy vấn). "
            "Gửi lại mã này khi duyệt ký."
        ),
        parameters=[PreviewQuerySerializer],
        responses=PreviewSerializer,
    )
    @action(detail=True, methods=["get"])
    def preview(self, request, pk=None):
        shown = self._shown()
        query = urlencode(
            {"authority_prefix": shown.authority_prefix, "signer_title": shown.signer_title}
        )
        pdf_url = request.build_absolute_uri(
            reverse("api:outgoing-document-preview-pdf", args=[shown.pk]) + "?" + query
        )
        data = {
            "content_sha256": preview.content_digest(shown),
            "signer_title": shown.signer_title,
            "authority_prefix": shown.authority_prefix,
            "pdf_url": pdf_url,
            "files": preview.signed_files(shown),
        }
        return Response(PreviewSerializer(data).data)

    @extend_schema(
        summary=_("Bản in thử (PDF)"),
        parameters=[PreviewQuerySerializer],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"], url_path="preview-pdf")
    def preview_pdf(self, request, pk=None):
        shown = self._shown()
        _digest, pdf = preview.body_pdf(shown)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="du-thao-{shown.pk}.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response

    @_action_schema(_("Duyệt ký"), ApproveSerializer)
    @action(detail=True, methods=["post"], url_path="approve-for-signing")
    def approve_for_signing(self, request, pk=None):
        data = self._input(ApproveSerializer)
        doc = services.draft_approve_for_signing(
            actor=request.user, document=self.get_object(), **data
        )
        return self._out(doc)

    @_action_schema(_("Cấp số và phát hành (văn thư)"))
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        doc = services.document_issue(actor=request.user, document=self.get_object())
        return self._out(doc)

    @_action_schema(_("Thu hồi văn bản"), RecallSerializer)
    @action(detail=True, methods=["post"])
    def recall(self, request, pk=None):
        data = self._input(RecallSerializer)
        doc = services.document_recall(
            actor=request.user, document=self.get_object(), reason=data["reason"]
        )
        return self._out(doc)

    @extend_schema(
        summary=_("Soạn văn bản thay thế"),
        request=None,
        responses={201: OutgoingDocumentDetailSerializer},
    )
    @action(detail=True, methods=["post"])
    def replace(self, request, pk=None):
        doc = services.document_replace(actor=request.user, document=self.get_object())
        return self._out(doc, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Soạn công văn đính chính"),
        request=CorrectSerializer,
        responses={201: OutgoingDocumentDetailSerializer},
    )
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        data = self._input(CorrectSerializer)
        doc = services.document_correct(
            actor=request.user, document=self.get_object(), subject=data.get("subject", "")
        )
        return self._out(doc, status.HTTP_201_CREATED)
