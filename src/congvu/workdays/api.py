"""REST API for the working-day calendar: overrides (add, revoke) and computed days."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from congvu.api.fields import DB_INT_MAX, ScopedPrimaryKeyRelatedField
from congvu.api.viewsets import ScopedViewSetMixin
from congvu.org.models import Unit

from . import calendar, services
from .models import CalendarOverride, OverrideKind

MAX_RANGE_DAYS = 400


class CalendarOverrideSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = CalendarOverride
        fields = [
            "id",
            "date",
            "kind",
            "kind_display",
            "reason",
            "unit",
            "created_by",
            "created_at",
            "revoked_at",
            "revoked_by",
            "revoke_reason",
        ]
        read_only_fields = fields


class CalendarOverrideWriteSerializer(serializers.Serializer):
    date = serializers.DateField(label=_("ngày"))
    kind = serializers.ChoiceField(choices=OverrideKind.choices, label=_("loại"))
    reason = serializers.CharField(label=_("lý do"), max_length=255)
    unit = ScopedPrimaryKeyRelatedField(
        model=Unit, allow_null=True, required=False, label=_("áp dụng cho đơn vị")
    )


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("lý do hủy"), max_length=255, required=False)


class OverrideFilterSerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=1900, max_value=2999, label=_("năm"))
    active = serializers.BooleanField(
        required=False, allow_null=True, default=None, label=_("đang hiệu lực")
    )


@extend_schema_view(
    list=extend_schema(summary=_("Danh sách điều chỉnh lịch làm việc")),
    retrieve=extend_schema(summary=_("Chi tiết điều chỉnh lịch làm việc")),
    create=extend_schema(
        summary=_("Thêm ngày nghỉ hoặc ngày làm bù"),
        description=_(
            "Quản trị hệ thống thêm cho mọi nơi; quản trị đơn vị thêm cho đơn vị mình quản trị "
            "(áp dụng cả các đơn vị trực thuộc). Thao tác được ghi nhật ký."
        ),
        request=CalendarOverrideWriteSerializer,
        responses={201: CalendarOverrideSerializer},
    ),
    revoke=extend_schema(
        summary=_("Hủy điều chỉnh lịch"),
        description=_("Điều chỉnh bị hủy không còn được tính nhưng vẫn lưu trong lịch sử."),
        request=RevokeSerializer,
        responses=CalendarOverrideSerializer,
    ),
)
class CalendarOverrideViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Điều chỉnh lịch làm việc; writes go through congvu.workdays.services (audited)."""

    model = CalendarOverride
    serializer_class = CalendarOverrideSerializer
    filter_serializer_class = OverrideFilterSerializer

    def filter_queryset_by(self, queryset, filters):
        if "year" in filters:
            queryset = queryset.filter(date__year=filters["year"])
        if filters.get("active") is not None:
            queryset = queryset.filter(revoked_at__isnull=filters["active"])
        return queryset

    def create(self, request, *args, **kwargs):
        data = CalendarOverrideWriteSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        override = services.override_create(actor=request.user, **data.validated_data)
        return Response(CalendarOverrideSerializer(override).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        override = self.get_object()
        data = RevokeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        override = services.override_revoke(
            actor=request.user, override=override, reason=data.validated_data.get("reason", "")
        )
        return Response(CalendarOverrideSerializer(override).data)


class WorkingDaysQuerySerializer(serializers.Serializer):
    start = serializers.DateField(label=_("từ ngày"))
    end = serializers.DateField(label=_("đến ngày"))
    unit = serializers.IntegerField(
        required=False, min_value=1, max_value=DB_INT_MAX, label=_("đơn vị")
    )

    def validate(self, attrs):
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": _("Ngày kết thúc trước ngày bắt đầu.")})
        if (attrs["end"] - attrs["start"]).days > MAX_RANGE_DAYS:
            raise serializers.ValidationError({"end": _("Khoảng ngày quá dài (tối đa 400 ngày).")})
        return attrs


class WorkingDaySerializer(serializers.Serializer):
    date = serializers.DateField(label=_("ngày"))
    working = serializers.BooleanField(label=_("ngày làm việc"))


class WorkingDaysView(APIView):
    """Which days of a range are working days (for one unit, or everywhere)."""

    # Named for the error handler: field errors get their Vietnamese label and message.
    filter_serializer_class = WorkingDaysQuerySerializer

    @extend_schema(
        summary=_("Lịch ngày làm việc"),
        description=_(
            "Ngày làm việc và ngày nghỉ trong khoảng [start, end], theo lịch nghỉ lễ, "
            "nghỉ bù, ngày làm bù và các điều chỉnh đang hiệu lực."
        ),
        parameters=[WorkingDaysQuerySerializer],
        responses=WorkingDaySerializer(many=True),
    )
    def get(self, request):
        query = WorkingDaysQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, end = query.validated_data["start"], query.validated_data["end"]
        cal = calendar.WorkCalendar(query.validated_data.get("unit"))
        days = []
        day = start
        while day <= end:
            days.append({"date": day, "working": cal.is_working_day(day)})
            day += datetime.timedelta(days=1)
        return Response(WorkingDaySerializer(days, many=True).data)
