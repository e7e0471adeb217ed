"""Golden layout of issued documents against Decree 30/2020 Appendix I (regulations §1.8).

Each document type the product issues is issued through the real pipeline,
rendered to PDF and read back with positions (poppler's ``pdftotext -bbox``):
the letterhead's lines and their columns, Số and the công văn's "V/v" under
it, the italic place/date line, the centred title, the signature block and
"Nơi nhận".
"""

from __future__ import annotations

import datetime

from django.utils import timezone

import pytest

from congvu.org.constants import UnitKind
from congvu.outgoing.services.issuance import render_pdf
from tests.factories import PositionFactory, UnitFactory
from tests.outgoing.conftest import Commune
from tests.outgoing.helpers import approved, drafted, issued
from tests.outgoing.layout import (
    LEFT,
    LEFT_COLUMN,
    RIGHT_COLUMN,
    centre,
    find,
    fonts_of,
    runs,
)

pytestmark = pytest.mark.django_db

TZ = timezone.get_fixed_timezone(7 * 60)
#: Tolerance of "centred", in points (about 1 mm).
NEAR = 3

TYPES = {
    "cong-van": "",
    "quyet-dinh": "QUYẾT ĐỊNH",
    "to-trinh": "TỜ TRÌNH",
    "thong-bao": "THÔNG BÁO",
    "ke-hoach": "KẾ HOẠCH",
    "bao-cao": "BÁO CÁO",
}


@pytest.fixture
def thanh_phu(db) -> Commune:
    """xã Thạnh Phú as the demo has it: names from the national list, titles with the agency."""
    province = UnitFactory(
        kind=UnitKind.PROVINCE, name="Ủy ban nhân dân tỉnh Vĩnh Long", short_name="UBND"
    )
    unit = UnitFactory(
        kind=UnitKind.COMMUNE,
        name="Ủy ban nhân dân xã Thạnh Phú",
        short_name="UBND",
        parent=province,
    )
    office = UnitFactory(
        name="Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã", short_name="VP", parent=unit
    )
    leader = PositionFactory(unit=unit, leader=True, title="Chủ tịch UBND xã").user
    leader.full_name = "Nguyễn Văn Chủ"
    leader.save(update_fields=["full_name"])
    deputy = PositionFactory(unit=unit, deputy=True, title="Phó Chủ tịch UBND xã").user
    deputy.full_name = "Trần Thị Phó"
    deputy.save(update_fields=["full_name"])
    return Commune(
        unit=unit,
        office=office,
        specialist=PositionFactory(unit=office, role="specialist").user,
        office_head=PositionFactory(unit=office, role="leader_head", title="Chánh Văn phòng").user,
        leader=leader,
        deputy=deputy,
        clerk=PositionFactory(unit=unit, clerk=True).user,
    )


def issue(c, type_code, *, subject, day=datetime.date(2026, 1, 5), **kw):
    """Issue through the services, then print it as of ``day`` (the date rule needs fixed days)."""
    doc = issued(
        c,
        type_code=type_code,
        subject=subject,
        body="Thực hiện chỉ đạo của cấp trên, Ủy ban nhân dân xã triển khai các nội dung sau.",
        recipients=[
            {"external_name": "Công an xã Thạnh Phú"},
            {"external_name": "Trường Tiểu học Thạnh Phú", "kind": "info"},
        ],
        **kw,
    )
    doc.issued_at = datetime.datetime.combine(day, datetime.time(9, 30), tzinfo=TZ)
    return doc, render_pdf(doc)


def assert_centred(run, column):
    assert abs(run.centre - centre(column)) < NEAR, (run, centre(column))


