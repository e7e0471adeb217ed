"""What a registration publishes: the event always, a liên thông status only for edXML documents."""

import pytest

from congvu.events.models import Delivery, OutboxMessage
from congvu.incoming.constants import Source

pytestmark = pytest.mark.django_db


def _registered(document) -> OutboxMessage:
    return OutboxMessage.objects.get(
        event_type="incoming.registered", payload__document_id=document.pk
    )


def test_a_paper_registration_is_recorded_with_no_status_to_report_to_a_sender(register_doc):
    # No sender to tell "03 đã vào sổ": no delivery, so no dispatcher runs after the commit.
    document = register_doc()
    assert not Delivery.objects.filter(message=_registered(document)).exists()


def test_a_registration_from_lien_thong_still_reports_its_status(register_doc):
    document = register_doc(source=Source.EDXML)
    deliveries = Delivery.objects.filter(message=_registered(document))
    assert list(deliveries.values_list("subscriber", flat=True)) == ["exchange.status_03"]
