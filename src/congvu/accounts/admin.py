"""Admin for accounts: officials and portal accounts, positions, delegations, lock-outs.

Every save writes an audit record in the admin's own transaction; delegations
go through the services so the same rules hold as on the profile page.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from congvu.audit.services import log_action, snapshot
from congvu.core.errors import ServiceError

from .models import Delegation, LoginThrottle, Position, User
from .services import delegation_create, delegation_revoke, delegation_validate, user_snapshot
from .throttle import login_throttle_unlock


def _admin_login(request, extra_context=None):
    """The admin signs in through the officials' login (lock-out and OTP apply there too)."""
    next_url = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")


admin.site.login = _admin_login


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0
    fields = ("unit", "title", "role", "clearance", "is_primary", "valid_from", "valid_to")
    autocomplete_fields = ()
    raw_id_fields = ("unit",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "full_name", "email", "kind", "is_active", "is_staff")
    list_filter = ("kind", "is_active", "is_staff", "is_superuser")
    search_fields = ("username", "full_name", "email", "id_number", "tax_code")
    ordering = ("kind", "full_name", "username")
    readonly_fields = ("ldap_dn", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("username", "password", "kind")}),
        (_("Thông tin cá nhân"), {"fields": ("full_name", "email", "phone", "ldap_dn")}),
        (
            _("Công dân, doanh nghiệp"),
            {
                "classes": ("collapse",),
                "fields": (
                    "email_verified",
                    "applicant_type",
                    "id_number",
                    "tax_code",
                    "address",
                ),
            },
        ),
        (
            _("Quyền"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Thời điểm"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "kind", "full_name", "email", "password1", "password2"),
            },
        ),
    )

    def get_inlines(self, request, obj):
        # Positions belong to officials only.
        if obj is None or obj.kind == "official":
            return [PositionInline]
        return []

    def save_model(self, request, obj, form, change):
        before = user_snapshot(User.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        log_action(
            actor=request.user,
            action="congvu.accounts.user.changed" if change else "congvu.accounts.user.created",
            obj=obj,
            before=before,
            after=user_snapshot(obj),
        )

    def save_formset(self, request, form, formset, change):
        befores = {
            o.pk: snapshot(o)
            for o in formset.queryset.model.objects.filter(
                pk__in=[f.instance.pk for f in formset.forms if f.instance.pk]
            )
        }
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            log_action(
                actor=request.user,
                action="congvu.accounts.position.deleted",
                obj=obj,
                before=befores.get(obj.pk),
                unit=obj.unit_id,
            )
            obj.delete()
        for obj in instances:
            is_new = obj.pk is None
            obj.save()
            log_action(
                actor=request.user,
                action="congvu.accounts.position.assigned"
                if is_new
                else "congvu.accounts.position.changed",
                obj=obj,
                before=None if is_new else befores.get(obj.pk),
                after=snapshot(obj),
                unit=obj.unit_id,
            )
        formset.save_m2m()


class DelegationAdminForm(forms.ModelForm):
    class Meta:
        model = Delegation
        fields = ("delegator", "delegate", "unit", "start_date", "end_date", "reason")

    def clean(self):
        data = super().clean()
        if self.instance.pk is None and not self.errors:
            try:
                delegation_validate(
                    actor=self.request_user,
                    delegator=data.get("delegator"),
                    delegate=data.get("delegate"),
                    unit=data.get("unit"),
                    start_date=data.get("start_date"),
                    end_date=data.get("end_date"),
                )
            except ServiceError as exc:
                raise ValidationError(
                    {
                        e.field if e.field in self.fields else NON_FIELD_ERRORS: e.message
                        for e in exc.errors
                    }
                    or exc.message
                ) from exc
        return data


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    form = DelegationAdminForm
    list_display = ("delegator", "delegate", "unit", "start_date", "end_date", "status")
    list_filter = ("start_date", "end_date")
    search_fields = ("delegator__full_name", "delegate__full_name", "unit__name")
    raw_id_fields = ("delegator", "delegate", "unit")
    actions = ["revoke"]

    @admin.display(description=_("trạng thái"))
    def status(self, obj):
        if obj.revoked_at:
            return _("Đã thu hồi")
        if obj.end_date < timezone.localdate():
            return _("Đã hết hạn")
        return _("Đang hiệu lực") if obj.is_active_on() else _("Chưa bắt đầu")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.request_user = request.user
        return form

    def get_readonly_fields(self, request, obj=None):
        # Once given, a delegation only ends (revoke action), it is never rewritten.
        if obj is not None:
            return ("delegator", "delegate", "unit", "start_date", "end_date", "reason")
        return ()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return
        created = delegation_create(
            actor=request.user,
            delegator=obj.delegator,
            delegate=obj.delegate,
            unit=obj.unit,
            start_date=obj.start_date,
            end_date=obj.end_date,
            reason=obj.reason,
        )
        obj.pk = created.pk

    @admin.action(description=_("Thu hồi các ủy quyền đã chọn"))
    def revoke(self, request, queryset):
        done = 0
        for delegation in queryset:
            try:
                delegation_revoke(actor=request.user, delegation=delegation)
            except ServiceError as exc:
                self.message_user(request, f"{delegation}: {exc.message}", messages.WARNING)
            else:
                done += 1
        self.message_user(request, _("Đã thu hồi %(n)s ủy quyền.") % {"n": done})


@admin.register(LoginThrottle)
class LoginThrottleAdmin(admin.ModelAdmin):
    list_display = ("key", "failures", "locked_until", "updated_at")
    search_fields = ("key",)
    readonly_fields = ("key", "failures", "locked_until", "updated_at")
    actions = ["unlock"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_unlock_permission(self, request):
        return request.user.has_perm("accounts.change_loginthrottle")

    @admin.action(description=_("Mở khóa đăng nhập"), permissions=["unlock"])
    def unlock(self, request, queryset):
        n = 0
        for throttle in queryset:
            login_throttle_unlock(actor=request.user, throttle=throttle)
            n += 1
        self.message_user(request, _("Đã mở khóa %(n)s mục.") % {"n": n})
