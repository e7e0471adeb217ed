"""REST API of payments: /api/v1/payments/ (officials, within the dossiers they see).

``?dossier=<id>`` lists the payments of one dossier; ``POST /payments/cash/``
records a cash payment at the desk (``services.payment_record_cash``).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from congvu.api.fields import ScopedPrimaryKeyRelatedField
from congvu.api.viewsets import ScopedViewSetMixin
from congvu.onestop.models import Dossier

from . import services
from .constants import PaymentStatus
from .models import Payment


class PaymentSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    receipt = serializers.CharField(source="receipt_label", read_only=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "dossier",
            "unit",
            "amount",
            "fees",
            "provider",
            "status",
            "status_display",
            "reference",
            "provider_transaction_id",
            "payer_name",
            "created_at",
            "expires_at",
            "paid_at",
            "closed_at",
            "receipt",
        ]
        read_only_fields = fields


class PaymentFilterSerializer(serializers.Serializer):
    dossier = serializers.IntegerField(required=False, min_value=1)
    status = serializers.ChoiceField(choices=PaymentStatus.choices, required=False)


class CashSerializer(serializers.Serializer):
    dossier = ScopedPrimaryKeyRelatedField(model=Dossier)
    amount = serializers.IntegerField(required=False, min_value=1)
    payer_name = serializers.CharField(required=False, allow_blank=True, max_length=255)


@extend_schema_view(
    list=extend_schema(
        summary="Các giao dịch thanh toán trong phạm vi",
        parameters=[PaymentFilterSerializer],
    ),
    retrieve=extend_schema(summary="Một giao dịch thanh toán"),
)
class PaymentViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Giao dịch thanh toán phí, lệ phí của hồ sơ."""

    model = Payment
    serializer_class = PaymentSerializer
    filter_serializer_class = PaymentFilterSerializer

    def filter_queryset_by(self, queryset, filters):
        if "dossier" in filters:
            queryset = queryset.filter(dossier_id=filters["dossier"])
        if "status" in filters:
            queryset = queryset.filter(status=filters["status"])
        return queryset.order_by("-created_at", "-pk")

    @extend_schema(
        summary="Ghi nhận thu tiền mặt tại Bộ phận một cửa",
        request=CashSerializer,
        responses={201: PaymentSerializer},
    )
    @action(detail=False, methods=["post"])
    def cash(self, request):
        serializer = CashSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        payment = services.payment_record_cash(
            actor=request.user,
            dossier=data["dossier"],
            amount=data.get("amount"),
            payer_name=data.get("payer_name", ""),
        )
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)


ROUTES = [("payments", PaymentViewSet, "payment")]
PATHS: list = []
