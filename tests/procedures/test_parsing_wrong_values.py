"""Values the importer used to store wrong (issue 11): a doubtful field is stored empty, never guessed.

Real records of the shipped sample where the sample has the case (temporary
exemption 1.013239; counts glued to the paper name in 1.013952, 3.000226 and
1.013226); the shapes the 40-record sample lacks (an empty time cell before
the fee, "giảm 50% lệ phí từ … đến …", USD, "(01 bản chính hoặc …)", "N Ngày
làm việc" with a same-day description) are the strings quoted from the
national database in the issue, inside the sample's table layout.
"""

import datetime
import json
from decimal import Decimal

import pytest

from congvu.procedures.constants import Channel, DurationUnit, OnlineLevel, PaperForm
from congvu.procedures.importer import import_lines
from congvu.procedures.models import Fee, Procedure
from congvu.procedures.parsing import Flag, ParsedFee, parse_channels, parse_papers, parse_record

from .conftest import IMPORT_DAY, SAMPLE

HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
PAPERS = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"


@pytest.fixture(scope="module")
def records():
    return {r["ma_thu_tuc"]: r for r in map(json.loads, SAMPLE.read_text("utf-8").splitlines())}


def _record(channels: str = "", papers: str = "", code: str = "9.000001") -> dict:
    return {
        "ma_thu_tuc": code,
        "ten_thu_tuc": "Thủ tục thử",
        "linh_vuc": "Chứng thực",
        "cap_thuc_hien": "Cấp xã",
        "cach_thuc_thuc_hien_raw": HEADER + channels,
        "thanh_phan_ho_so_raw": papers,
    }


# --- Time ---------------------------------------------------------------------------------------


def test_an_empty_time_cell_leaves_the_time_empty_and_keeps_the_fee():
    flags = set()
    [online] = parse_channels(HEADER + "Trực tuyến120,000 VNĐ", flags)
    assert online.channel == Channel.ONLINE
    assert online.duration_value is None  # was 120 working days
    assert online.fee_amount == 120_000
    assert online.fees == [ParsedFee("Lệ phí", 120_000)]
    assert Flag.DURATION_MISSING in flags and Flag.DURATION_UNIT_MISSING not in flags


def test_a_channel_with_an_empty_time_cell_is_still_a_channel():
    parsed = parse_record(_record("Trực tuyếnMiễn phíTrực tiếp3 Ngày làm việcMiễn phí"))
    assert [c.channel for c in parsed.channels] == [Channel.ONLINE, Channel.DIRECT]
    assert parsed.online_level == OnlineLevel.PARTIAL  # was "not online"
    assert (parsed.duration_value, parsed.duration_unit) == (
        Decimal(3),
        DurationUnit.WORKING_DAYS,
    )


def test_working_days_are_not_turned_into_same_day_by_the_description():
    parsed = parse_record(
        _record(
            "Trực tiếp3 Ngày làm việcMiễn phíTrường hợp nhận hồ sơ sau 15 giờ thì trả kết "
            "quả trong ngày làm việc tiếp theo."
        )
    )
    [direct] = parsed.channels
    assert (direct.duration_value, direct.duration_unit) == (
        Decimal(3),
        DurationUnit.WORKING_DAYS,
    )
    assert parsed.duration_unit == DurationUnit.WORKING_DAYS
    assert parsed.same_day_cutoff is None


# --- Fees ---------------------------------------------------------------------------------------


def test_a_temporary_exemption_is_stored_with_its_period(records):
    parsed = parse_record(records["1.013239"])
    fees = {c.channel: c.fees for c in parsed.channels}
    limited = ParsedFee(
        "Lệ phí",
        0,
        valid_from=datetime.date(2025, 7, 1),
        valid_to=datetime.date(2026, 12, 31),
    )
    assert fees[Channel.ONLINE] == [limited]
    assert fees[Channel.POSTAL] == [limited]
    # The direct channel's cell says "Miễn phí" with no period.
    assert fees[Channel.DIRECT] == [ParsedFee("Lệ phí", 0)]


def test_a_fee_the_province_sets_is_stored_empty_not_as_free(records):
    parsed = parse_record(records["1.000656"])
    assert Flag.FEE_SET_LOCALLY in parsed.flags
    for channel in parsed.channels:
        assert channel.fees == [] and channel.fee_amount is None  # was 0 ("Miễn phí")
        assert "Hội đồng nhân dân" in channel.fee_text


def test_a_temporary_reduction_is_stored_with_its_period():
    flags = set()
    [direct] = parse_channels(
        HEADER + "Trực tiếp5 Ngày làm việcLệ phí : 100.000 Đồng(Giảm 50% lệ phí từ ngày "
        "01/7/2025 đến hết ngày 31/12/2026)",
        flags,
    )
    assert direct.fees == [
        ParsedFee(
            "Lệ phí",
            100_000,
            reduction_percent=50,
            reduction_from=datetime.date(2025, 7, 1),
            reduction_to=datetime.date(2026, 12, 31),
        )
    ]
    assert not flags


