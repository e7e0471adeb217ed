"""REST API for stored files: metadata within the owner's scope and the verified download.

Uploads belong to the owner's own endpoints (an incoming document, a draft),
which call ``file_store`` in their transaction.
"""

from __future__ import annotations

from django.http import FileResponse
from django.utils.translation import gettext_lazy as _

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action

from congvu.api.errors import ErrorSerializer
from congvu.api.viewsets import ScopedReadOnlyViewSet
from congvu.audit.services import log_access

from .models import StoredFile
from .services import file_open_verified
from .validation import CONTENT_TYPES
from .views import content_disposition


class StoredFileSerializer(serializers.ModelSerializer):
    class Meta:
        model = StoredFile
        fields = [
            "id",
            "owner_type",
            "owner_id",
            "purpose",
            "version",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "secrecy",
            "uploaded_by",
            "uploaded_at",
        ]
        read_only_fields = fields


class StoredFileFilterSerializer(serializers.Serializer):
    owner_type = serializers.CharField(
        required=False, label=_("loại đối tượng"), help_text=_("Ví dụ: incoming.incomingdocument")
    )
    owner_id = serializers.CharField(required=False, label=_("mã đối tượng"))
    purpose = serializers.CharField(required=False, label=_("mục đích"))


@extend_schema_view(
    list=extend_schema(
        summary=_("Danh sách tệp đính kèm"),
        description=_("Chỉ gồm tệp của các đối tượng (văn bản, hồ sơ) mà người dùng được xem."),
    ),
    retrieve=extend_schema(summary=_("Thông tin tệp đính kèm")),
    download=extend_schema(
        summary=_("Tải tệp đính kèm"),
        description=_(
            "Trả nội dung tệp sau khi kiểm tra mã băm SHA-256; tệp bị thay đổi trả lỗi "
            "checksum_mismatch (409)."
        ),
        responses={
            **{
                (200, content_type): OpenApiResponse(OpenApiTypes.BINARY)
                for content_type in sorted(set(CONTENT_TYPES.values()))
            },
            409: OpenApiResponse(
                ErrorSerializer, description=_("Tệp đã bị thay đổi (code: checksum_mismatch).")
            ),
        },
    ),
)
class StoredFileViewSet(ScopedReadOnlyViewSet):
    """Tệp đính kèm: visible exactly when the owner is."""

    model = StoredFile
    serializer_class = StoredFileSerializer
    filter_serializer_class = StoredFileFilterSerializer

    def filter_queryset_by(self, queryset, filters):
        for key in ("owner_type", "owner_id", "purpose"):
            if key in filters:
                queryset = queryset.filter(**{key: filters[key]})
        return queryset

    def get_object(self):
        obj = super().get_object()
        if self.request.method == "GET" and obj.secrecy:
            log_access(
                actor=self.request.user,
                obj=obj,
                confidentiality=obj.secrecy,
                ip=self.request.META.get("REMOTE_ADDR", ""),
            )
        return obj

    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        stored = self.get_object()
        fh = file_open_verified(stored)
        response = FileResponse(fh, content_type=stored.content_type)
        response["Content-Length"] = str(stored.size)
        response["Content-Disposition"] = content_disposition(stored.original_name)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
