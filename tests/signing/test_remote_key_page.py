"""The unit administrator registers an official's remote-signing key from the key pages."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from congvu.signatures import pki
from congvu.signatures.models import KeyKind, SigningKey
from tests.factories import PositionFactory

# sandbox_service is a fixture: imported to be used by name, hence the F811 notes below.
from tests.signing.test_remote import enrol, sandbox_service  # noqa: F401

pytestmark = pytest.mark.django_db
URL = reverse("signatures:key_register_remote")


@pytest.fixture(autouse=True)
def _trusted(trusted):
    """The test CA is a configured trust anchor here (untrusted ones: test_key_trust.py)."""


@pytest.fixture
def unit_admin(commune):
    return PositionFactory(unit=commune.unit, unit_admin=True).user


def form_data(commune, holder, **change):
    data = {
        "kind": KeyKind.PERSON,
        "unit": commune.unit.pk,
        "user": commune.leader.pk,
        "account": holder.account_id,
        "certificate": SimpleUploadedFile("nhung.cer", holder.certificates[0]),
        "image": SimpleUploadedFile("chu-ky.png", pki.signature_png("nhung"), "image/png"),
    }
    data.update(change)
    return data


def test_a_remote_key_is_registered_from_the_page(
    client,
    unit_admin,
    ca,
    commune,
    sandbox_service,  # noqa: F811
):
    store, _url = sandbox_service
    commune.leader.full_name = "Nguyễn Thị Hồng Nhung"  # the name on the certificate
    commune.leader.save(update_fields=["full_name"])
    account = enrol(store, ca, "Nguyễn Thị Hồng Nhung", commune.unit.name)
    client.force_login(unit_admin)
    assert "Đăng ký khóa ký số từ xa" in client.get(reverse("signatures:key_list")).content.decode()
    response = client.post(URL, form_data(commune, account))
    assert response.status_code == 302, response.content.decode()
    key = SigningKey.objects.get()
    assert key.is_remote and key.remote_account == account.account_id
    assert (key.kind, key.user, bytes(key.pkcs12)) == (KeyKind.PERSON, commune.leader, b"")
    detail = client.get(f"/app/chu-ky-so/{key.pk}/").content.decode()
    assert "Ký số từ xa" in detail and "tệp PKCS#12" not in detail
    assert "Dịch vụ ký số từ xa thử nghiệm (sandbox)" in detail and account.account_id in detail


def test_the_service_refusals_and_form_errors_name_the_field(
    client,
    unit_admin,
    ca,
    commune,
    sandbox_service,  # noqa: F811
):
    store, _url = sandbox_service
    account = enrol(store, ca, "Nguyễn Thị Hồng Nhung", commune.unit.name)
    other = enrol(store, ca, "Người khác", commune.unit.name)
    client.force_login(unit_admin)
    mismatch = client.post(
        URL,
        form_data(commune, account, certificate=SimpleUploadedFile("x.cer", other.certificates[0])),
    )
    assert mismatch.status_code == 400
    assert mismatch.context["form"].errors["certificate"]
    agency = client.post(URL, form_data(commune, account, kind=KeyKind.AGENCY))
    assert "chỉ dùng cho chữ ký số cá nhân" in agency.context["form"].errors["kind"][0]
    unknown = client.post(URL, form_data(commune, account, account="khong-co"))
    assert unknown.status_code == 400 and unknown.context["form"].errors
    assert not SigningKey.objects.exists()
