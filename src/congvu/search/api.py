"""GET /api/v1/search/: the search box over the API, same scope and folding as the page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.views import APIView

from congvu.registry.constants import Secrecy

from . import selectors
from .models import Kind


class SearchFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    type = serializers.IntegerField(required=False, min_value=1)
    issuer = serializers.CharField(required=False, allow_blank=True, max_length=200)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    register = serializers.IntegerField(required=False, min_value=1)
    status = serializers.CharField(required=False, allow_blank=True, max_length=20)
    secrecy = serializers.ChoiceField(choices=Secrecy.choices, required=False)


class SearchHitSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    id = serializers.IntegerField(source="object_id")
    number_notation = serializers.CharField()
    subject = serializers.CharField(help_text=_("Trích yếu, HTML đã thoát, từ khớp trong <mark>"))
    issuer = serializers.CharField()
    date = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    status_label = serializers.CharField()
    secrecy = serializers.IntegerField()
    snippet = serializers.CharField(help_text=_("Đoạn trích, HTML đã thoát, từ khớp trong <mark>"))
    url = serializers.CharField()


class SearchView(APIView):
    """Tìm kiếm văn bản đến và văn bản đi trong phạm vi của người dùng."""

    pagination_class = LimitOffsetPagination
    # Named for the error handler: field errors get their Vietnamese label and message.
    filter_serializer_class = SearchFilterSerializer

    @extend_schema(
        summary=_("Tìm kiếm văn bản"),
        description=_(
            "Một ô tìm kiếm: không phân biệt hoa thường, dấu, đ/d; tìm trong số ký hiệu, "
            "trích yếu, cơ quan ban hành, người ký và nội dung tệp đính kèm. Chỉ trả văn bản "
            "trong phạm vi của người dùng."
        ),
        parameters=[SearchFilterSerializer],
        responses=SearchHitSerializer(many=True),
    )
    def get(self, request):
        params = SearchFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = dict(params.validated_data)
        query = data.pop("q", "")
        qs = selectors.search_documents(actor=request.user, query=query, filters=data)
        paginator = self.pagination_class()
        rows = paginator.paginate_queryset(qs, request, view=self)
        hits = selectors.to_hits(rows, query)
        return paginator.get_paginated_response(SearchHitSerializer(hits, many=True).data)
