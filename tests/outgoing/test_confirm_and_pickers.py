"""Duyệt ký and Cấp số và phát hành ask for confirmation; the reviewers' picker names
position and unit, searches without accents and never offers the drafter."""

from __future__ import annotations

import html
import re

import pytest

from congvu.core.errors import ServiceError
from congvu.outgoing import services
from congvu.outgoing.constants import Status
from congvu.outgoing.models import OutgoingDocument
from congvu.registry.models import IssuedNumber
from tests.outgoing.helpers import approved, drafted

pytestmark = pytest.mark.django_db


def _status(doc) -> str:
    return OutgoingDocument.objects.get(pk=doc.pk).status


def _in_review(c):
    doc = drafted(c)
    services.draft_submit(actor=c.specialist, document=doc, reviewers=[])
    return doc


def _options(body: str, name: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select name="{name}".*?</select>', body, re.S).group(0)
    return [
        (m.group(1), html.unescape(m.group(2)).strip())
        for m in re.finditer(r'<option value="([^"]*)"[^>]*>(.*?)</option>', select, re.S)
    ]


def test_approve_for_signing_needs_the_confirmation(client, commune):
    doc = _in_review(commune)
    client.force_login(commune.leader)
    url = f"/app/van-ban-di/{doc.pk}/duyet-ky/"
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert 'name="xac_nhan"' in body and "Xác nhận duyệt ký" in body
    # The detail page's button posts without the confirmation: nothing happens yet.
    response = client.post(url, {"authority_prefix": "TM."})
    assert response.status_code == 200
    assert 'name="xac_nhan"' in response.content.decode()
    assert _status(doc) == Status.IN_REVIEW
    # The confirmation carries the digest of the draft the leader was shown.
    shown = re.search(r'name="content_sha256" value="([0-9a-f]{64})"', response.content.decode())
    response = client.post(
        url, {"authority_prefix": "TM.", "xac_nhan": "1", "content_sha256": shown.group(1)}
    )
    assert response.status_code == 302
    doc.refresh_from_db()
    assert doc.status == Status.APPROVED and doc.authority_prefix == "TM."


def test_issue_needs_the_confirmation_and_says_which_number(client, commune):
    doc = approved(commune)
    client.force_login(commune.clerk)
    url = f"/app/van-ban-di/{doc.pk}/phat-hanh/"
    body = client.get(url).content.decode()
    assert "cấp số tiếp theo (01)" in html.unescape(body)
    assert client.post(url).status_code == 200
    assert _status(doc) == Status.APPROVED
    assert not IssuedNumber.objects.exists()
    assert client.post(url, {"xac_nhan": "0"}).status_code == 200
    assert _status(doc) == Status.APPROVED
    assert client.post(url, {"xac_nhan": "1"}).status_code == 302
    assert _status(doc) == Status.ISSUED


def test_the_confirmation_page_is_in_scope(client, commune, other):
    doc = approved(commune)
    client.force_login(other.clerk)
    assert client.get(f"/app/van-ban-di/{doc.pk}/phat-hanh/").status_code == 404


def test_reviewer_picker_names_position_and_unit_without_the_drafter(client, commune):
    doc = drafted(commune)
    client.force_login(commune.specialist)
    body = client.get(f"/app/van-ban-di/{doc.pk}/").content.decode()
    options = dict(_options(body, "reviewer_1"))
    assert str(commune.specialist.pk) not in options
    head = options[str(commune.office_head.pk)]
    assert head.endswith("— Chánh Văn phòng, Văn phòng HĐND và UBND xã Thạnh Phú")
    assert options[str(commune.leader.pk)].endswith("— Chủ tịch, UBND xã Thạnh Phú")
    # Accent-insensitive search on name, position or unit.
    body = client.get(f"/app/van-ban-di/{doc.pk}/", {"tim": "chanh van phong"}).content.decode()
    values = [v for v, _label in _options(body, "reviewer_1") if v]
    assert values == [str(commune.office_head.pk)]


def test_a_drafter_cannot_review_his_own_draft(commune):
    from tests.factories import PositionFactory

    doc = drafted(commune)
    admin = PositionFactory(system_admin=True, unit=commune.unit).user
    for actor in (commune.specialist, admin):
        with pytest.raises(ServiceError) as info:
            services.draft_submit(actor=actor, document=doc, reviewers=[commune.specialist])
        assert info.value.code == "self_review"
        assert info.value.errors[0].field == "reviewers"
    assert _status(doc) == Status.DRAFT


def test_the_submit_page_refuses_the_drafter_as_reviewer(client, commune):
    doc = drafted(commune)
    client.force_login(commune.specialist)
    response = client.post(
        f"/app/van-ban-di/{doc.pk}/trinh/", {"reviewer_1": commune.specialist.pk}
    )
    assert response.status_code == 400
    assert _status(doc) == Status.DRAFT


NOT_ALLOWED = "Bạn không thực hiện được thao tác này với văn bản ở trạng thái hiện tại."


def _back_with(client, response, doc, message: str) -> None:
    assert response.status_code == 302 and response.url == f"/app/van-ban-di/{doc.pk}/"
    assert message in html.unescape(client.get(response.url).content.decode())


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_issue_page_in_a_state_that_does_not_allow_it_goes_back_to_the_document(
    client, commune, method
):
    doc = _in_review(commune)  # not approved yet: nothing to issue
    client.force_login(commune.clerk)
    url = f"/app/van-ban-di/{doc.pk}/phat-hanh/"
    _back_with(client, getattr(client, method)(url), doc, NOT_ALLOWED)
    # Confirmed anyway (a stale page): the service refuses and the document page says why.
    response = client.post(url, {"xac_nhan": "1"}, follow=True)
    assert "khi văn bản ở trạng thái" in html.unescape(response.content.decode())
    assert _status(doc) == Status.IN_REVIEW and not IssuedNumber.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_approve_page_in_a_state_that_does_not_allow_it_goes_back_to_the_document(
    client, commune, method
):
    doc = approved(commune)  # already approved: nothing to sign again
    client.force_login(commune.leader)
    url = f"/app/van-ban-di/{doc.pk}/duyet-ky/"
    _back_with(client, getattr(client, method)(url, {"authority_prefix": "TM."}), doc, NOT_ALLOWED)
    _back_with(client, client.post(url, {"xac_nhan": "1"}), doc, NOT_ALLOWED)
    # Confirmed from a stale page: back to the document with the service's reason.
    response = client.post(url, {"xac_nhan": "1", "content_sha256": "0" * 64})
    assert response.status_code == 302 and response.url == f"/app/van-ban-di/{doc.pk}/"
    assert _status(doc) == Status.APPROVED
