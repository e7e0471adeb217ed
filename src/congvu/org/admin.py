"""Admin for the organisation tree (cơ quan, đơn vị).

Saves go through the services (``unit_create``, ``unit_update``,
``unit_close``, ``unit_reorganise``) so the admin follows the same rules and
leaves the same audit records as every other way in. Units are never deleted:
history points at them.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congvu.core.errors import PermissionDenied, ServiceError
from congvu.core.text import vietnamese_order

from .models import Unit
from .services import (
    CLOSED_EDITABLE_FIELDS,
    unit_close,
    unit_close_check,
    unit_create,
    unit_reorganise,
    unit_update,
    unit_validate,
)

FORM_FIELDS = (
    "kind",
    "name",
    "short_name",
    "place_name",
    "code",
    "admin_code",
    "parent",
    "address",
    "phone",
    "email",
    "valid_from",
    "valid_to",
    "require_2fa",
)


def _as_validation_error(exc: ServiceError, form: forms.Form) -> ValidationError:
    errors = {
        e.field if e.field in form.fields else NON_FIELD_ERRORS: e.message for e in exc.errors
    }
    return ValidationError(errors or exc.message)


class UnitAdminForm(forms.ModelForm):
    add_predecessors = forms.ModelMultipleChoiceField(
        label=_("thêm đơn vị tiền thân"),
        queryset=Unit.objects.order_by("path"),
        required=False,
        widget=FilteredSelectMultiple(_("đơn vị tiền thân"), is_stacked=False),
        help_text=_(
            "Đơn vị được chọn trở thành tiền thân của đơn vị này; đơn vị còn hiệu lực sẽ "
            "hết hiệu lực vào ngày trước ngày bắt đầu hiệu lực của đơn vị này."
        ),
    )

    class Meta:
        model = Unit
        fields = FORM_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Vietnamese order ("Đ" after "D"); the database sorts by code point.
        vietnamese_order(self.fields["add_predecessors"])

    def clean(self):
        data = super().clean()
        original = Unit.objects.get(pk=self.instance.pk) if self.instance.pk else None
        if original is not None and not self.errors:
            changed = set(self.changed_data) - {"add_predecessors"}
            if original.valid_to is not None:
                frozen = sorted(changed - CLOSED_EDITABLE_FIELDS)
                if frozen:
                    raise ValidationError(
                        {frozen[0]: _("Đơn vị đã hết hiệu lực: không thể sửa trường này.")}
                    )
            elif data.get("valid_to") is not None:
                try:
                    unit_close_check(unit=original, valid_to=data["valid_to"])
                except ServiceError as exc:
                    raise _as_validation_error(exc, self) from exc
        for predecessor in data.get("add_predecessors") or []:
            if predecessor.pk == self.instance.pk:
                raise ValidationError(
                    {"add_predecessors": _("Một đơn vị không thể là tiền thân của chính nó.")}
                )
            if predecessor.valid_to is None and data.get("valid_from"):
                try:
                    unit_close_check(
                        unit=predecessor,
                        valid_to=data["valid_from"] - datetime.timedelta(days=1),
                    )
                except ServiceError as exc:
                    raise ValidationError(
                        {"add_predecessors": f"{predecessor}: {exc.message}"}
                    ) from exc
        return data

    def _post_clean(self):
        super()._post_clean()
        # The instance now carries the submitted values: check the same rules
        # the services apply (agency code shape and uniqueness, tree, dates).
        if not self.errors:
            try:
                unit_validate(unit=self.instance)
            except ServiceError as exc:
                self.add_error(None, _as_validation_error(exc, self))


class ActiveFilter(admin.SimpleListFilter):
    title = _("hiệu lực")
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return (("yes", _("Đang hiệu lực")), ("no", _("Đã hết hiệu lực")))

    def queryset(self, request, queryset):
        today = timezone.localdate()
        current = Q(valid_from__lte=today) & (Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        if self.value() == "yes":
            return queryset.filter(current)
        if self.value() == "no":
            return queryset.exclude(current)
        return queryset


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    form = UnitAdminForm
    list_display = (
        "name",
        "short_name",
        "kind",
        "code",
        "admin_code",
        "parent",
        "valid_from",
        "valid_to",
    )
    list_filter = ("kind", ActiveFilter, "require_2fa")
    search_fields = ("name", "short_name", "code", "admin_code")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    readonly_fields = ("predecessor_list", "successor_list")
    list_per_page = 100
    fieldsets = (
        (None, {"fields": ("kind", "name", "short_name", "place_name", "parent")}),
        (_("Mã"), {"fields": ("code", "admin_code")}),
        (_("Liên hệ"), {"fields": ("address", "phone", "email")}),
        (
            _("Hiệu lực và kế thừa"),
            {
                "fields": (
                    "valid_from",
                    "valid_to",
                    "predecessor_list",
                    "successor_list",
                    "add_predecessors",
                )
            },
        ),
        (_("Bảo mật"), {"fields": ("require_2fa",)}),
    )

    def get_queryset(self, request):
        # Unit administrators configure their own subtree only.
        return Unit.objects.restrict(request.user, "change").select_related("parent")

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("đơn vị tiền thân"))
    def predecessor_list(self, obj):
        return ", ".join(str(u) for u in obj.predecessors.all()) if obj.pk else ""

    @admin.display(description=_("đơn vị kế thừa"))
    def successor_list(self, obj):
        return ", ".join(str(u) for u in obj.successors.all()) if obj.pk else ""

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            if change:
                changes = {
                    f: data[f] for f in form.changed_data if f in FORM_FIELDS and f != "valid_to"
                }
                unit = Unit.objects.get(pk=obj.pk)
                if changes:
                    unit = unit_update(actor=request.user, unit=unit, **changes)
                if "valid_to" in form.changed_data and data["valid_to"] is not None:
                    unit = unit_close(actor=request.user, unit=unit, valid_to=data["valid_to"])
            else:
                fields = {f: data[f] for f in FORM_FIELDS if f in data}
                if fields.get("valid_to") is None:
                    fields.pop("valid_to", None)
                unit = unit_create(actor=request.user, **fields)
            if data.get("add_predecessors"):
                unit_reorganise(
                    actor=request.user, predecessors=data["add_predecessors"], successor=unit
                )
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from exc
        obj.pk = unit.pk
        obj.path, obj.depth = unit.path, unit.depth

    def save_related(self, request, form, formsets, change):
        # Predecessors are linked by unit_reorganise in save_model; the form has no other relations.
        pass
