"""Quản lý khóa ký số: list, register (PKCS#12), revoke with a reason, history, scope."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from congvu.audit.models import AuditRecord
from congvu.signatures import pki, services
from congvu.signatures.key_audit import signature_log
from congvu.signatures.models import KeyKind, SigningKey
from tests.factories import PositionFactory
from tests.outgoing.conftest import make_commune
from tests.signing.conftest import PASSWORD, register_keys


@pytest.fixture(autouse=True)
def _trusted(trusted):
    """The test CA is a configured trust anchor here (untrusted ones: test_key_trust.py)."""


@pytest.fixture
def unit_admin(commune):
    return PositionFactory(unit=commune.unit, unit_admin=True).user


@pytest.fixture
def keys(admin, ca, commune):
    register_keys(admin, ca, commune)
    return SigningKey.objects.filter(unit=commune.unit)


def upload_data(ca, commune, **change):
    data = {
        "kind": KeyKind.PERSON,
        "unit": commune.unit.pk,
        "user": commune.leader.pk,
        "password": PASSWORD,
        "pkcs12": SimpleUploadedFile(
            "nhung.p12", pki.issue_pkcs12(ca, "Nguyễn Thị Hồng Nhung", "UBND", PASSWORD)
        ),
        "image": SimpleUploadedFile("chu-ky.png", pki.signature_png("nhung"), "image/png"),
    }
    data.update(change)
    return data


@pytest.mark.django_db
def test_unit_admin_lists_the_units_keys_with_status(client, unit_admin, keys, commune):
    client.force_login(unit_admin)
    page = client.get(reverse("signatures:key_list"))
    assert page.status_code == 200
    html = page.content.decode()
    for key in keys:
        assert reverse("signatures:key_detail", args=[key.pk]) in html
        assert key.serial in html
    assert html.count('data-status="active"') == 2
    assert "Đang dùng" in html


@pytest.mark.django_db
def test_other_units_admin_sees_nothing_and_gets_404(client, keys):
    other = make_commune("An Qui")
    stranger = PositionFactory(unit=other.unit, unit_admin=True).user
    client.force_login(stranger)
    assert "data-key=" not in client.get(reverse("signatures:key_list")).content.decode()
    key = keys.first()
    assert client.get(reverse("signatures:key_detail", args=[key.pk])).status_code == 404
    assert client.get(reverse("signatures:key_revoke", args=[key.pk])).status_code == 404
    response = client.post(
        reverse("signatures:key_revoke", args=[key.pk]), {"reason": "x", "confirm": "on"}
    )
    assert response.status_code == 404
    assert SigningKey.objects.get(pk=key.pk).revoked_at is None


@pytest.mark.django_db
def test_holder_reads_his_own_key_but_cannot_revoke_or_register(client, keys, commune):
    client.force_login(commune.leader)
    html = client.get(reverse("signatures:key_list")).content.decode()
    own = keys.get(kind=KeyKind.PERSON)
    agency = keys.get(kind=KeyKind.AGENCY)
    assert f'data-key="{own.pk}"' in html
    assert f'data-key="{agency.pk}"' not in html
    detail = client.get(reverse("signatures:key_detail", args=[own.pk]))
    assert detail.status_code == 200
    assert reverse("signatures:key_revoke", args=[own.pk]) not in detail.content.decode()
    assert client.get(reverse("signatures:key_revoke", args=[own.pk])).status_code == 404
    assert client.get(reverse("signatures:key_register")).status_code == 404
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("signatures:key_list") + "?cua_toi=1" in profile


@pytest.mark.django_db
def test_unit_admin_registers_a_pkcs12_key(client, unit_admin, ca, commune):
    # The certificate names the leader (a different name needs a confirmation).
    commune.leader.full_name = "Nguyễn Thị Hồng Nhung"
    commune.leader.save(update_fields=["full_name"])
    client.force_login(unit_admin)
    form = client.get(reverse("signatures:key_register"))
    assert form.status_code == 200
    assert commune.leader.full_name in form.content.decode()
    response = client.post(reverse("signatures:key_register"), upload_data(ca, commune))
    key = SigningKey.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("signatures:key_detail", args=[key.pk])
    assert (key.kind, key.user, key.unit, key.created_by) == (
        KeyKind.PERSON,
        commune.leader,
        commune.unit,
        unit_admin,
    )
    assert key.subject.startswith("CN=Nguyễn Thị Hồng Nhung")
    detail = client.get(response["Location"]).content.decode()
    assert 'data-action="congvu.signatures.signing_key.register"' in detail


@pytest.mark.django_db
def test_the_unit_select_reloads_the_holders_of_the_chosen_unit(client, admin, commune):
    other = make_commune("An Qui")
    client.force_login(admin)
    page = client.get(
        reverse("signatures:key_register"), {"unit": other.unit.pk}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert other.leader.full_name in page
    assert commune.leader.full_name not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"password": "sai"}, "pkcs12", "Không mở được tệp PKCS#12"),
        ({"pkcs12": ""}, "pkcs12", "Chọn tệp chứng thư số PKCS#12."),
        (
            {"image": SimpleUploadedFile("a.gif", b"GIF89a....", "image/gif")},
            "image",
            "phải là tệp PNG",
        ),
        ({"user": ""}, "user", "Chọn người ký cho chữ ký số cá nhân."),
        ({"kind": "robot"}, "kind", "Loại khóa không hợp lệ."),
    ],
)
def test_form_errors_name_the_field(client, unit_admin, ca, commune, change, field, message):
    client.force_login(unit_admin)
    response = client.post(reverse("signatures:key_register"), upload_data(ca, commune, **change))
    assert response.status_code == 400
    form = response.context["form"]
    assert any(message in e for e in form.errors[field]), form.errors
    assert message in response.content.decode()
    assert not SigningKey.objects.exists()


@pytest.mark.django_db
def test_a_unit_outside_the_admins_scope_is_refused(client, unit_admin, ca, commune):
    other = make_commune("An Qui")
    client.force_login(unit_admin)
    data = upload_data(ca, commune, unit=other.unit.pk, user=other.leader.pk)
    response = client.post(reverse("signatures:key_register"), data)
    assert response.status_code == 400
    assert "unit" in response.context["form"].errors
    assert not SigningKey.objects.exists()


@pytest.mark.django_db
def test_agency_key_needs_no_holder(client, unit_admin, ca, commune):
    client.force_login(unit_admin)
    data = upload_data(
        ca,
        commune,
        kind=KeyKind.AGENCY,
        user=commune.leader.pk,  # ignored for an agency's key
        image=SimpleUploadedFile("dau.png", pki.seal_png(), "image/png"),
    )
    assert client.post(reverse("signatures:key_register"), data).status_code == 302
    key = SigningKey.objects.get()
    assert (key.kind, key.user) == (KeyKind.AGENCY, None)


@pytest.mark.django_db
def test_revoke_needs_reason_and_confirmation_then_audits_it(client, unit_admin, keys):
    key = keys.get(kind=KeyKind.PERSON)
    url = reverse("signatures:key_revoke", args=[key.pk])
    client.force_login(unit_admin)
    assert client.get(url).status_code == 200
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    errors = refused.context["form"].errors
    assert errors["reason"] == ["Nhập lý do thu hồi khóa."]
    assert errors["confirm"] == ["Đánh dấu ô xác nhận để thu hồi khóa."]
    assert SigningKey.objects.get(pk=key.pk).revoked_at is None
    done = client.post(url, {"reason": "Mất token", "confirm": "on"})
    assert done.status_code == 302
    assert SigningKey.objects.get(pk=key.pk).revoked_at is not None
    record = AuditRecord.objects.get(action="congvu.signatures.signing_key.revoke")
    assert record.after["reason"] == "Mất token"
    detail = client.get(reverse("signatures:key_detail", args=[key.pk])).content.decode()
    assert "Mất token" in detail
    assert 'data-status="revoked"' in detail
    listed = client.get(reverse("signatures:key_list"), {"trang_thai": "revoked"})
    assert f'data-key="{key.pk}"' in listed.content.decode()


@pytest.mark.django_db
def test_history_lists_the_signatures_made_with_the_key(client, unit_admin, keys, commune):
    from django.db import transaction

    from tests.outgoing.helpers import approved

    key = keys.get(kind=KeyKind.PERSON)
    document = approved(commune)
    with transaction.atomic():
        signature_log(actor=commune.clerk, signing_key=key, document=document, field="ChuKyNguoiKy")
    client.force_login(unit_admin)
    html = client.get(reverse("signatures:key_detail", args=[key.pk])).content.decode()
    assert 'data-action="congvu.signatures.signing_key.sign"' in html
    assert str(document)[:50] in html


@pytest.mark.django_db
def test_status_filter_and_htmx_rows(client, unit_admin, keys):
    client.force_login(unit_admin)
    rows = client.get(
        reverse("signatures:key_list"), {"trang_thai": "expired"}, HTTP_HX_REQUEST="true"
    )
    html = rows.content.decode()
    assert "<html" not in html
    assert "data-key=" not in html
    assert "Chưa có khóa ký số nào." in html


@pytest.mark.django_db
def test_nav_and_home_link_to_the_key_pages(client, unit_admin):
    client.force_login(unit_admin)
    html = client.get(reverse("web:home")).content.decode()
    assert f'href="{reverse("signatures:key_list")}"' in html
    assert "Khóa ký số của đơn vị" in html


@pytest.mark.django_db
def test_service_revoke_keeps_working_without_a_reason(admin, keys):
    key = services.signing_key_revoke(actor=admin, signing_key=keys.first())
    assert key.revoked_at is not None


@pytest.mark.django_db
def test_the_holder_list_never_shows_a_unit_outside_the_admins_scope(client, unit_admin):
    outside = make_commune("An Qui")
    client.force_login(unit_admin)
    page = client.get(reverse("signatures:key_register"), {"unit": outside.unit.pk})
    assert page.status_code == 200
    assert outside.leader.full_name not in page.content.decode()


@pytest.mark.django_db
def test_the_key_form_lists_units_and_holders_in_vietnamese_order(client, unit_admin, commune):
    import html as html_lib
    import re

    from tests.factories import UnitFactory

    names = ["Ấp", "Bình", "Điền", "Đông", "Zeta"]
    for name in reversed(names):
        UnitFactory(name=f"Phòng {name}", parent=commune.unit)
        PositionFactory(unit=commune.unit, user__full_name=f"Nguyễn {name}")
    client.force_login(unit_admin)
    body = client.get(reverse("signatures:key_register")).content.decode()

    def options(field):
        select = re.search(rf'<select name="{field}"[^>]*>(.*?)</select>', body, re.S).group(1)
        return [
            html_lib.unescape(x).strip() for x in re.findall(r"<option[^>]*>(.*?)</option>", select)
        ]

    assert [x for x in options("unit") if x.startswith("Phòng ")] == [f"Phòng {n}" for n in names]
    people = [f"Nguyễn {n}" for n in names]
    assert [x for x in options("user") if x in people] == people
    # The unit chosen at first is still the top of the administered subtree.
    assert f'<option value="{commune.unit.pk}" selected>' in body
