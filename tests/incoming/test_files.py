"""Attachments of incoming documents through congvu.files."""

import datetime

import pytest

from congvu.files.services import file_store
from congvu.incoming import services
from congvu.incoming.services.files import document_files
from tests.files.builders import pdf_with_text, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _tmp_storage(_tmp_storage):
    """Every test here stores its files in its own directory (tests/conftest.py)."""
    return _tmp_storage


def test_register_with_scan_and_download(client, register_doc, clerk, outsider):
    doc = register_doc(
        files=[upload("scan.pdf", pdf_with_text("Quyet dinh 12"), "application/pdf")]
    )
    (stored,) = document_files(doc)
    assert stored.original_name == "scan.pdf"
    client.force_login(clerk)
    page = client.get(f"/app/van-ban-den/{doc.pk}/").content.decode()
    assert f"/app/tep/{stored.pk}/" in page
    assert client.get(f"/app/tep/{stored.pk}/").status_code == 200
    client.force_login(outsider)
    assert client.get(f"/app/tep/{stored.pk}/").status_code == 404


def test_internal_delivery_copies_the_original_file(commune, other_commune, clerk, cong_van):
    original_owner = other_commune  # any record with a policy stands in for the outgoing document
    original = file_store(
        actor=clerk,
        upload=upload("cv45.pdf", pdf_with_text("Cong van 45"), "application/pdf"),
        owner=original_owner,
    )
    doc = services.incoming_receive_internal(
        outgoing_unit=other_commune,
        recipient_unit=commune,
        number_notation="45/UBND-VP",
        document_date=datetime.date(2026, 3, 2),
        document_type=cong_van,
        subject="V/v phối hợp",
        files=[original],
    )
    (copy,) = document_files(doc)
    assert copy.pk != original.pk
    assert copy.sha256 == original.sha256
    assert copy.original_name == "cv45.pdf"
