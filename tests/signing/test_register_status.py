"""The signature check is stored per file after upload and shown in the incoming register."""

import datetime
import re

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

import pytest

from congvu.files.models import SignatureStatus, StoredFile
from congvu.files.verification import pending_signatures_check, summary
from congvu.incoming.models import IncomingDocument
from congvu.signatures.models import TrustAnchor
from tests.outgoing.conftest import make_commune
from tests.outgoing.helpers import issued


@pytest.fixture
def received(signing, django_capture_on_commit_callbacks):
    """A signed công văn of Thạnh Phú delivered to An Qui, its check run after the commit."""
    other = make_commune("An Qui")
    with django_capture_on_commit_callbacks(execute=True):
        issued(signing, recipients=[{"unit": other.unit}])
    incoming = IncomingDocument.objects.get(unit=other.unit)
    stored = StoredFile.objects.get(owner_type="incoming.incomingdocument", owner_id=incoming.pk)
    return other, incoming, stored


def listing(client, commune) -> str:
    client.force_login(commune.clerk)
    return client.get(reverse("incoming:list")).content.decode()


def column(page: str) -> str:
    """The text of the "Chữ ký số" cells."""
    return " ".join(re.findall(r'<td data-label="Chữ ký số">(.*?)</td>', page, flags=re.S))


@pytest.mark.django_db
def test_check_after_commit_is_stored_on_the_file(received):
    _other, _incoming, stored = received
    assert stored.signature_status == SignatureStatus.VALID
    assert stored.signature_checked_at is not None
    assert [r["field"] for r in stored.signature_reports] == ["ChuKyNguoiKy", "ChuKyCoQuan"]
    assert all(r["ok"] for r in stored.signature_reports)


@pytest.mark.django_db
def test_register_shows_the_stored_status_without_validating(client, received, monkeypatch):
    other, _incoming, _stored = received

    def no_validation(*args, **kwargs):
        raise AssertionError("the register list must not validate signatures")

    monkeypatch.setattr("congvu.signatures.validation.validate_pdf", no_validation)
    page = listing(client, other)
    assert "Chữ ký số" in page
    assert "Hợp lệ" in column(page)


def tamper(stored):
    with default_storage.open(stored.storage_name, "rb") as handle:
        data = bytearray(handle.read())
    data[len(data) // 3] ^= 0x01
    default_storage.delete(stored.storage_name)
    default_storage.save(stored.storage_name, ContentFile(bytes(data)))


@pytest.mark.django_db
def test_recheck_shows_a_file_modified_after_signing_as_broken(client, received):
    other, incoming, stored = received
    tamper(stored)
    assert "Hợp lệ" in column(listing(client, other))  # stored outcome until checked again
    detail = reverse("incoming:detail", args=[incoming.pk])
    response = client.post(reverse("files:signatures_recheck", args=[stored.pk]), {"next": detail})
    assert response.status_code == 302 and response["Location"] == detail
    stored.refresh_from_db()
    assert stored.signature_status == SignatureStatus.BROKEN
    assert "Bị sửa sau khi ký" in column(listing(client, other))
    page = client.get(detail).content.decode()
    assert "Chữ ký số: không hợp lệ" in page and "Chữ ký số: hợp lệ" not in page
    # The "Kiểm tra lại" form carries the page's CSRF token and its own address.
    action = reverse("files:signatures_recheck", args=[stored.pk])
    form = re.search(rf'action="{action}".*?</form>', page, re.S)
    assert form and re.search(r'name="csrfmiddlewaretoken" value="[^"]+"', form.group(0))
    assert f'name="next" value="{detail}"' in form.group(0)


@pytest.mark.django_db
def test_recheck_without_the_trust_anchor_is_untrusted(client, received):
    other, _incoming, stored = received
    TrustAnchor.objects.all().delete()
    client.force_login(other.clerk)
    client.post(reverse("files:signatures_recheck", args=[stored.pk]), {"next": "https://evil/"})
    stored.refresh_from_db()
    assert stored.signature_status == SignatureStatus.UNTRUSTED
    assert "Chưa xác thực" in column(listing(client, other))


@pytest.mark.django_db
def test_recheck_of_a_file_out_of_scope_is_not_found(client, received, signing):
    _other, _incoming, stored = received
    outsider = make_commune("Bình Thạnh")
    client.force_login(outsider.clerk)
    response = client.post(reverse("files:signatures_recheck", args=[stored.pk]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_unsigned_pdf_and_other_files(settings, signing, django_capture_on_commit_callbacks):
    settings.CONGVU_SIGNER = "noop"
    other = make_commune("An Qui")
    with django_capture_on_commit_callbacks(execute=True):
        issued(signing, recipients=[{"unit": other.unit}])
    incoming = IncomingDocument.objects.get(unit=other.unit)
    stored = StoredFile.objects.get(owner_type="incoming.incomingdocument", owner_id=incoming.pk)
    assert stored.signature_status == SignatureStatus.UNSIGNED


@pytest.mark.django_db
def test_a_lost_check_is_picked_up_by_the_periodic_job(received):
    _other, _incoming, stored = received
    StoredFile.objects.filter(pk=stored.pk).update(
        signature_status=SignatureStatus.PENDING,
        uploaded_at=stored.uploaded_at - datetime.timedelta(hours=1),
    )
    assert pending_signatures_check() == 1
    stored.refresh_from_db()
    assert stored.signature_status == SignatureStatus.VALID


def test_a_document_shows_its_worst_file():
    s = SignatureStatus
    assert summary([s.VALID, s.BROKEN, s.UNSIGNED]) == s.BROKEN
    assert summary([s.VALID, s.REVOKED]) == s.REVOKED
    assert summary([s.VALID, s.UNTRUSTED]) == s.UNTRUSTED
    assert summary([s.VALID, s.UNSIGNED]) == s.VALID
    assert summary([]) == s.UNSIGNED
