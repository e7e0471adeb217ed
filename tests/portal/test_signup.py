"""Sign-up (đăng ký): validation, the inactive account, the audit record and the mail."""

import re
from urllib.parse import quote

from django.test import Client, override_settings
from django.urls import reverse

import pytest

from congvu.accounts.models import User
from congvu.audit.models import AuditRecord
from congvu.portal import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGNUP_URL = "/dang-ky/"


def post_signup(client, data, capture):
    with capture(execute=True):
        return client.post(SIGNUP_URL, data)


def test_signup_url_and_page(client):
    assert reverse("portal:signup") == SIGNUP_URL
    response = client.get(SIGNUP_URL)
    assert response.status_code == 200
    html = response.content.decode()
    for name in (
        "applicant_type",
        "full_name",
        "email",
        "phone",
        "id_number",
        "tax_code",
        "password1",
        "password2",
    ):
        assert f'name="{name}"' in html
    assert "Tổ chức, doanh nghiệp" in html


def test_signup_creates_inactive_citizen_and_mails_link(
    client, signup_data, mailoutbox, django_capture_on_commit_callbacks
):
    response = post_signup(client, signup_data, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:signup_done")
    user = User.objects.get(email="ngoc.tran@example.vn")
    assert user.username == "ngoc.tran@example.vn"
    assert user.kind == "citizen"
    assert user.applicant_type == "person"
    assert user.phone == "0912345678"
    assert user.id_number == "083195000123"
    assert not user.is_active
    assert not user.email_verified
    assert user.check_password(signup_data["password1"])

    record = AuditRecord.objects.get(action="congvu.portal.citizen.signed_up")
    assert record.object_id == str(user.pk)
    assert record.after["email"] == "ngoc.tran@example.vn"
    assert "password" not in record.after

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["ngoc.tran@example.vn"]
    link = re.search(r"http://testserver(/xac-minh/[^/\s]+/)", mail.body)
    assert link, mail.body

    done = client.get(response["Location"])
    assert "ngoc.tran@example.vn" in done.content.decode()

    verified = client.get(link[1])
    assert verified.status_code == 200
    user.refresh_from_db()
    assert user.is_active and user.email_verified


def test_business_signup_keeps_tax_code(
    client, signup_data, mailoutbox, django_capture_on_commit_callbacks
):
    signup_data.update(
        applicant_type="business",
        full_name="Công ty TNHH Dừa Thạnh Phú",
        id_number="",
        tax_code="1300123456001",
    )
    response = post_signup(client, signup_data, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    user = User.objects.get(email="ngoc.tran@example.vn")
    assert user.applicant_type == "business"
    assert user.tax_code == "1300123456-001"
    assert user.id_number == ""
    assert len(mailoutbox) == 1


def field_errors(response, field):
    return response.context["form"].errors.get(field, [])


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("full_name", "", "họ và tên"),
        ("email", "", "thư điện tử"),
        ("email", "khong-phai-email", "không hợp lệ"),
        ("phone", "0212345678", "10 chữ số"),
        ("phone", "12345", "10 chữ số"),
        ("id_number", "", "CCCD"),
        ("id_number", "12345", "12 chữ số"),
        ("password2", "khac-mat-khau-1", "không khớp"),
        ("applicant_type", "", "cá nhân"),
    ],
)
def test_signup_field_errors_name_the_field(client, signup_data, field, value, fragment):
    signup_data[field] = value
    response = client.post(SIGNUP_URL, signup_data)

    assert response.status_code == 200
    errors = field_errors(response, field)
    assert errors, response.context["form"].errors
    assert any(fragment.lower() in e.lower() for e in errors), errors
    # The error is shown next to its field, not only in a summary.
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not User.objects.filter(email__iexact=signup_data["email"] or "x").exists()


