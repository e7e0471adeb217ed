"""Services of incoming documents (văn bản đến). Every change is audited.

Interface for other apps: ``incoming_receive_internal`` (internal delivery,
called by ``congvu.outgoing``), ``incoming_link_reply`` and
``incoming_complete_by_reply`` (a reply issued).
"""

from .duplicates import incoming_find_duplicates
from .handling import (
    assignment_forward,
    can,
    incoming_complete,
    incoming_complete_by_reply,
    incoming_direct,
    incoming_link_reply,
    incoming_present,
    incoming_progress,
    incoming_reopen,
    incoming_return,
)
from .registration import (
    external_org_create,
    incoming_mark_recalled,
    incoming_receive_internal,
    incoming_register,
    incoming_register_pending,
)

__all__ = [
    "assignment_forward",
    "can",
    "external_org_create",
    "incoming_complete",
    "incoming_complete_by_reply",
    "incoming_direct",
    "incoming_find_duplicates",
    "incoming_link_reply",
    "incoming_mark_recalled",
    "incoming_present",
    "incoming_progress",
    "incoming_receive_internal",
    "incoming_register",
    "incoming_register_pending",
    "incoming_reopen",
    "incoming_return",
]
