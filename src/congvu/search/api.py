"""GET /api/v1/search/: the search box over the API, same scope and folding as the page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
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
    limit = serializers.IntegerField(
        label=_("Số kết quả mỗi trang"), required=False, min_value=1, max_value=100, default=20
    )
    cursor = serializers.CharField(
        label=_("Vị trí trang"),
        required=False,
        max_length=2000,
        help_text=_("Giá trị của liên kết next hoặc previous của trang trước đó"),
    )


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


class SearchPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(
        help_text=_("Tổng số kết quả; khi count_is_estimate là true thì là số ước tính")
    )
    count_is_estimate = serializers.BooleanField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = SearchHitSerializer(many=True)


def _page_url(request, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    params = request.query_params.copy()
    params["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


class SearchView(APIView):
    """Tìm kiếm văn bản đến và văn bản đi trong phạm vi của người dùng."""

    # Named for the error handler: field errors get their Vietnamese label and message.
    filter_serializer_class = SearchFilterSerializer

    @extend_schema(
        summary=_("Tìm kiếm văn bản"),
        description=_(
            "Một ô tìm kiếm: không phân biệt hoa thường, dấu, đ/d; tìm trong số ký hiệu, "
            "trích yếu, cơ quan ban hành, người ký và nội dung tệp đính kèm. Chỉ trả văn bản "
            "trong phạm vi của người dùng. Trang theo con trỏ (next, previous); tổng số chính "
            "xác đến 1.000 kết quả, trên mức đó là số ước tính (count_is_estimate)."
        ),
        parameters=[SearchFilterSerializer],
        responses=SearchPageSerializer,
    )
    def get(self, request):
        params = SearchFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = dict(params.validated_data)
        query, limit, cursor = data.pop("q", ""), data.pop("limit"), data.pop("cursor", None)
        page = selectors.search_page(
            actor=request.user, query=query, filters=data, limit=limit, cursor=cursor
        )
        body = {
            "count": page.total,
            "count_is_estimate": page.count_is_estimate,
            "next": _page_url(request, page.next_cursor),
            "previous": _page_url(request, page.previous_cursor),
            "results": page.hits,
        }
        return Response(SearchPageSerializer(body).data)
