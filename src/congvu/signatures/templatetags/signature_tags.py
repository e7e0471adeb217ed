"""Signature status on pages: per file (``signature_status``) and per row of a register list.

Both show the outcome stored on the file when it was checked after upload
(``congvu.files.verification``); nothing is validated on a list page.
"""

from django import template

from congvu.files.selectors import signature_summaries as _summaries
from congvu.files.verification import stored_reports

register = template.Library()


@register.inclusion_tag("signatures/_status.html", takes_context=True)
def signature_status(context, stored_file):
    """The checked signatures of one stored PDF, with a "Kiểm tra lại" button."""
    request = context.get("request")
    return {
        "reports": stored_reports(stored_file),
        "stored": stored_file,
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path() if request is not None else "",
    }


@register.simple_tag
def signature_summaries(documents):
    """``{pk: status}`` of the PDF files of a page of documents, read in one query."""
    return _summaries(list(documents))


@register.inclusion_tag("signatures/_badge.html")
def signature_badge(summaries, pk):
    """The "Chữ ký số" cell of a register row."""
    return {"status": summaries.get(str(pk), "unsigned")}