@pytest.mark.parametrize("type_code", TYPES)
def test_issued_document_follows_appendix_i(thanh_phu, type_code):
    subject = (
        "V/v tổ chức tiếp công dân định kỳ tháng 01 năm 2026"
        if type_code == "cong-van"
        else "Về việc tổ chức tiếp công dân định kỳ tháng 01 năm 2026"
    )
    doc, pdf = issue(thanh_phu, type_code, subject=subject)
    page = runs(pdf)
    texts = [r.text for r in page]

    # Letterhead: the People's Committee on two whole lines, centred over the left column.
    body, division = find(page, "ỦY BAN NHÂN DÂN"), find(page, "XÃ THẠNH PHÚ")
    assert division.top > body.top
    for run in (body, division):
        assert_centred(run, LEFT_COLUMN)
    assert not any("VĨNH" in t or t == "LONG" for t in texts), texts
    # Quốc hiệu and tiêu ngữ on the right, level with the agency.
    nation, motto = (
        find(page, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        find(page, "Độc lập - Tự do - Hạnh phúc"),
    )
    for run in (nation, motto):
        assert_centred(run, RIGHT_COLUMN)
    assert abs(nation.top - body.top) < NEAR

    # Số centred in the left block; place and date in italics on the right, on one line.
    number = find(page, f"Số: {doc.number_notation}")
    assert_centred(number, LEFT_COLUMN)
    place = find(page, "Thạnh Phú, ngày 05 tháng 01 năm 2026")
    assert_centred(place, RIGHT_COLUMN)
    assert abs(place.bottom - number.bottom) < NEAR
    assert fonts_of(pdf, "ngày 05") and all("Italic" in f for f in fonts_of(pdf, "ngày 05"))

    if type_code == "cong-van":
        # Trích yếu "V/v …" once, centred under Số, inside the left column.
        subject_runs = [r for r in page if number.bottom < r.top < number.bottom + 60]
        subject_runs = [r for r in subject_runs if r.x1 <= LEFT_COLUMN[1]]
        assert " ".join(r.text for r in subject_runs) == (
            "V/v tổ chức tiếp công dân định kỳ tháng 01 năm 2026"
        )
        for run in subject_runs:
            assert_centred(run, LEFT_COLUMN)
        assert find(page, "Kính gửi: Công an xã Thạnh Phú.")
    else:
        # Title centred on the page, trích yếu under it, no "V/v".
        title = find(page, TYPES[type_code])
        assert_centred(title, (LEFT, LEFT + (RIGHT_COLUMN[1] - LEFT)))
        trich_yeu = find(page, "Về việc tổ chức tiếp công dân định kỳ tháng 01 năm 2026")
        assert trich_yeu.top > title.top
        assert not any("V/v" in t for t in texts)

    # Signature block: TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH / name, centred in the right column.
    tm, chair, name = (
        find(page, "TM. ỦY BAN NHÂN DÂN"),
        find(page, "CHỦ TỊCH"),
        find(page, "Nguyễn Văn Chủ"),
    )
    assert tm.top < chair.top < name.top
    for run in (tm, chair, name):
        assert_centred(run, RIGHT_COLUMN)
    assert not any("UBND XÃ" in t for t in texts), texts

    # Nơi nhận at the left margin, one dash per line, no bullet.
    label = find(page, "Nơi nhận:")
    assert abs(label.x0 - LEFT) < NEAR
    expected = (["- Như trên;"] if type_code == "cong-van" else ["- Công an xã Thạnh Phú;"]) + [
        "- Trường Tiểu học Thạnh Phú;",
        "- Lưu: VT, VP.",
    ]
    lines = [r for r in page if r.top > label.top and r.x1 < LEFT_COLUMN[1]]
    assert [r.text for r in lines] == expected
    assert all(abs(r.x0 - LEFT) < NEAR for r in lines)
    assert not any("•" in t for t in texts)


def test_a_deputy_signs_for_the_chairman_on_behalf_of_the_committee(thanh_phu):
    from congvu.outgoing import services

    # The deputy approves it (what issuance signs is what the signer approved).
    doc = drafted(thanh_phu, type_code="quyet-dinh", subject="Về việc kiện toàn Tổ một cửa")
    services.draft_submit(actor=thanh_phu.specialist, document=doc, reviewers=[])
    services.draft_approve_for_signing(
        actor=thanh_phu.deputy, document=doc, signer_title="Phó Chủ tịch UBND xã"
    )
    doc = services.document_issue(actor=thanh_phu.clerk, document=doc)
    page = runs(render_pdf(doc))
    tm, kt, title, name = (
        find(page, "TM. ỦY BAN NHÂN DÂN"),
        find(page, "KT. CHỦ TỊCH"),
        find(page, "PHÓ CHỦ TỊCH"),
        find(page, "Trần Thị Phó"),
    )
    assert tm.top < kt.top < title.top < name.top
    for run in (tm, kt, title, name):
        assert_centred(run, RIGHT_COLUMN)


def test_the_type_name_and_v_v_are_not_printed_twice(thanh_phu):
    _, pdf = issue(thanh_phu, "cong-van", subject="V/v V/v: báo cáo kết quả tiếp công dân")
    texts = [r.text for r in runs(pdf)]
    assert "V/v báo cáo kết quả tiếp công dân" in texts
    assert not any("V/v V/v" in t for t in texts)

    _, pdf = issue(
        thanh_phu, "quyet-dinh", subject="Quyết định về việc kiện toàn Tổ tiếp công dân xã"
    )
    texts = [r.text for r in runs(pdf)]
    assert "QUYẾT ĐỊNH" in texts and "Về việc kiện toàn Tổ tiếp công dân xã" in texts
    assert not any("Quyết định về" in t for t in texts)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2026, 1, 5), "Thạnh Phú, ngày 05 tháng 01 năm 2026"),
        (datetime.date(2026, 2, 28), "Thạnh Phú, ngày 28 tháng 02 năm 2026"),
        (datetime.date(2026, 3, 7), "Thạnh Phú, ngày 07 tháng 3 năm 2026"),
        (datetime.date(2026, 12, 15), "Thạnh Phú, ngày 15 tháng 12 năm 2026"),
        (datetime.date(2026, 10, 1), "Thạnh Phú, ngày 01 tháng 10 năm 2026"),
    ],
)
def test_place_and_date_line_pads_days_below_10_and_january_february_only(thanh_phu, day, expected):
    _, pdf = issue(thanh_phu, "thong-bao", subject="Lịch tiếp công dân", day=day)
    assert find(runs(pdf), expected)


