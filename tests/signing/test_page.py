"""The outgoing document page says whether the issued PDF's signatures hold."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

import pytest

from congvu.files.models import StoredFile
from congvu.signatures.pades import signing_time_text
from tests.outgoing.helpers import issued


@pytest.mark.django_db
def test_page_shows_valid_signatures(client, signing):
    doc = issued(signing)
    client.force_login(signing.clerk)
    page = client.get(reverse("outgoing:detail", args=[doc.pk])).content.decode()
    assert "Chữ ký số: hợp lệ — Nguyễn Thị Hồng Nhung, " in page
    assert f"Chữ ký số: hợp lệ — {signing.unit.name}, " in page
    # Vietnam time, as the seal's text says.
    assert signing_time_text(doc.issued_at)[:10] in page


@pytest.mark.django_db
def test_page_shows_a_file_changed_in_storage_as_broken(client, signing):
    doc = issued(signing)
    stored = StoredFile.objects.get(pk=doc.issued_file_id)
    with default_storage.open(stored.storage_name, "rb") as handle:
        data = bytearray(handle.read())
    data[len(data) // 3] ^= 0x01
    default_storage.delete(stored.storage_name)
    assert (
        default_storage.save(stored.storage_name, ContentFile(bytes(data))) == stored.storage_name
    )
    client.force_login(signing.clerk)
    page = client.get(reverse("outgoing:detail", args=[doc.pk])).content.decode()
    assert "Chữ ký số: hợp lệ" not in page
    assert "Chữ ký số: không hợp lệ" in page


@pytest.mark.django_db
def test_incoming_copy_shows_the_senders_signatures(client, signing):
    from congvu.incoming.models import IncomingDocument
    from tests.outgoing.conftest import make_commune

    other = make_commune("An Qui")
    issued(signing, recipients=[{"unit": other.unit}])
    incoming = IncomingDocument.objects.get(unit=other.unit)
    client.force_login(other.clerk)
    page = client.get(reverse("incoming:detail", args=[incoming.pk])).content.decode()
    assert "Chữ ký số: hợp lệ — Nguyễn Thị Hồng Nhung, " in page
    assert f"Chữ ký số: hợp lệ — {signing.unit.name}, " in page
