"""The filters of the queue page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .catalogue import event_types, subscriber_label

STATUS_CHOICES = [
    ("open", _("Chưa chuyển xong")),
    ("pending", _("Chờ chuyển")),
    ("retrying", _("Đang thử lại")),
    ("dead", _("Không chuyển được")),
    ("done", _("Đã chuyển")),
    ("all", _("Tất cả")),
]


class QueueFilterForm(forms.Form):
    trang_thai = forms.ChoiceField(label=_("Trạng thái"), choices=STATUS_CHOICES, required=False)
    loai = forms.ChoiceField(label=_("Loại sự kiện"), required=False)
    noi_nhan = forms.ChoiceField(label=_("Nơi nhận"), required=False)
    doi_tuong = forms.CharField(label=_("Đối tượng"), required=False, max_length=120)

    def __init__(self, *args, subscribers=(), **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("Tất cả"))]
        self.fields["loai"].choices = everything + [(t.name, t.name) for t in event_types()]
        # People read what the subscriber does; the code stays the submitted value.
        self.fields["noi_nhan"].choices = everything + [
            (s, subscriber_label(s)) for s in subscribers
        ]

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            "status": data.get("trang_thai") or "open",
            "event_type": data.get("loai") or "",
            "subscriber": data.get("noi_nhan") or "",
            "key": data.get("doi_tuong") or "",
        }
