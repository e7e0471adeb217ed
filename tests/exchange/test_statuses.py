"""Statuses back at the sender: what recipients report on our documents, kept per recipient."""

from __future__ import annotations

import datetime

import pytest

from congvu.audit.models import AuditRecord
from congvu.core.authz import as_actor
from congvu.exchange import edxml
from congvu.exchange.constants import PackageState
from congvu.exchange.models import DeliveryStatus
from congvu.exchange.selectors import delivery_statuses
from congvu.exchange.services import document_id_for, package_receive
from tests.factories import PositionFactory, UnitFactory
from tests.outgoing.conftest import make_commune
from tests.outgoing.helpers import issued

from .conftest import COMMUNE_CODE

pytestmark = pytest.mark.django_db

SO_NOI_VU = "000.00.12.H56"
PHONG_TU_PHAP = "000.00.13.H56"
VN = datetime.timezone(datetime.timedelta(hours=7))


@pytest.fixture
def sender():
    c = make_commune("Thạnh Phú")
    c.unit.code = COMMUNE_CODE
    c.unit.save(update_fields=["code"])
    return c


@pytest.fixture
def document(sender):
    return issued(sender, recipients=[{"external_name": "Sở Nội vụ tỉnh Vĩnh Long"}])


def report(document, code, *, by=SO_NOI_VU, at, number=None, description=""):
    status = edxml.StatusMessage(
        from_=edxml.Organization(organ_id=by, organ_name=f"Cơ quan {by}"),
        status_code=code,
        response_for=edxml.ResponseFor(
            organ_id=COMMUNE_CODE,
            code=number or document.number_notation,
            promulgation_date=document.issued_at.date(),
            document_id=document_id_for(
                COMMUNE_CODE, document.issued_at.year, document.number_notation
            ),
        ),
        description=description,
        timestamp=at,
    )
    return package_receive(raw=edxml.build_status(status), source="edxml_axis")


def test_statuses_03_then_06_show_newest_first(client, sender, document):
    report(document, "03", at=datetime.datetime(2026, 3, 6, 8, 0, tzinfo=VN))
    package = report(
        document, "06", at=datetime.datetime(2026, 3, 9, 15, 30, tzinfo=VN), description="Xong"
    )
    report(document, "01", by=PHONG_TU_PHAP, at=datetime.datetime(2026, 3, 6, 7, 0, tzinfo=VN))
    assert package.state == PackageState.RECORDED
    rows = DeliveryStatus.objects.filter(outgoing_document=document)
    assert sorted(rows.values_list("recipient_code", "status_code")) == [
        (SO_NOI_VU, "03"),
        (SO_NOI_VU, "06"),
        (PHONG_TU_PHAP, "01"),
    ]
    [so, phong] = delivery_statuses(as_actor(sender.clerk), document)
    assert so["code"] == SO_NOI_VU and so["latest"].status_code == "06"
    assert [s.status_code for s in so["history"]] == ["06", "03"]
    assert so["latest"].meaning and so["latest"].description == "Xong"
    assert phong["latest"].status_code == "01"
    assert (
        AuditRecord.objects.filter(action="congvu.exchange.delivery_status.recorded").count() == 3
    )

    client.force_login(sender.clerk)
    page = client.get(f"/app/van-ban-di/{document.pk}/").content.decode()
    assert "Tình trạng xử lý ở nơi nhận" in page
    section = page[page.index("Tình trạng xử lý ở nơi nhận") :]
    assert section.index("06 – ") < section.index("03 – ")
    assert "Xong" in section and SO_NOI_VU in section and PHONG_TU_PHAP in section


def test_a_status_for_an_unknown_document_is_kept_and_flagged(client, sender, document):
    package = report(
        document, "03", number="999/UBND-VP", at=datetime.datetime(2026, 3, 6, tzinfo=VN)
    )
    row = DeliveryStatus.objects.get(package=package)
    assert row.unmatched and row.outgoing_document is None
    assert row.unit == sender.unit and row.document_code == "999/UBND-VP"
    assert AuditRecord.objects.filter(action="congvu.exchange.delivery_status.unmatched").exists()
    assert delivery_statuses(as_actor(sender.clerk), document) == []
    # The sender's văn thư finds it on the package pages, flagged.
    client.force_login(sender.clerk)
    page = client.get("/app/lien-thong/", {"tab": "khong-khop"}).content.decode()
    assert "999/UBND-VP" in page
    detail = client.get(f"/app/lien-thong/{package.pk}/").content.decode()
    assert "Không tìm thấy văn bản đi" in detail


def test_another_agency_with_the_same_number_does_not_match(sender, document):
    other = UnitFactory(commune=True, code="000.31.11.H56")
    PositionFactory(clerk=True, unit=other)
    status = edxml.StatusMessage(
        from_=edxml.Organization(organ_id=SO_NOI_VU),
        status_code="03",
        response_for=edxml.ResponseFor(organ_id=other.code, code=document.number_notation),
    )
    package = package_receive(raw=edxml.build_status(status), source="edxml_axis")
    assert DeliveryStatus.objects.get(package=package).unmatched


def test_statuses_are_shown_only_to_who_sees_the_document(sender, document):
    report(document, "03", at=datetime.datetime(2026, 3, 6, tzinfo=VN))
    stranger = PositionFactory(clerk=True, unit=UnitFactory(commune=True)).user
    assert not DeliveryStatus.objects.restrict(stranger, "view").exists()
    assert DeliveryStatus.objects.restrict(sender.leader, "view").count() == 1