def test_business_needs_a_tax_code(client, signup_data):
    signup_data.update(applicant_type="business", id_number="", tax_code="12345")
    response = client.post(SIGNUP_URL, signup_data)
    assert "Mã số thuế" in field_errors(response, "tax_code")[0]
    signup_data["tax_code"] = ""
    response = client.post(SIGNUP_URL, signup_data)
    assert field_errors(response, "tax_code")
    assert not User.objects.filter(kind="citizen").exists()


def test_weak_password_refused_by_django_validators(client, signup_data):
    signup_data.update(password1="12345678", password2="12345678")
    response = client.post(SIGNUP_URL, signup_data)
    errors = field_errors(response, "password1")
    assert len(errors) >= 2  # too short and entirely numeric
    assert not User.objects.filter(kind="citizen").exists()


def _done_page(client, response, email: str) -> str:
    """The page after sign-up, with the address and random tokens blanked out."""
    page = client.get(response["Location"]).content.decode()
    for form in (email, quote(email, safe="")):
        page = page.replace(form, "EMAIL")
    return re.sub(r"[A-Za-z0-9]{48,}", "TOKEN", page)


def test_a_taken_email_gets_the_same_answer_and_a_mail_instead(
    client, signup_data, mailoutbox, django_capture_on_commit_callbacks
):
    """Sign-up never tells whether an address has an account (issue 11)."""
    capture = django_capture_on_commit_callbacks
    fresh = post_signup(client, {**signup_data, "email": "moi.han@example.vn"}, capture)
    fresh_page = _done_page(client, fresh, "moi.han@example.vn")
    mailoutbox.clear()

    UserFactory(citizen=True, email="ngoc.tran@example.vn", username="ngoc.tran@example.vn")
    other = Client()
    taken = post_signup(other, {**signup_data, "email": "ngoc.tran@example.vn"}, capture)
    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"]
    assert _done_page(other, taken, "ngoc.tran@example.vn") == fresh_page
    assert User.objects.filter(email__iexact="ngoc.tran@example.vn").count() == 1
    # The owner of the address learns it by mail; no verification link is sent.
    assert [m.to for m in mailoutbox] == [["ngoc.tran@example.vn"]]
    assert "đã có tài khoản" in mailoutbox[0].subject
    assert "/xac-minh/" not in mailoutbox[0].body.replace("/xac-minh/gui-lai/", "")


@override_settings(ACCOUNT_MAILS_PER_ADDRESS=2)
def test_the_already_registered_mail_is_limited(
    signup_data, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(citizen=True, email="ngoc.tran@example.vn")
    for _ in range(4):
        response = post_signup(Client(), signup_data, django_capture_on_commit_callbacks)
        assert response.status_code == 302
    assert len(mailoutbox) == 2


def test_service_creates_nothing_for_a_taken_email(signup_data, mailoutbox):
    UserFactory(citizen=True, email="ngoc.tran@example.vn")
    result = services.citizen_signup(
        actor=None,
        applicant_type="person",
        full_name="Người khác",
        email="NGOC.TRAN@example.vn",
        phone="0912345678",
        id_number="083195000999",
        password=signup_data["password1"],
        base_url="http://testserver/",
    )
    assert result is None
    assert User.objects.filter(email__iexact="ngoc.tran@example.vn").count() == 1
    assert not AuditRecord.objects.filter(action="congvu.portal.citizen.signed_up").exists()


def test_service_collects_every_field_error():
    with pytest.raises(services.ServiceError) as exc:
        services.citizen_signup(
            actor=None,
            applicant_type="person",
            full_name=" ",
            email="moi@example.vn",
            phone="123",
            id_number="1",
            password="123",
            base_url="http://testserver/",
        )
    fields = {e.field for e in exc.value.errors}
    assert fields == {"full_name", "phone", "id_number", "password1"}
    assert not User.objects.filter(email="moi@example.vn").exists()
    assert not AuditRecord.objects.filter(action="congvu.portal.citizen.signed_up").exists()


def test_logged_in_citizen_is_sent_away_from_signup(client):
    client.force_login(UserFactory(citizen=True))
    assert client.get(SIGNUP_URL).status_code == 302
