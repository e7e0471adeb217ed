"""Admin: document types are editable data; registers and issued numbers are read-only."""

from django.contrib import admin

from congvu.audit.services import log_action, snapshot

from . import services
from .models import DocumentType, IssuedNumber, Register, UnitNumberingPolicy


class ScopedAdminMixin:
    def get_queryset(self, request):
        # The admin goes through the same scope rule as every other read.
        return super().get_queryset(request).restrict(request.user, "view")


class ReadOnlyAdminMixin(ScopedAdminMixin):
    actions = None

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "abbreviation", "code", "is_legal_normative", "order", "active")
    list_editable = ("order", "active")
    list_filter = ("is_legal_normative", "active")
    search_fields = ("name", "abbreviation", "code")
    ordering = ("order", "name")

    def get_readonly_fields(self, request, obj=None):
        # The code is referenced by registers' sequence keys: fixed once created.
        return ("code",) if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: registers point at types

    def save_model(self, request, obj, form, change):
        before = snapshot(DocumentType.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        log_action(
            actor=request.user,
            action="congvu.registry.document_type." + ("changed" if change else "created"),
            obj=obj,
            before=before,
            after=snapshot(obj),
        )


@admin.register(Register)
class RegisterAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "unit", "year", "direction", "secrecy", "last_number", "closed_at")
    list_filter = ("year", "direction", "secrecy")
    search_fields = ("name", "unit__name")
    list_select_related = ("unit",)


@admin.register(IssuedNumber)
class IssuedNumberAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("number", "register", "status", "issued_at", "issued_by", "void_reason")
    list_filter = ("status", "register__year")
    search_fields = ("register__name", "void_reason", "object_id")
    list_select_related = ("register", "issued_by")


@admin.register(UnitNumberingPolicy)
class UnitNumberingPolicyAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("unit", "admin_numbering")
    list_filter = ("admin_numbering",)
    raw_id_fields = ("unit",)

    def save_model(self, request, obj, form, change):
        # Through the service: permission check and audit record.
        services.numbering_policy_set(
            actor=request.user, unit=obj.unit, admin_numbering=obj.admin_numbering
        )
        obj.pk = UnitNumberingPolicy.objects.get(unit=obj.unit).pk
