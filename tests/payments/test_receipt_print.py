"""The printed receipt (biên lai) follows the letterhead of the other papers: place name, Decree 30 dates."""

import datetime

from django.urls import reverse
from django.utils import timezone

import pytest

from congvu.accounts.constants import Role
from congvu.org.constants import UnitKind
from congvu.payments import services
from tests.factories import PositionFactory, UnitFactory
from tests.onestop.test_print_forms import pdf_text
from tests.outgoing.layout import MM, runs

pytestmark = pytest.mark.django_db

TZ = timezone.get_fixed_timezone(7 * 60)
#: A5 with the receipt's margins (15 mm left, 12 mm right); the letterhead's columns are 40 / 60 %.
SPLIT = 15 * MM + 0.4 * (148 - 27) * MM


def receipt(client, officer, dossier, when) -> bytes:
    payment = services.payment_record_cash(actor=officer, dossier=dossier, when=when)
    client.force_login(officer)
    response = client.get(reverse("payments:receipt", args=[payment.reference]))
    assert response.status_code == 200
    return response.content


@pytest.mark.parametrize(
    ("when", "written"),
    [
        (datetime.datetime(2026, 3, 5, 14, 5, tzinfo=TZ), "ngày 05 tháng 3 năm 2026"),
        (datetime.datetime(2026, 1, 15, 9, 30, tzinfo=TZ), "ngày 15 tháng 01 năm 2026"),
        (datetime.datetime(2025, 12, 7, 7, 45, tzinfo=TZ), "ngày 07 tháng 12 năm 2025"),
    ],
)
def test_the_date_line_uses_the_place_name_and_the_decree_30_rule(
    client, make_dossier, officer, when, written
):
    pdf = receipt(client, officer, make_dossier(), when)
    text = pdf_text(pdf)
    place_date = f"An Thạnh, {written}"
    right = [r.text for r in runs(pdf) if r.x0 >= SPLIT]
    assert place_date in right, right
    assert f"Thời gian nộp tiền: {when:%H} giờ {when:%M} phút, {written}" in text
    if 2 < when.month < 10:
        assert f"tháng {when.month:02d}" not in text
    assert "Ủy ban nhân dân xã An Thạnh, ngày" not in text


def test_a_centre_desk_writes_its_commune(client, make_dossier):
    commune = UnitFactory(commune=True, name="Ủy ban nhân dân xã Thạnh Phú")
    desk = UnitFactory(
        kind=UnitKind.SUBUNIT, name="Trung tâm Phục vụ hành chính công xã", parent=commune
    )
    officer = PositionFactory(unit=desk, role=Role.ONESTOP_OFFICER).user
    when = datetime.datetime(2026, 3, 5, 14, 5, tzinfo=TZ)
    pdf = receipt(client, officer, make_dossier(receiving_unit=desk), when)
    left = [r.text for r in runs(pdf) if r.x1 <= SPLIT]
    assert left[:3] == ["UBND XÃ THẠNH PHÚ", "TRUNG TÂM PHỤC VỤ", "HÀNH CHÍNH CÔNG"], left
    assert "Thạnh Phú, ngày 05 tháng 3 năm 2026" in pdf_text(pdf)


def test_a_committees_receipt_has_no_line_above_it(client, make_dossier, officer, commune):
    """The committee is not printed under its province ("UBND TỈNH …" / "ỦY BAN NHÂN DÂN")."""
    commune.parent = UnitFactory(kind=UnitKind.PROVINCE, name="Ủy ban nhân dân tỉnh Vĩnh Long")
    commune.save()
    when = datetime.datetime(2026, 3, 5, 14, 5, tzinfo=TZ)
    pdf = receipt(client, officer, make_dossier(), when)
    left = [r.text for r in runs(pdf) if r.x1 <= SPLIT]
    assert left[:3] == ["UBND XÃ AN THẠNH", "BỘ PHẬN TIẾP NHẬN", "VÀ TRẢ KẾT QUẢ"], left
