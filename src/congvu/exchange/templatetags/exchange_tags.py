"""Display helpers of the package pages.

``{% delivery_statuses document %}``: what the recipients reported back, on a văn bản đi page.
``{% exchange_notices document %}``: on a văn bản đến page, its sender's replacement or update.
``|iso_vn``: a date or time the summary stores as ISO text, shown as dd/mm/yyyy (HH:MM).
``|channel_label``: the Vietnamese name of the channel (kênh nhận) a package came by.
``|priority_label``, ``|business_label``: a summary's độ khẩn and nghiệp vụ, translated when shown.
"""

import datetime

from django import template
from django.utils import timezone

from congvu.core.authz import as_actor

from ..channels import get_channel
from ..edxml.codes import BUSINESS_DOC_TYPES, PRIORITIES, status_meaning
from ..selectors import delivery_statuses as select_statuses
from ..selectors import incoming_notices

register = template.Library()


@register.inclusion_tag("exchange/_delivery_statuses.html", takes_context=True)
def delivery_statuses(context, document):
    request = context.get("request")
    if request is None or document is None or not getattr(document, "issued_at", None):
        return {"show": False}
    return {"show": True, "recipients": select_statuses(as_actor(request.user), document)}


@register.inclusion_tag("exchange/_incoming_notices.html", takes_context=True)
def exchange_notices(context, document):
    request = context.get("request")
    if request is None or document is None or not getattr(document, "pk", None):
        return {"show": False}
    notices = incoming_notices(as_actor(request.user), document)
    return {
        "show": bool(notices["replaced_by"] or notices["updates"]),
        "csrf_token": context.get("csrf_token"),
        **notices,
    }


@register.filter
def iso_vn(value) -> str:
    """ "2026-03-05" → "05/03/2026"; "2026-03-05T02:15:00+00:00" → "05/03/2026 09:15" (local time).

    Text that is not ISO (a sender's odd value) is shown as it is rather than dropped.
    """
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    else:
        text = str(value).strip()
        try:
            if len(text) == 10:
                return datetime.date.fromisoformat(text).strftime("%d/%m/%Y")
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            return text
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%d/%m/%Y %H:%M")


@register.filter
def channel_label(code) -> str:
    channel = get_channel(code or "")
    return str(channel.name) if channel is not None else (code or "")


@register.filter
def priority_label(summary) -> str:
    """The độ khẩn of a package's summary in the reader's language.

    The summary keeps the label as text of the moment it was received (Vietnamese),
    so it is looked up again from the code when the page is drawn.
    """
    label = PRIORITIES.get((summary or {}).get("priority"))
    return str(label) if label is not None else (summary or {}).get("priority_label", "")


@register.filter
def business_label(summary) -> str:
    """The nghiệp vụ (new, revoke, update, replace) of a package's summary in the reader's language."""
    label = BUSINESS_DOC_TYPES.get((summary or {}).get("business"))
    return str(label) if label is not None else (summary or {}).get("business_label", "")


@register.filter
def status_label(summary) -> str:
    """The meaning of a status package's code in the reader's language (stored text if unknown)."""
    summary = summary or {}
    return status_meaning(summary.get("status_code", "")) or summary.get("status_label", "")
