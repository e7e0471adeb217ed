"""REST API of statistics: GET /api/v1/statistics/ (officials, within their units).

The same numbers as the dashboard: Decision 766 counts per unit, field or
procedure for a period, plus shares online and satisfaction.
"""

from __future__ import annotations

from django.urls import path

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from congvu.procedures.models import Procedure, ProcedureField

from .selectors import (
    COLUMNS,
    GROUPS,
    Period,
    dossier_statistics,
    stats_unit_ids,
    subtree_ids,
)


class StatisticsQuerySerializer(serializers.Serializer):
    unit = serializers.IntegerField(required=False, min_value=1)
    field = serializers.PrimaryKeyRelatedField(
        queryset=ProcedureField.objects.all(), required=False
    )
    procedure = serializers.PrimaryKeyRelatedField(queryset=Procedure.objects.all(), required=False)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    group_by = serializers.ChoiceField(
        choices=[(key, key) for key in GROUPS], required=False, default="unit"
    )

    def validate(self, attrs):
        default = Period.this_year()
        start = attrs.get("date_from") or default.start
        end = attrs.get("date_to") or default.end
        if start > end:
            raise serializers.ValidationError(
                {"date_to": "“Đến ngày” phải sau “Từ ngày”."}, code="period_order"
            )
        attrs["period"] = Period(start, end)
        return attrs


def _values_fields():
    fields = {}
    for key, label in COLUMNS:
        if key in ("online_share", "paid_online_share", "rating_average"):
            fields[key] = serializers.FloatField(allow_null=True, help_text=str(label))
        else:
            fields[key] = serializers.IntegerField(help_text=str(label))
    return fields


StatisticsValuesSerializer = type(
    "StatisticsValuesSerializer", (serializers.Serializer,), _values_fields()
)


class StatisticsRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, source="key")
    label = serializers.CharField()
    values = StatisticsValuesSerializer()


class StatisticsSerializer(serializers.Serializer):
    group_by = serializers.CharField()
    date_from = serializers.DateField(source="period.start")
    date_to = serializers.DateField(source="period.end")
    rows = StatisticsRowSerializer(many=True)
    total = StatisticsRowSerializer()


class StatisticsView(APIView):
    """Thống kê tình hình giải quyết TTHC (Quyết định 766/QĐ-TTg)."""

    @extend_schema(
        summary="Thống kê theo Quyết định 766",
        parameters=[StatisticsQuerySerializer],
        responses=StatisticsSerializer,
    )
    def get(self, request):
        query = StatisticsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        scope = stats_unit_ids(request.user)
        unit_ids = scope
        if "unit" in data:
            # A unit outside the scope is answered like one without dossiers; one
            # inside brings its subtree (an unknown id has none).
            allowed = scope is None or data["unit"] in scope
            unit_ids = subtree_ids({data["unit"]}) if allowed else set()
        table = dossier_statistics(
            unit_ids=unit_ids,
            period=data["period"],
            group_by=data["group_by"],
            field_id=data["field"].pk if data.get("field") else None,
            procedure_id=data["procedure"].pk if data.get("procedure") else None,
        )
        return Response(StatisticsSerializer(table).data)


ROUTES: list = []
PATHS = [path("statistics/", StatisticsView.as_view(), name="statistics")]
