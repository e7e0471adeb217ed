"""Downloads go through the owner's scope, verify the checksum and never expose a public URL."""

from urllib.parse import quote

from django.core.files.storage import default_storage
from django.urls import reverse

import pytest

from congvu.audit.models import AuditRecord
from congvu.core.errors import ServiceError
from congvu.files.models import StoredFile
from congvu.files.selectors import file_for_download
from congvu.files.services import file_open_verified
from tests.factories import PositionFactory, UnitFactory, UserFactory
from tests.registry.factories import RegisterFactory

from . import builders as b
from .factories import StoredFileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    unit_a, unit_b = UnitFactory(name="Xã An Thạnh"), UnitFactory(name="Xã Bình Thạnh")
    reg_a = RegisterFactory(unit=unit_a)
    reg_b = RegisterFactory(unit=unit_b)
    secret_a = RegisterFactory(unit=unit_a, secret=True)
    return {
        "spec_a": PositionFactory(role="specialist", unit=unit_a).user,
        "leader_a": PositionFactory(unit=unit_a, leader=True).user,
        "spec_b": PositionFactory(role="specialist", unit=unit_b).user,
        "reg_a": reg_a,
        "reg_b": reg_b,
        "secret_a": secret_a,
    }


def test_download_streams_the_verified_file_with_safe_headers(client, world):
    data = b.pdf_bytes(2)
    stored = StoredFileFactory(owner=world["reg_a"], name="Quyết định số 12 QĐ-UBND.pdf", data=data)
    client.force_login(world["spec_a"])

    resp = client.get(reverse("files:download", args=[stored.pk]))

    assert resp.status_code == 200
    assert b"".join(resp.streaming_content) == data
    assert resp["Content-Type"] == "application/pdf"
    assert resp["X-Content-Type-Options"] == "nosniff"
    disposition = resp["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('Quyết định số 12 QĐ-UBND.pdf', safe='')}" in disposition
    assert "no-store" in resp["Cache-Control"]
    assert stored.storage_name not in resp["Content-Disposition"]


def test_file_outside_the_owners_scope_is_404(client, world):
    stored = StoredFileFactory(owner=world["reg_a"])
    client.force_login(world["spec_b"])
    assert client.get(reverse("files:download", args=[stored.pk])).status_code == 404
    assert client.get(reverse("files:download", args=[stored.pk + 999])).status_code == 404


def test_portal_accounts_and_visitors_cannot_download(client, world):
    stored = StoredFileFactory(owner=world["reg_a"])
    url = reverse("files:download", args=[stored.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(UserFactory(citizen=True))
    assert client.get(url).status_code == 404


def test_secret_owner_needs_clearance_and_reads_are_logged(client, world):
    stored = StoredFileFactory(owner=world["secret_a"])
    assert stored.secrecy == 1
    url = reverse("files:download", args=[stored.pk])

    client.force_login(world["spec_a"])
    assert client.get(url).status_code == 404

    client.force_login(world["leader_a"])
    assert client.get(url).status_code == 200
    assert AuditRecord.objects.filter(
        kind="access", object_id=str(stored.pk), actor_id=world["leader_a"].pk
    ).exists()


def test_restrict_follows_the_owner(world):
    file_a = StoredFileFactory(owner=world["reg_a"])
    file_b = StoredFileFactory(owner=world["reg_b"])
    secret = StoredFileFactory(owner=world["secret_a"])

    def visible(user):
        return set(StoredFile.objects.restrict(user, "view").values_list("pk", flat=True))

    assert visible(world["spec_a"]) == {file_a.pk}
    assert visible(world["leader_a"]) == {file_a.pk, secret.pk}
    assert visible(world["spec_b"]) == {file_b.pk}
    assert visible(None) == set()
    assert file_for_download(actor=world["spec_b"], pk=file_b.pk) == file_b


def test_tampered_blob_is_refused(client, world):
    stored = StoredFileFactory(owner=world["reg_a"])
    with default_storage.open(stored.storage_name, "wb") as fh:
        fh.write(b.pdf_bytes(3))

    with pytest.raises(ServiceError) as exc:
        file_open_verified(stored)
    assert exc.value.code == "checksum_mismatch"

    client.force_login(world["spec_a"])
    resp = client.get(reverse("files:download", args=[stored.pk]))
    assert resp.status_code == 409
    assert "mã kiểm tra không khớp" in resp.content.decode()


def test_missing_blob_is_reported(world):
    stored = StoredFileFactory(owner=world["reg_a"])
    default_storage.delete(stored.storage_name)
    with pytest.raises(ServiceError) as exc:
        file_open_verified(stored)
    assert exc.value.code == "file_missing"
