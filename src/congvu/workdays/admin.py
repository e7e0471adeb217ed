"""Admin for calendar overrides: add and revoke through the services (audited), never delete."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from congvu.core.errors import ServiceError

from .models import CalendarOverride
from .services import override_create, override_revoke


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "unit", "reason", "created_by", "created_at", "revoked_at")
    list_filter = ("kind", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("reason",)
    date_hierarchy = "date"
    raw_id_fields = ("unit",)
    actions = ["revoke_selected"]
    readonly_fields = (
        "created_by",
        "created_at",
        "revoked_at",
        "revoked_by",
        "revoke_reason",
    )

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            # Saved overrides are history: only revocation changes them.
            return ("date", "kind", "reason", "unit", *self.readonly_fields)
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            created = override_create(
                actor=request.user,
                date=obj.date,
                kind=obj.kind,
                reason=obj.reason,
                unit=obj.unit,
            )
        except ServiceError as exc:
            raise ValidationError(exc.message) from exc
        obj.pk = created.pk
        obj.created_at = created.created_at
        obj.created_by = created.created_by

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)

        class ServiceCheckedForm(form):
            def clean(self):
                cleaned = super().clean()
                if obj is None and cleaned.get("date"):
                    exists = CalendarOverride.objects.filter(
                        date=cleaned["date"], unit=cleaned.get("unit"), revoked_at__isnull=True
                    ).exists()
                    if exists:
                        raise ValidationError(
                            _(
                                "Ngày này đã có một điều chỉnh đang hiệu lực; hãy hủy điều chỉnh đó trước."
                            )
                        )
                return cleaned

        return ServiceCheckedForm

    @admin.action(description=_("Hủy các điều chỉnh đã chọn"))
    def revoke_selected(self, request, queryset):
        done = 0
        for override in queryset.filter(revoked_at__isnull=True):
            try:
                override_revoke(
                    actor=request.user, override=override, reason=str(_("Hủy trên trang quản trị"))
                )
                done += 1
            except ServiceError as exc:
                self.message_user(request, exc.message, messages.ERROR)
        if done:
            self.message_user(
                request, _("Đã hủy %(n)d điều chỉnh.") % {"n": done}, messages.SUCCESS
            )
