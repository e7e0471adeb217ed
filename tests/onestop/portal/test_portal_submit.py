"""Portal submission (/dich-vu-cong/nop/<code>/): uploads end to end, required papers, who may file."""

from django.urls import reverse

import pytest

from congvu.files.models import StoredFile
from congvu.onestop.constants import DossierStatus
from congvu.onestop.models import Dossier
from tests.factories import UnitFactory
from tests.files.builders import pdf_bytes, upload

from .makers import make_procedure

pytestmark = pytest.mark.django_db


def papers_of(procedure):
    return list(procedure.versions.get().papers.order_by("order"))


def post_data(procedure, unit, *, with_papers=(0, 1), **overrides):
    data = {
        "commune": unit.pk,
        "type": "person",
        "name": "Lê Thị Hồng Nhung",
        "id_number": "083195000123",
        "address": "Ấp Thạnh Hòa, xã Thạnh Phú",
        "phone": "0912 345 678",
        "email": "nhung@example.vn",
        "subject": "Đăng ký khai sinh cho con",
        "result_delivery": "office",
    }
    papers = papers_of(procedure)
    for index in with_papers:
        data[f"paper_{papers[index].pk}"] = upload(f"giay-{index}.pdf", pdf_bytes())
    data.update(overrides)
    return data


def submit(client, procedure, data):
    return client.post(reverse("onestop_portal:submit", args=[procedure.code]), data)


def submit_as(client, citizen, procedure, unit, **kwargs) -> Dossier:
    """File a dossier through the portal as ``citizen``; the dossier created."""
    client.force_login(citizen)
    response = submit(client, procedure, post_data(procedure, unit, **kwargs))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Dossier.objects.get(public_token=response["Location"].rstrip("/").split("/")[-1])


def test_form_is_prefilled_from_the_profile(client, citizen, procedure, commune):
    client.force_login(citizen)
    response = client.get(reverse("onestop_portal:submit", args=[procedure.code]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Lê Thị Hồng Nhung"' in page
    assert 'value="0912345678"' in page
    assert "Xã Thạnh Phú" in page
    assert "Giấy chứng sinh" in page and "Giấy ủy quyền (nếu có)" in page


def test_submission_with_uploads_end_to_end(client, citizen, procedure, commune):
    dossier = submit_as(client, citizen, procedure, commune)
    assert dossier.status == DossierStatus.SUBMITTED
    assert dossier.applicant == citizen
    assert dossier.applicant_phone == "0912345678"
    assert dossier.code.startswith("000.00.31.H57-")
    papers = list(dossier.papers.order_by("pk"))
    assert [p.name for p in papers] == ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]
    assert all(p.file_id for p in papers)
    files = StoredFile.objects.filter(owner_type="onestop.dossier", owner_id=str(dossier.pk))
    assert files.filter(purpose="paper").count() == 2
    # The page shows the code and is addressed by the public token only.
    response = client.get(reverse("onestop_portal:detail", args=[dossier.public_token]))
    page = response.content.decode()
    assert dossier.code in page
    assert "Mới đăng ký (mã 1)" in page
    # Segment by segment: a random token may well contain the digits of the pk.
    segments = response.request["PATH_INFO"].strip("/").split("/")
    assert segments == ["dich-vu-cong", "ho-so", dossier.public_token]


def test_missing_required_paper_is_refused_naming_it(client, citizen, procedure, commune):
    client.force_login(citizen)
    response = submit(client, procedure, post_data(procedure, commune, with_papers=(0,)))
    assert response.status_code == 400
    assert "Giấy chứng sinh: phải tải lên tệp giấy tờ này." in response.content.decode()
    assert not Dossier.objects.exists()


def test_invalid_fields_are_named(client, citizen, procedure, commune):
    client.force_login(citizen)
    data = post_data(procedure, commune, name="", phone="12ab")
    response = submit(client, procedure, data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Họ và tên người nộp: bắt buộc nhập." in page
    assert not Dossier.objects.exists()
    # The phone passes the form but the service refuses it, naming the field.
    response = submit(client, procedure, post_data(procedure, commune, phone="12345"))
    assert response.status_code == 400
    assert "Số điện thoại: Số điện thoại không hợp lệ" in response.content.decode()
    assert not Dossier.objects.exists()


def test_a_unit_not_offering_the_procedure_is_refused(client, citizen, procedure):
    office = UnitFactory(name="Phòng Tư pháp")  # an office does not act at "Cấp xã"
    client.force_login(citizen)
    response = submit(client, procedure, post_data(procedure, office))
    assert response.status_code == 400
    assert (
        "Nơi nộp hồ sơ: xã, phường, đặc khu này không tiếp nhận thủ tục này trực tuyến."
        in response.content.decode()
    )


def test_anonymous_filing_needs_the_setting(client, procedure, commune, settings):
    url = reverse("onestop_portal:submit", args=[procedure.code])
    response = client.get(url)
    assert response.status_code == 302 and reverse("portal:login") in response["Location"]
    settings.CONGVU_PORTAL_ANONYMOUS_SUBMIT = True
    response = submit(client, procedure, post_data(procedure, commune))
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.applicant is None
    # The browser that filed it may follow it (session grant).
    assert client.get(response["Location"]).status_code == 200


def test_not_online_procedure_shows_no_form(client, citizen, commune):
    offline = make_procedure(online_level="not_online")
    client.force_login(citizen)
    response = client.get(reverse("onestop_portal:submit", args=[offline.code]))
    assert response.status_code == 200
    assert "chưa cung cấp dịch vụ công trực tuyến" in response.content.decode()
    assert submit(client, offline, post_data(offline, commune)).status_code == 200
    assert not Dossier.objects.exists()


def test_officials_do_not_file_on_the_portal(client, officer, procedure):
    client.force_login(officer)
    assert client.get(reverse("onestop_portal:submit", args=[procedure.code])).status_code == 404


def test_unknown_procedure_is_404(client, citizen):
    client.force_login(citizen)
    assert client.get(reverse("onestop_portal:submit", args=["9.999999"])).status_code == 404
