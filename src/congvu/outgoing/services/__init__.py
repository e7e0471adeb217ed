"""Services of văn bản đi: every state change is a named, audited transition."""

from .changes import document_correct, document_recall, document_replace
from .drafting import (
    as_signed_by,
    current_step,
    draft_add_version,
    draft_approve_for_signing,
    draft_create,
    draft_submit,
    draft_update,
    review_approve,
    review_return,
)
from .issuance import document_issue, render_pdf
from .remote_signing import (
    document_signing_poll,
    document_signing_retry,
    document_signing_void,
    remote_signatures_poll,
)

__all__ = [
    "as_signed_by",
    "current_step",
    "document_correct",
    "document_issue",
    "document_recall",
    "document_signing_poll",
    "document_signing_retry",
    "document_signing_void",
    "document_replace",
    "draft_add_version",
    "draft_approve_for_signing",
    "draft_create",
    "draft_submit",
    "draft_update",
    "remote_signatures_poll",
    "render_pdf",
    "review_approve",
    "review_return",
]
