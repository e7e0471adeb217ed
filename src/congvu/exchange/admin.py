"""Admin of the exchange: received packages (read only) and the agency directory with its import.

Directory changes go through the services (``agency_save`` via the import),
so the admin leaves the same audit records and effective-dated versions as
every other way in. Nothing is deleted: history points at it.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congvu.core.errors import PermissionDenied, ServiceError

from .importers import agencies_import
from .models import OutsideAgency, ReceivedPackage


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReceivedPackage)
class ReceivedPackageAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "source", "kind", "sender_code", "state", "refusal_code")
    list_filter = ("state", "kind", "source", "signature_state")
    search_fields = ("sender_code", "sender_name", "message_id", "sha256")

    def get_queryset(self, request):
        return ReceivedPackage.objects.restrict(request.user, "view")


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp CSV hoặc Excel"))


@admin.register(OutsideAgency)
class OutsideAgencyAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "parent_code", "valid_from", "valid_to")
    search_fields = ("code", "name")
    list_filter = ("valid_to",)
    change_list_template = "exchange/admin/agency_changelist.html"

    def get_queryset(self, request):
        return OutsideAgency.objects.restrict(request.user, "view")

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="exchange_outsideagency_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        form = ImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            try:
                report = agencies_import(actor=request.user, upload=form.cleaned_data["file"])
            except PermissionDenied as exc:
                raise DjangoPermissionDenied(exc.message) from exc
            except ServiceError as exc:
                form.add_error("file", exc.message)
            else:
                if not report.errors:
                    messages.success(
                        request,
                        _("Đã nhập danh bạ: %(c)s mới, %(u)s cập nhật, %(n)s không đổi.")
                        % {"c": report.created, "u": report.updated, "n": report.unchanged},
                    )
                    return redirect("admin:exchange_outsideagency_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Nhập danh bạ cơ quan liên thông"),
            "form": form,
            "report": report,
        }
        return TemplateResponse(request, "exchange/admin/import_agencies.html", context)