def test_a_reduction_without_a_period_leaves_the_fee_unread():
    flags = set()
    [direct] = parse_channels(
        HEADER + "Trực tiếp5 Ngày làm việcLệ phí : 100.000 Đồng(Giảm 50% lệ phí)", flags
    )
    assert direct.fees == [] and direct.fee_amount is None
    assert Flag.FEE_PERIOD_UNPARSED in flags


def test_a_fee_in_usd_keeps_its_currency():
    flags = set()
    [direct] = parse_channels(HEADER + "Trực tiếp15 Ngày làm việc30 USD", flags)
    assert direct.fees == [ParsedFee("Lệ phí", 30, "USD")]
    assert direct.fee_amount is None  # not a total in đồng
    assert Flag.FEE_UNPARSED not in flags


# --- Papers -------------------------------------------------------------------------------------


def test_a_count_in_parentheses_does_not_split_the_paper():
    flags = set()
    papers = parse_papers(
        PAPERS + "Giấy khai sinh (01 bản chính hoặc 01 bản sao có chứng thực)1 bản chính"
        "Tờ khai theo mẫu1 bản chính",
        flags,
    )
    assert [(p.name, p.count, p.form) for p in papers] == [
        (
            "Giấy khai sinh (01 bản chính hoặc 01 bản sao có chứng thực)",
            1,
            PaperForm.ORIGINAL,
        ),
        ("Tờ khai theo mẫu", 1, PaperForm.ORIGINAL),
    ]


@pytest.mark.parametrize(
    ("code", "name_ends", "count", "form"),
    [
        ("1.013952", "theo Mẫu số 12", 1, PaperForm.ORIGINAL),
        ("3.000226", "theo mẫu BM.NCC.20.03", 1, PaperForm.ORIGINAL),
        ("1.013226", "Luật Đất đai năm 2024", 1, PaperForm.CERTIFIED_COPY),
    ],
)
def test_digits_glued_to_the_count_go_back_to_the_name(records, code, name_ends, count, form):
    parsed = parse_record(records[code])
    matching = [p for p in parsed.papers if p.name.endswith(name_ends)]
    assert matching
    assert all((p.count, p.form) == (count, form) for p in matching)
    assert all(p.count < 10 for p in parsed.papers)


def test_a_template_file_name_does_not_swallow_the_document_number(records):
    [paper, *_rest] = parse_record(records["1.010039"]).papers
    assert paper.name.endswith("Thông tư số 53/2025/TT-BCA)")
    assert paper.template_name == "1.MuCT01banhnhkmtheoThngts53 (2).doc"


# --- Stored -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_stored_fees_carry_currency_period_and_reduction(records):
    lines = [
        json.dumps(records["1.013239"], ensure_ascii=False),
        json.dumps(_record("Trực tiếp15 Ngày làm việc30 USD", code="9.000002"), ensure_ascii=False),
        json.dumps(
            _record(
                "Trực tiếp5 Ngày làm việcLệ phí : 100.000 Đồng(Giảm 50% lệ phí từ ngày "
                "01/7/2025 đến hết ngày 31/12/2026)",
                code="9.000003",
            ),
            ensure_ascii=False,
        ),
        json.dumps(_record("Trực tuyến120,000 VNĐ", code="9.000004"), ensure_ascii=False),
    ]
    report = import_lines(lines, effective_date=IMPORT_DAY)
    assert len(report.created) == 4 and not report.rejected

    online = Fee.objects.get(version__procedure__code="1.013239", channel=Channel.ONLINE)
    assert (online.amount, online.valid_from, online.valid_to) == (
        0,
        datetime.date(2025, 7, 1),
        datetime.date(2026, 12, 31),
    )
    assert online.amount_on(datetime.date(2026, 12, 31)) == 0
    assert online.amount_on(datetime.date(2027, 1, 1)) is None  # not known after the period

    usd = Fee.objects.get(version__procedure__code="9.000002")
    assert (usd.amount, usd.currency) == (30, "USD")

    reduced = Fee.objects.get(version__procedure__code="9.000003")
    assert (reduced.amount, reduced.currency, reduced.reduction_percent) == (100_000, "VND", 50)
    assert reduced.amount_on(datetime.date(2026, 1, 1)) == 50_000
    assert reduced.amount_on(datetime.date(2027, 1, 1)) == 100_000

    version = Procedure.objects.get(code="9.000004").versions.get()
    assert version.duration_value is None
    assert version.online_level == OnlineLevel.PARTIAL
    assert list(version.fees.values_list("amount", "currency")) == [(120_000, "VND")]


@pytest.mark.django_db
def test_public_page_shows_the_period_of_a_temporary_exemption(client, imported):
    from django.urls import reverse

    body = client.get(reverse("procedures:detail", args=["1.013239"])).content.decode()
    assert "Áp dụng từ 01/07/2025 đến hết 31/12/2026" in body
    # A fee set by the province is shown as the source's words, not as free.
    body = client.get(reverse("procedures:detail", args=["1.000656"])).content.decode()
    assert "Mức lệ phí cụ thể do Hội đồng nhân dân tỉnh" in body
    assert not Fee.objects.filter(version__procedure__code="1.000656").exists()