def test_an_office_writes_its_committee_above_and_the_communes_place(thanh_phu):
    """An office under the committee: "UBND XÃ THẠNH PHÚ" above its own name; place "Thạnh Phú"."""
    office = thanh_phu.office
    PositionFactory(unit=office, deputy=True, title="Phó Chánh Văn phòng")
    doc = issued(
        Commune(
            unit=office,
            office=office,
            specialist=thanh_phu.specialist,
            office_head=PositionFactory(unit=office, role="leader_head", title="Trưởng ban").user,
            leader=thanh_phu.office_head,
            deputy=thanh_phu.deputy,
            clerk=PositionFactory(unit=office, clerk=True).user,
        ),
        type_code="thong-bao",
        subject="Lịch trực cơ quan dịp Tết",
    )
    doc.issued_at = datetime.datetime(2026, 2, 9, 8, 0, tzinfo=TZ)
    doc.authority_prefix = ""  # the helper approves with "TM."; an office's head signs directly
    page = runs(render_pdf(doc))
    parent = find(page, "UBND XÃ THẠNH PHÚ")
    assert_centred(parent, LEFT_COLUMN)
    name_lines = [r for r in page if r.top > parent.top and r.x1 <= LEFT_COLUMN[1]][:3]
    assert " ".join(r.text for r in name_lines).startswith(
        "VĂN PHÒNG HỘI ĐỒNG NHÂN DÂN VÀ ỦY BAN NHÂN DÂN XÃ"
    )
    for run in name_lines:
        assert run.x0 >= LEFT_COLUMN[0] - 1 and run.x1 <= LEFT_COLUMN[1] + 1
    assert find(page, "Thạnh Phú, ngày 09 tháng 02 năm 2026")
    # An office is no collective body: its head signs without "TM.".
    assert not any(r.text.startswith("TM.") for r in page)
    assert find(page, "CHÁNH VĂN PHÒNG")


@pytest.mark.parametrize(
    ("prefix", "title", "expected"),
    [
        ("", "Chủ tịch UBND xã", ["TM. Ủy ban nhân dân", "Chủ tịch"]),
        ("TM.", "Chủ tịch", ["TM. Ủy ban nhân dân", "Chủ tịch"]),
        ("", "Phó Chủ tịch UBND xã", ["TM. Ủy ban nhân dân", "KT. Chủ tịch", "Phó Chủ tịch"]),
        ("KT.", "Phó Chủ tịch", ["TM. Ủy ban nhân dân", "KT. Chủ tịch", "Phó Chủ tịch"]),
        ("Q.", "Phó Chủ tịch UBND xã", ["TM. Ủy ban nhân dân", "Q. Chủ tịch"]),
        ("TL.", "Chánh Văn phòng", ["TL. Chủ tịch", "Chánh Văn phòng"]),
        ("TUQ.", "Chánh Văn phòng", ["TUQ. Chủ tịch", "Chánh Văn phòng"]),
        # The chairman's own competence: no "TM." line for the committee.
        ("CN", "Chủ tịch UBND xã", ["Chủ tịch"]),
        ("CN", "Phó Chủ tịch UBND xã", ["KT. Chủ tịch", "Phó Chủ tịch"]),
    ],
)
def test_signature_lines_of_a_peoples_committee(thanh_phu, prefix, title, expected):
    from congvu.outgoing.printing import signature_lines

    doc = approved(thanh_phu, type_code="quyet-dinh", subject="Về việc kiện toàn Tổ một cửa")
    doc.authority_prefix, doc.signer_title = prefix, title
    assert signature_lines(doc) == expected


def test_signature_lines_of_an_office(thanh_phu):
    from congvu.outgoing.printing import signature_lines

    doc = approved(thanh_phu, type_code="thong-bao", subject="Lịch trực")
    doc.unit = thanh_phu.office
    doc.authority_prefix, doc.signer_title = "", "Phó Chánh Văn phòng"
    assert signature_lines(doc) == ["KT. Chánh Văn phòng", "Phó Chánh Văn phòng"]
    doc.signer_title = "Chánh Văn phòng"
    assert signature_lines(doc) == ["Chánh Văn phòng"]
