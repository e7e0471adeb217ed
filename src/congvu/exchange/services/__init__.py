"""Services of the exchange (liên thông văn bản). Every change of state is audited.

``package_receive(raw=..., source=...)`` for whatever arrives,
``outgoing_to_package(document=..., recipient=...)`` for what to send and
``status_reply(package=..., code=...)`` for the status messages to send back;
``sending.py`` puts them on the transport (outbox handlers, ``exchange-poll``).
"""

from .business import update_review_done
from .directory import agency_close, agency_save
from .outbound import document_id_for, outgoing_to_package, status_reply
from .packages import (
    IncomingDraft,
    package_bytes,
    package_receive,
    package_register,
    package_return,
    package_to_incoming,
)
from .statuses import delivery_status_record

__all__ = [
    "IncomingDraft",
    "agency_close",
    "agency_save",
    "delivery_status_record",
    "document_id_for",
    "outgoing_to_package",
    "package_bytes",
    "package_receive",
    "package_register",
    "package_return",
    "package_to_incoming",
    "status_reply",
    "update_review_done",
]
