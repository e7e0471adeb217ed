"""Reads of the exchange hub; an agency sees only packages it sent or is to receive."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db.models import Q

from .models import HubAgency, HubMessage


def hub_messages_visible(agency: HubAgency):
    """The hub's single scope rule: a package is the sender's and the recipient's, nobody else's."""
    return HubMessage.objects.filter(Q(sender=agency) | Q(recipient=agency)).select_related(
        "sender", "recipient"
    )


def hub_message_open(message: HubMessage):
    """The stored bytes of a package, as a file object."""
    return default_storage.open(message.blob_name, "rb")
