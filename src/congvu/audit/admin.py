"""Read-only admin for the audit trail: nobody adds, edits or deletes records."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AuditRecord


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    list_display = ("seq", "created_at", "kind", "action", "actor_label", "unit", "object_repr")
    list_display_links = ("seq",)
    list_filter = ("kind", "action", ("created_at", admin.DateFieldListFilter))
    search_fields = ("action", "actor_label", "object_repr", "object_id")
    date_hierarchy = "created_at"
    ordering = ("-seq",)
    list_select_related = ("unit",)
    actions = None
    show_full_result_count = False
    fieldsets = (
        (None, {"fields": ("seq", "created_at", "kind", "action", "confidentiality")}),
        (_("Người thực hiện"), {"fields": ("actor", "actor_label", "unit", "ip")}),
        (_("Đối tượng"), {"fields": ("object_type", "object_id", "object_repr")}),
        (_("Nội dung"), {"fields": ("before", "after")}),
        (_("Chuỗi mã băm"), {"fields": ("prev_hash", "hash")}),
    )

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def get_queryset(self, request):
        # The admin goes through the same scope rule as every other read.
        return super().get_queryset(request).restrict(request.user, "view")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
