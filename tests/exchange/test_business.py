"""Revoke and replace packages about a document already registered are flagged on the package page."""

from __future__ import annotations

import pytest

from congvu.exchange import edxml
from congvu.exchange.constants import PackageState
from congvu.exchange.services import package_receive, package_register
from tests.factories import PositionFactory, UnitFactory

from .conftest import COMMUNE_CODE, PROVINCE_CODE, sample_message
from .test_register import pdf_bytes

pytestmark = pytest.mark.django_db

ORIGINAL_ID = f"{PROVINCE_CODE},2026,120/QĐ-UBND"


@pytest.fixture
def clerk():
    unit = UnitFactory(commune=True, name="UBND xã Thạnh Phú", code=COMMUNE_CODE)
    return PositionFactory(clerk=True, unit=unit).user


def receive(**changes):
    attachments = [edxml.Attachment("qd", "qd.pdf", "application/pdf", pdf_bytes())]
    message = sample_message(attachments=attachments, **changes)
    return package_receive(raw=edxml.build(message), source="edxml_axis")


@pytest.fixture
def original(clerk):
    package = receive(code=edxml.Code("120", "QĐ-UBND"), document_id=ORIGINAL_ID, business=None)
    return package_register(actor=clerk, package=package)


def test_a_replace_package_points_at_the_registered_original(client, clerk, original):
    # sample_message replaces 000.00.00.H56,2026,120/QĐ-UBND by 125/QĐ-UBND.
    package = receive()
    assert package.state == PackageState.ACCEPTED
    client.force_login(clerk)
    page = client.get(f"/app/lien-thong/{package.pk}/").content.decode()
    assert "Thay thế văn bản: gói tin này nói về văn bản đến đã vào sổ" in page
    assert f"/app/van-ban-den/{original.pk}/" in page


def test_a_revoke_with_the_same_document_id_is_flagged_too(client, clerk, original):
    business = edxml.Business(doc_type=1, reason="Ban hành sai thẩm quyền", document_id=ORIGINAL_ID)
    package = receive(code=edxml.Code("120", "QĐ-UBND"), document_id=ORIGINAL_ID, business=business)
    # Same sender and DocumentId as the original: kept as a duplicate, still shown.
    assert package.state == PackageState.DUPLICATE
    client.force_login(clerk)
    page = client.get(f"/app/lien-thong/{package.pk}/").content.decode()
    assert "Thu hồi văn bản: gói tin này nói về văn bản đến đã vào sổ" in page
    assert f"/app/van-ban-den/{original.pk}/" in page and "Ban hành sai thẩm quyền" in page


def test_a_replace_for_something_never_registered_says_so(client, clerk):
    package = receive()
    client.force_login(clerk)
    page = client.get(f"/app/lien-thong/{package.pk}/").content.decode()
    assert "không tìm thấy văn bản đến đã vào sổ mà gói tin này nêu" in page
