"""The incoming page offers to draft the reply (văn bản trả lời) for those who may link one."""

import pytest

from tests.factories import PositionFactory
from tests.incoming.factories import AssignmentFactory, IncomingDocumentFactory

pytestmark = pytest.mark.django_db


def test_handler_sees_a_link_to_draft_the_reply(client):
    doc = IncomingDocumentFactory(directed=True)
    specialist = PositionFactory(unit=doc.unit).user
    AssignmentFactory(document=doc, user=specialist, unit=None)
    client.force_login(specialist)
    body = client.get(f"/app/van-ban-den/{doc.pk}/").content.decode()
    assert f"/app/van-ban-di/soan-thao/?tra_loi={doc.pk}" in body
