"""Profile (tài khoản): citizens edit phone and address; changes are audited."""

from django.urls import reverse

import pytest

from congvu.audit.models import AuditRecord
from congvu.core.errors import PermissionDenied
from congvu.portal import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROFILE_URL = "/tai-khoan/"


@pytest.fixture
def citizen():
    return UserFactory(
        citizen=True, email="binh@example.vn", phone="0912345678", address="Ấp An Thạnh"
    )


def test_anonymous_goes_to_portal_login(client):
    response = client.get(PROFILE_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login") + "?next=")


def test_official_gets_404(client):
    client.force_login(UserFactory())
    assert client.get(PROFILE_URL).status_code == 404
    assert client.get(reverse("portal:password_change")).status_code == 404


def test_profile_shows_email_read_only(client, citizen):
    client.force_login(citizen)
    response = client.get(PROFILE_URL)
    html = response.content.decode()
    assert "binh@example.vn" in html
    assert 'name="email"' not in html
    assert set(response.context["form"].fields) == {"phone", "address"}


def test_profile_edit_saves_and_audits(client, citizen):
    client.force_login(citizen)
    response = client.post(
        PROFILE_URL,
        {"phone": "+84 387 654 321", "address": "Số 5, ấp Thạnh Hòa", "email": "doi@example.vn"},
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.phone == "0387654321"
    assert citizen.address == "Số 5, ấp Thạnh Hòa"
    assert citizen.email == "binh@example.vn"  # not editable here

    record = AuditRecord.objects.get(action="congvu.portal.citizen.profile_updated")
    assert record.actor_id == citizen.pk
    assert record.object_id == str(citizen.pk)
    assert record.before["phone"] == "0912345678"
    assert record.after["phone"] == "0387654321"
    assert "password" not in record.before


def test_profile_bad_phone_names_the_field(client, citizen):
    client.force_login(citizen)
    response = client.post(PROFILE_URL, {"phone": "0123", "address": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["phone"]
    citizen.refresh_from_db()
    assert citizen.phone == "0912345678"
    assert not AuditRecord.objects.filter(action="congvu.portal.citizen.profile_updated").exists()


def test_service_refuses_someone_elses_account(citizen):
    other = UserFactory(citizen=True)
    with pytest.raises(PermissionDenied):
        services.citizen_update_profile(
            actor=other, user=citizen, phone="0987654321", address="Khác"
        )
    citizen.refresh_from_db()
    assert citizen.phone == "0912345678"


def test_password_change_audited_and_keeps_session(client, citizen):
    client.force_login(citizen)
    url = reverse("portal:password_change")
    assert url == "/tai-khoan/doi-mat-khau/"
    html = client.get(url).content.decode()
    for name in ("old_password", "new_password1", "new_password2"):
        assert f'name="{name}"' in html
    response = client.post(
        url,
        {
            "old_password": "mat-khau-thu-nghiem-1",
            "new_password1": "Mot-mat-khau-moi-2025",
            "new_password2": "Mot-mat-khau-moi-2025",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == PROFILE_URL
    citizen.refresh_from_db()
    assert citizen.check_password("Mot-mat-khau-moi-2025")
    assert client.get(PROFILE_URL).status_code == 200  # still logged in
    record = AuditRecord.objects.get(action="congvu.portal.citizen.password_changed")
    assert record.object_id == str(citizen.pk)
    assert record.before is None and record.after is None


def test_password_change_wrong_old_password(client, citizen):
    client.force_login(citizen)
    response = client.post(
        reverse("portal:password_change"),
        {
            "old_password": "sai",
            "new_password1": "Mot-mat-khau-moi-2025",
            "new_password2": "Mot-mat-khau-moi-2025",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    citizen.refresh_from_db()
    assert citizen.check_password("mat-khau-thu-nghiem-1")
