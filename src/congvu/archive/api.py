"""REST API of danh mục hồ sơ and hồ sơ công việc: reads within scope, every change a POST."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from congvu.accounts.models import User
from congvu.api.fields import DB_INT_MAX, ScopedPrimaryKeyRelatedField
from congvu.api.viewsets import ScopedViewSetMixin
from congvu.org.models import Unit

from . import selectors, services
from .constants import DocumentKind, WorkFileStatus
from .models import FileCatalog, FileCatalogItem, WorkFile

# --- Output ------------------------------------------------------------------------


class CatalogItemSerializer(serializers.ModelSerializer):
    retention_display = serializers.CharField(read_only=True, label=_("thời hạn bảo quản"))

    class Meta:
        model = FileCatalogItem
        fields = [
            "id",
            "catalog",
            "code",
            "title",
            "retention_years",
            "permanent",
            "retention_display",
            "responsible_user",
            "responsible_unit",
            "order",
        ]
        read_only_fields = fields


class CatalogSerializer(serializers.ModelSerializer):
    items = serializers.SerializerMethodField()

    class Meta:
        model = FileCatalog
        fields = ["id", "unit", "year", "approved_by", "approved_at", "created_at", "items"]
        read_only_fields = fields

    def get_items(self, obj) -> list[dict]:
        request = self.context["request"]
        items = FileCatalogItem.objects.restrict(request.user, "view").filter(catalog=obj)
        return CatalogItemSerializer(items, many=True).data


class EntrySerializer(serializers.Serializer):
    id = serializers.IntegerField(label=_("mã mục"))
    kind = serializers.ChoiceField(choices=DocumentKind.choices, label=_("loại"))
    document_id = serializers.IntegerField(label=_("mã văn bản"))
    order = serializers.IntegerField(label=_("thứ tự"))
    visible = serializers.BooleanField(label=_("được xem văn bản"))
    notation = serializers.CharField(allow_blank=True, label=_("số, ký hiệu"))
    date = serializers.DateField(allow_null=True, label=_("ngày văn bản"))
    subject = serializers.CharField(allow_blank=True, label=_("trích yếu"))


class WorkFileSerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkFile
        fields = [
            "id",
            "unit",
            "catalog_item",
            "code",
            "title",
            "creator",
            "start_date",
            "end_date",
            "status",
            "closed_at",
            "handed_over_at",
            "doc_total",
            "page_total",
        ]
        read_only_fields = fields


class WorkFileDetailSerializer(WorkFileSerializer):
    entries = serializers.SerializerMethodField()

    class Meta(WorkFileSerializer.Meta):
        fields = [*WorkFileSerializer.Meta.fields, "entries"]
        read_only_fields = fields

    def get_entries(self, obj) -> list[dict]:
        request = self.context["request"]
        rows = selectors.entry_rows(actor=request.user, work_file=obj)
        data = [
            {
                "id": r.entry.pk,
                "kind": r.entry.kind,
                "document_id": r.entry.document_id,
                "order": r.entry.order,
                "visible": r.ref is not None,
                # A document outside the requester's scope shows no number, date or subject.
                "notation": r.ref.notation if r.ref else "",
                "date": r.ref.date if r.ref else None,
                "subject": r.ref.subject if r.ref else "",
            }
            for r in rows
        ]
        return EntrySerializer(data, many=True).data


# --- Input -------------------------------------------------------------------------


class CatalogCreateSerializer(serializers.Serializer):
    unit = ScopedPrimaryKeyRelatedField(model=Unit, label=_("đơn vị"))
    year = serializers.IntegerField(label=_("năm"))


class ItemAddSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20, label=_("số, ký hiệu hồ sơ"))
    title = serializers.CharField(max_length=500, label=_("tiêu đề hồ sơ"))
    retention_years = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, label=_("thời hạn bảo quản (năm)")
    )
    permanent = serializers.BooleanField(required=False, default=False, label=_("vĩnh viễn"))
    responsible_user = ScopedPrimaryKeyRelatedField(
        model=User, required=False, allow_null=True, label=_("người lập hồ sơ")
    )
    responsible_unit = ScopedPrimaryKeyRelatedField(
        model=Unit, required=False, allow_null=True, label=_("đơn vị lập hồ sơ")
    )


class WorkFileOpenSerializer(serializers.Serializer):
    catalog_item = ScopedPrimaryKeyRelatedField(model=FileCatalogItem, label=_("mục danh mục"))
    title = serializers.CharField(
        required=False, allow_blank=True, max_length=500, label=_("tiêu đề hồ sơ")
    )
    start_date = serializers.DateField(required=False, allow_null=True, label=_("ngày bắt đầu"))


class DocumentInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices, label=_("loại"))
    document_id = serializers.IntegerField(min_value=1, max_value=DB_INT_MAX, label=_("mã văn bản"))


class EntryInputSerializer(serializers.Serializer):
    entry = serializers.IntegerField(min_value=1, max_value=DB_INT_MAX, label=_("mã mục"))


class WorkFileFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=WorkFileStatus.choices, required=False, label=_("trạng thái")
    )
    unit = serializers.IntegerField(required=False, label=_("đơn vị"))


class CatalogFilterSerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, label=_("năm"))
    unit = serializers.IntegerField(required=False, label=_("đơn vị"))


class _InputMixin:
    def _input(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


@extend_schema_view(
    list=extend_schema(summary=_("Danh sách danh mục hồ sơ")),
    retrieve=extend_schema(summary=_("Chi tiết danh mục hồ sơ")),
    create=extend_schema(
        summary=_("Lập danh mục hồ sơ"),
        request=CatalogCreateSerializer,
        responses={201: CatalogSerializer},
    ),
    items=extend_schema(
        summary=_("Thêm hồ sơ vào danh mục"),
        request=ItemAddSerializer,
        responses={201: CatalogItemSerializer},
    ),
    approve=extend_schema(
        summary=_("Duyệt danh mục hồ sơ"), request=None, responses=CatalogSerializer
    ),
)
class FileCatalogViewSet(
    _InputMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Danh mục hồ sơ (Art. 28). Writes go through congvu.archive.services (audited)."""

    model = FileCatalog
    serializer_class = CatalogSerializer
    filter_serializer_class = CatalogFilterSerializer

    def filter_queryset_by(self, queryset, filters):
        if "year" in filters:
            queryset = queryset.filter(year=filters["year"])
        if "unit" in filters:
            queryset = queryset.filter(unit_id=filters["unit"])
        return queryset

    def _out(self, catalog, code=status.HTTP_200_OK):
        catalog = self.get_queryset().get(pk=catalog.pk)
        return Response(
            CatalogSerializer(catalog, context=self.get_serializer_context()).data, status=code
        )

    def create(self, request, *args, **kwargs):
        data = self._input(CatalogCreateSerializer)
        catalog = services.catalog_create(actor=request.user, unit=data["unit"], year=data["year"])
        return self._out(catalog, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def items(self, request, pk=None):
        data = self._input(ItemAddSerializer)
        item = services.catalog_item_add(actor=request.user, catalog=self.get_object(), **data)
        return Response(CatalogItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        catalog = services.catalog_approve(actor=request.user, catalog=self.get_object())
        return self._out(catalog)


def _wf_action(summary, request=None):
    return extend_schema(summary=summary, request=request, responses=WorkFileDetailSerializer)


@extend_schema_view(
    list=extend_schema(summary=_("Danh sách hồ sơ công việc")),
    retrieve=extend_schema(summary=_("Chi tiết hồ sơ công việc")),
    create=extend_schema(
        summary=_("Mở hồ sơ"),
        request=WorkFileOpenSerializer,
        responses={201: WorkFileDetailSerializer},
    ),
    add_document=_wf_action(_("Đưa văn bản vào hồ sơ"), DocumentInputSerializer),
    remove_document=_wf_action(_("Rút văn bản khỏi hồ sơ"), EntryInputSerializer),
    close=_wf_action(_("Kết thúc hồ sơ")),
    hand_over=_wf_action(_("Sẵn sàng nộp lưu vào lưu trữ cơ quan")),
)
class WorkFileViewSet(
    _InputMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Hồ sơ công việc (Art. 29–30); the documents inside keep their own scope."""

    model = WorkFile
    filter_serializer_class = WorkFileFilterSerializer

    def get_serializer_class(self):
        return WorkFileDetailSerializer if self.action != "list" else WorkFileSerializer

    def get_queryset(self):
        return self.base_queryset().select_related("catalog_item")

    def filter_queryset_by(self, queryset, filters):
        if "status" in filters:
            queryset = queryset.filter(status=filters["status"])
        if "unit" in filters:
            queryset = queryset.filter(unit_id=filters["unit"])
        return queryset

    def _out(self, work_file, code=status.HTTP_200_OK):
        work_file = self.get_queryset().get(pk=work_file.pk)
        data = WorkFileDetailSerializer(work_file, context=self.get_serializer_context()).data
        return Response(data, status=code)

    def create(self, request, *args, **kwargs):
        data = self._input(WorkFileOpenSerializer)
        work_file = services.work_file_open(actor=request.user, **data)
        return self._out(work_file, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], url_path="add-document")
    def add_document(self, request, pk=None):
        data = self._input(DocumentInputSerializer)
        work_file = self.get_object()
        services.work_file_add_document(actor=request.user, work_file=work_file, **data)
        return self._out(work_file)

    @action(detail=True, methods=["post"], url_path="remove-document")
    def remove_document(self, request, pk=None):
        data = self._input(EntryInputSerializer)
        work_file = self.get_object()
        entry = selectors.entry_for(actor=request.user, work_file=work_file, pk=data["entry"])
        services.work_file_remove_document(actor=request.user, entry=entry)
        return self._out(work_file)

    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        work_file = services.work_file_close(actor=request.user, work_file=self.get_object())
        return self._out(work_file)

    @action(detail=True, methods=["post"], url_path="hand-over")
    def hand_over(self, request, pk=None):
        work_file = services.work_file_mark_handed_over(
            actor=request.user, work_file=self.get_object()
        )
        return self._out(work_file)
