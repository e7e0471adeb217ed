"""REST API of the one-stop shop for officials: /api/v1/dossiers/.

List and detail are restricted to the requester's scope (404 outside it);
every change is a POST action that calls the matching service, whose errors
come back as JSON ({"code", "message", "errors"}).
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from congvu.accounts.constants import ApplicantType
from congvu.accounts.models import User
from congvu.api.fields import ScopedPrimaryKeyRelatedField
from congvu.api.viewsets import ScopedViewSetMixin
from congvu.org.models import Unit
from congvu.procedures.constants import Channel
from congvu.procedures.models import Procedure, RequiredPaper

from . import selectors, services
from .constants import DossierStatus, ResultDelivery
from .models import ClockPause, Dossier, DossierEvent, DossierForm, DossierStep


class DossierSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    national_status = serializers.IntegerField(read_only=True)
    # Null until the dossier is accepted and has an appointment.
    effective_due_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = Dossier
        fields = [
            "id",
            "code",
            "procedure",
            "procedure_version",
            "receiving_unit",
            "competent_unit",
            "beyond_boundary",
            "channel",
            "status",
            "status_display",
            "national_status",
            "applicant_type",
            "applicant_name",
            "applicant_phone",
            "submitted_at",
            "received_at",
            "due_at",
            "extended_due_at",
            "effective_due_at",
            "finished_at",
            "returned_at",
            "outcome",
            "book_year",
            "book_number",
            "current_step",
        ]
        read_only_fields = fields


class DossierStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = DossierStep
        fields = [
            "id",
            "order",
            "name",
            "kind",
            "unit",
            "role",
            "assignee",
            "budget_hours",
            "started_at",
            "due_at",
            "finished_at",
            "handed_by",
            "finished_by",
            "outcome",
            "note",
        ]
        read_only_fields = fields


class DossierPauseSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClockPause
        fields = ["id", "reason", "started_at", "ended_at", "note"]
        read_only_fields = fields


class DossierFormSerializer(serializers.ModelSerializer):
    class Meta:
        model = DossierForm
        fields = ["id", "form", "issued_at", "issued_by", "content"]
        read_only_fields = fields


class DossierEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = DossierEvent
        fields = ["id", "at", "action", "status", "actor", "message", "public"]
        read_only_fields = fields


class DossierDetailSerializer(DossierSerializer):
    steps = serializers.SerializerMethodField()
    pauses = serializers.SerializerMethodField()
    forms = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()

    class Meta(DossierSerializer.Meta):
        fields = [
            *DossierSerializer.Meta.fields,
            "applicant_id_number",
            "applicant_address",
            "applicant_email",
            "subject",
            "result_delivery",
            "payment_amount",
            "payment_reference",
            "steps",
            "pauses",
            "forms",
            "events",
            "available_actions",
        ]
        read_only_fields = fields

    def get_steps(self, d) -> list[dict]:
        return DossierStepSerializer(d.steps.order_by("order"), many=True).data

    def get_pauses(self, d) -> list[dict]:
        return DossierPauseSerializer(d.pauses.order_by("started_at"), many=True).data

    def get_forms(self, d) -> list[dict]:
        return DossierFormSerializer(d.forms.order_by("issued_at", "pk"), many=True).data

    def get_events(self, d) -> list[dict]:
        return DossierEventSerializer(
            selectors.dossier_timeline(d, public_only=False), many=True
        ).data

    def get_available_actions(self, d) -> list[str]:
        return selectors.available_actions(self.context["request"].user, d)


class DossierRegisterSerializer(serializers.Serializer):
    """Input of ``dossier_register_direct`` (papers handed in at the desk, by id)."""

    procedure = ScopedPrimaryKeyRelatedField(model=Procedure, label=_("thủ tục"))
    receiving_unit = ScopedPrimaryKeyRelatedField(model=Unit, label=_("nơi tiếp nhận"))
    channel = serializers.ChoiceField(
        choices=Channel.choices,
        label=_("kênh nộp"),
        help_text=_("Tại quầy: direct (trực tiếp) hoặc postal (bưu chính)."),
    )
    name = serializers.CharField(max_length=255, label=_("họ và tên người nộp"))
    type = serializers.ChoiceField(
        choices=ApplicantType.choices, default=ApplicantType.PERSON, label=_("loại người nộp")
    )
    id_number = serializers.CharField(required=False, allow_blank=True, max_length=20)
    phone = serializers.CharField(max_length=20, label=_("số điện thoại"))
    email = serializers.CharField(required=False, allow_blank=True, max_length=254)
    address = serializers.CharField(required=False, allow_blank=True, max_length=500)
    subject = serializers.CharField(required=False, allow_blank=True, label=_("nội dung yêu cầu"))
    result_delivery = serializers.ChoiceField(
        choices=ResultDelivery.choices, default=ResultDelivery.OFFICE, label=_("nhận kết quả tại")
    )
    papers = ScopedPrimaryKeyRelatedField(
        model=RequiredPaper, many=True, required=False, label=_("giấy tờ đã nhận")
    )
    competent_unit = ScopedPrimaryKeyRelatedField(
        model=Unit,
        required=False,
        allow_null=True,
        label=_("cơ quan giải quyết"),
        help_text=_("Tiếp nhận phi địa giới: đơn vị giải quyết khi không phải đơn vị tiếp nhận."),
    )


class DossierNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, label=_("ghi chú"))


class DossierReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("lý do"))


class DossierSupplementSerializer(serializers.Serializer):
    items = serializers.ListField(child=serializers.CharField(), label=_("giấy tờ cần bổ sung"))
    reason = serializers.CharField(required=False, allow_blank=True, label=_("lý do"))


class DossierSupplementAnswerSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255, label=_("tên giấy tờ"))
    file = serializers.FileField(label=_("tệp"))
    note = serializers.CharField(required=False, allow_blank=True)


class DossierAssignSerializer(serializers.Serializer):
    assignee = ScopedPrimaryKeyRelatedField(model=User, label=_("người xử lý"))


class DossierCompleteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, label=_("ý kiến"))
    next_assignee = ScopedPrimaryKeyRelatedField(
        model=User, required=False, allow_null=True, label=_("chuyển cho")
    )


class DossierDelaySerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("lý do"))
    new_due_at = serializers.DateTimeField(label=_("hẹn lại"))


class DossierPaymentSerializer(serializers.Serializer):
    amount = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, label=_("số tiền (đồng)")
    )


class DossierFinishSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True)
    result_file = serializers.FileField(required=False, allow_null=True, label=_("tệp kết quả"))


class DossierFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=DossierStatus.choices, required=False, label=_("trạng thái")
    )
    q = serializers.CharField(required=False, label=_("mã hồ sơ hoặc người nộp"))
    queue = serializers.ChoiceField(
        choices=[("desk", "desk"), ("mine", "mine"), ("overdue", "overdue")],
        required=False,
        label=_("hàng đợi"),
        help_text=_("desk: chờ tiếp nhận; mine: bước đang chờ tôi; overdue: quá hạn."),
    )


def _schema(summary, request):
    return extend_schema(summary=summary, request=request, responses=DossierDetailSerializer)


@extend_schema_view(
    list=extend_schema(summary=_("Danh sách hồ sơ một cửa trong phạm vi được xem")),
    retrieve=extend_schema(summary=_("Chi tiết hồ sơ"), responses=DossierDetailSerializer),
    create=extend_schema(
        summary=_("Tiếp nhận hồ sơ trực tiếp hoặc qua bưu chính (cấp Mẫu 01)"),
        request=DossierRegisterSerializer,
        responses={201: DossierDetailSerializer},
    ),
)
class DossierViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Hồ sơ một cửa. Every change goes through congvu.onestop.services (audited)."""

    model = Dossier
    serializer_class = DossierSerializer
    filter_serializer_class = DossierFilterSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return self.base_queryset().order_by("-submitted_at", "-pk")

    def get_serializer_class(self):
        return DossierSerializer if self.action == "list" else DossierDetailSerializer

    def filter_queryset_by(self, queryset, filters):
        user = self.request.user
        queue = filters.get("queue")
        if queue == "desk":
            queryset = queryset.filter(pk__in=selectors.desk_queue(user).values("pk"))
        elif queue == "mine":
            queryset = queryset.filter(pk__in=selectors.my_steps(user).values("dossier_id"))
        elif queue == "overdue":
            queryset = queryset.filter(pk__in=selectors.overdue(user).values("pk"))
        if filters.get("status"):
            queryset = queryset.filter(status=filters["status"])
        if filters.get("q"):
            q = filters["q"].strip()
            queryset = queryset.filter(Q(code__icontains=q) | Q(applicant_name__icontains=q))
        return queryset

    def _input(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _out(self, dossier, code=status.HTTP_200_OK):
        try:
            dossier = self.get_queryset().get(pk=dossier.pk)
        except Dossier.DoesNotExist:
            # The change moved the dossier out of the requester's scope.
            return Response(status=status.HTTP_204_NO_CONTENT)
        data = DossierDetailSerializer(dossier, context=self.get_serializer_context()).data
        return Response(data, status=code)

    def create(self, request, *args, **kwargs):
        d = self._input(DossierRegisterSerializer)
        papers = d.pop("papers", [])
        procedure = d.pop("procedure")
        if any(p.version.procedure_id != procedure.pk for p in papers):
            raise NotFound
        applicant = {
            k: d.pop(k, "") for k in ("name", "type", "id_number", "phone", "email", "address")
        }
        dossier = services.dossier_register_direct(
            actor=request.user,
            procedure=procedure,
            applicant=applicant,
            papers=[(p, None) for p in papers],
            **d,
        )
        return self._out(dossier, status.HTTP_201_CREATED)

    @_schema(_("Tiếp nhận hồ sơ trực tuyến (cấp Mẫu 01)"), DossierNoteSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._out(services.dossier_accept(actor=request.user, dossier=self.get_object()))

    @_schema(_("Yêu cầu bổ sung hồ sơ (Mẫu 02)"), DossierSupplementSerializer)
    @action(detail=True, methods=["post"], url_path="request-supplement")
    def request_supplement(self, request, pk=None):
        d = self._input(DossierSupplementSerializer)
        dossier = services.dossier_request_supplement(
            actor=request.user,
            dossier=self.get_object(),
            items=d["items"],
            reason=d.get("reason", ""),
        )
        return self._out(dossier)

    @_schema(_("Nhận hồ sơ bổ sung tại quầy"), DossierSupplementAnswerSerializer)
    @action(detail=True, methods=["post"], url_path="supplement-answer")
    def supplement_answer(self, request, pk=None):
        d = self._input(DossierSupplementAnswerSerializer)
        dossier = services.dossier_supplement_answer(
            actor=request.user,
            dossier=self.get_object(),
            uploads=[(d["name"], d["file"])],
            note=d.get("note", ""),
        )
        return self._out(dossier)

    @_schema(_("Từ chối hồ sơ (Mẫu 03)"), DossierReasonSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        d = self._input(DossierReasonSerializer)
        dossier = services.dossier_refuse(
            actor=request.user, dossier=self.get_object(), reason=d["reason"]
        )
        return self._out(dossier)

    @_schema(_("Phân công bước hiện tại"), DossierAssignSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        d = self._input(DossierAssignSerializer)
        dossier = services.dossier_step_assign(
            actor=request.user, dossier=self.get_object(), assignee=d["assignee"]
        )
        return self._out(dossier)

    @_schema(_("Hoàn thành bước và chuyển bước tiếp theo"), DossierCompleteSerializer)
    @action(detail=True, methods=["post"], url_path="complete-step")
    def complete_step(self, request, pk=None):
        d = self._input(DossierCompleteSerializer)
        dossier = services.dossier_step_complete(
            actor=request.user,
            dossier=self.get_object(),
            note=d.get("note", ""),
            next_assignee=d.get("next_assignee"),
        )
        return self._out(dossier)

    @_schema(_("Phiếu xin lỗi và hẹn lại (Mẫu 04)"), DossierDelaySerializer)
    @action(detail=True, methods=["post"], url_path="delay-notice")
    def delay_notice(self, request, pk=None):
        d = self._input(DossierDelaySerializer)
        dossier = services.dossier_delay_notice(
            actor=request.user,
            dossier=self.get_object(),
            reason=d["reason"],
            new_due_at=d["new_due_at"],
        )
        return self._out(dossier)

    @_schema(_("Yêu cầu thực hiện nghĩa vụ tài chính"), DossierPaymentSerializer)
    @action(detail=True, methods=["post"], url_path="request-payment")
    def request_payment(self, request, pk=None):
        d = self._input(DossierPaymentSerializer)
        dossier = services.dossier_request_payment(
            actor=request.user, dossier=self.get_object(), amount=d.get("amount")
        )
        return self._out(dossier)

    @_schema(_("Cập nhật kết quả: đã xử lý xong"), DossierFinishSerializer)
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        d = self._input(DossierFinishSerializer)
        dossier = services.dossier_finish(
            actor=request.user,
            dossier=self.get_object(),
            result_file=d.get("result_file"),
            note=d.get("note", ""),
        )
        return self._out(dossier)

    @_schema(_("Trả kết quả"), DossierNoteSerializer)
    @action(detail=True, methods=["post"], url_path="return-result")
    def return_result(self, request, pk=None):
        dossier = services.dossier_return_result(actor=request.user, dossier=self.get_object())
        return self._out(dossier)

    @_schema(_("Dừng xử lý"), DossierReasonSerializer)
    @action(detail=True, methods=["post"])
    def stop(self, request, pk=None):
        d = self._input(DossierReasonSerializer)
        dossier = services.dossier_stop(
            actor=request.user, dossier=self.get_object(), reason=d["reason"]
        )
        return self._out(dossier)

    @_schema(_("Tiếp tục xử lý"), DossierNoteSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        d = self._input(DossierNoteSerializer)
        dossier = services.dossier_resume(
            actor=request.user, dossier=self.get_object(), note=d.get("note", "")
        )
        return self._out(dossier)


ROUTES: list = [("dossiers", DossierViewSet, "dossier")]
PATHS: list = []
