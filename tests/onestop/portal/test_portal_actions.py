"""A citizen's own dossiers: list, detail, supplement answer, withdrawal, rating, result download.

One citizen never reaches another's dossier or files (404).
"""

from django.urls import reverse

import pytest

from congvu.files.services import file_store
from congvu.onestop import services
from congvu.onestop.constants import DossierStatus
from congvu.onestop.models import Dossier, Rating
from tests.factories import PositionFactory, UserFactory
from tests.files.builders import pdf_bytes, upload

from ..builders import process_to_done
from .test_portal_submit import submit_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(client, citizen, procedure, commune):
    return submit_as(client, citizen, procedure, commune)


@pytest.fixture
def other(client):
    return UserFactory(citizen=True, full_name="Người Khác")


def url(name, dossier, *args):
    return reverse(f"onestop_portal:{name}", args=[dossier.public_token, *args])


def finished(dossier, officer) -> Dossier:
    """Accepted by the desk, then processed to "done" through the transitions."""
    leader = PositionFactory(leader=True, unit=dossier.receiving_unit).user
    dossier = services.dossier_accept(actor=officer, dossier=dossier)
    dossier = process_to_done(dossier, officer=officer, leader=leader)
    assert dossier.status == DossierStatus.DONE
    return dossier


def test_my_dossiers_lists_only_mine(client, citizen, other, dossier):
    response = client.get(reverse("onestop_portal:my_dossiers"))
    assert response.status_code == 200
    assert dossier.code in response.content.decode()
    client.force_login(other)
    response = client.get(reverse("onestop_portal:my_dossiers"))
    assert dossier.code not in response.content.decode()


def test_another_citizen_never_reaches_the_dossier_or_its_files(client, other, dossier, officer):
    finished(dossier, officer)
    result = file_store(
        actor=officer, upload=upload("ket-qua.pdf", pdf_bytes()), owner=dossier, purpose="result"
    )
    client.force_login(other)
    for name, args in [
        ("detail", []),
        ("supplement", []),
        ("withdraw", []),
        ("rate", []),
        ("result_file", [result.pk]),
    ]:
        assert client.get(url(name, dossier, *args)).status_code == 404, name
        assert client.post(url(name, dossier, *args), {"score": 5}).status_code == 404, name
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DONE and not Rating.objects.exists()


def test_result_file_downloads_for_the_owner_only_after_the_result(
    client, citizen, dossier, officer
):
    paper = dossier.papers.first().file
    # A submitted paper is not a result: 404 even for the owner.
    assert client.get(url("result_file", dossier, paper.pk)).status_code == 404
    finished(dossier, officer)
    result = file_store(
        actor=officer, upload=upload("ket-qua.pdf", pdf_bytes()), owner=dossier, purpose="result"
    )
    client.force_login(citizen)
    page = client.get(url("detail", dossier)).content.decode()
    assert url("result_file", dossier, result.pk) in page
    response = client.get(url("result_file", dossier, result.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "ket-qua.pdf" in response["Content-Disposition"]


def test_supplement_answer(client, citizen, dossier, officer):
    services.dossier_request_supplement(
        actor=officer, dossier=dossier, items=["Bản sao Giấy chứng nhận kết hôn"]
    )
    page = client.get(url("detail", dossier)).content.decode()
    assert "Bản sao Giấy chứng nhận kết hôn" in page
    # Nothing uploaded: the field is named.
    response = client.post(url("supplement", dossier), {"note": ""})
    assert response.status_code == 400
    assert "Giấy tờ bổ sung: tải lên ít nhất một tệp." in response.content.decode()
    response = client.post(
        url("supplement", dossier),
        {"name_1": "Giấy chứng nhận kết hôn", "file_1": upload("kh.pdf", pdf_bytes())},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    added = dossier.papers.get(round=1)
    assert added.name == "Giấy chứng nhận kết hôn" and added.file_id


def test_withdraw(client, citizen, dossier):
    assert client.get(url("withdraw", dossier)).status_code == 200
    response = client.post(url("withdraw", dossier), {"reason": "Nộp nhầm thủ tục"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.WITHDRAWN
    page = client.get(url("detail", dossier)).content.decode()
    assert "Công dân rút hồ sơ" in page
    # Twice is refused by the service, with its message.
    response = client.post(url("withdraw", dossier), {"reason": ""})
    assert response.status_code == 400
    assert "không thực hiện được thao tác này" in response.content.decode()


def test_rate_once_after_the_result(client, citizen, dossier, officer):
    # Before the result: refused.
    response = client.post(url("rate", dossier), {"score": 5})
    assert response.status_code == 400
    finished(dossier, officer)
    assert url("rate", dossier) in client.get(url("detail", dossier)).content.decode()
    response = client.post(url("rate", dossier), {"score": 4, "comment": "Nhanh, chu đáo"})
    assert response.status_code == 302
    rating = Rating.objects.get(dossier=dossier)
    assert (rating.score, rating.comment) == (4, "Nhanh, chu đáo")
    response = client.post(url("rate", dossier), {"score": 5})
    assert response.status_code == 400
    assert "Hồ sơ đã được đánh giá." in response.content.decode()
    assert Rating.objects.get(dossier=dossier).score == 4


def test_bad_score_is_named(client, citizen, dossier, officer):
    finished(dossier, officer)
    response = client.post(url("rate", dossier), {"score": 9})
    assert response.status_code == 400
    assert "Mức độ hài lòng: mức không hợp lệ." in response.content.decode()


def test_pay_button_when_awaiting_payment(client, citizen, dossier, officer):
    dossier = services.dossier_accept(actor=officer, dossier=dossier)
    dossier = services.dossier_request_payment(actor=officer, dossier=dossier, amount=50000)
    assert dossier.status == DossierStatus.AWAITING_PAYMENT
    page = client.get(url("detail", dossier)).content.decode()
    assert "Chờ thực hiện nghĩa vụ tài chính" in page
    assert reverse("payments:start", args=[dossier.public_token]) in page


def test_a_grant_holder_sees_but_does_not_act_on_an_account_dossier(client, dossier):
    client.logout()
    client.post(reverse("onestop_portal:track"), {"code": dossier.code, "phone": "0912345678"})
    assert client.get(url("detail", dossier)).status_code == 200
    # Acting needs the applicant's account.
    response = client.post(url("withdraw", dossier), {"reason": "x"})
    assert response.status_code == 302 and reverse("portal:login") in response["Location"]
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
