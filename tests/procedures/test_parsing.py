"""The parser on real records of the national database and on the shapes it must read."""

import json
from datetime import time
from decimal import Decimal

import pytest

from congvu.procedures.constants import Channel, DurationUnit, OnlineLevel, PaperForm
from congvu.procedures.parsing import (
    ALL_FLAGS,
    Flag,
    ParsedFee,
    RecordRejected,
    parse_channels,
    parse_legal_bases,
    parse_papers,
    parse_record,
)

from .conftest import SAMPLE


def _records():
    return {r["ma_thu_tuc"]: r for r in map(json.loads, SAMPLE.read_text("utf-8").splitlines())}


@pytest.fixture(scope="module")
def records():
    return _records()


def test_mobile_birth_registration_is_parsed_fully(records):
    parsed = parse_record(records["1.003583"])
    assert parsed.name == "Thủ tục đăng ký khai sinh lưu động"
    assert parsed.field_name == "Hộ tịch"
    assert parsed.levels == ["Cấp xã"]
    assert parsed.parsed_fully and parsed.flags == []
    assert [
        (c.channel, c.duration_value, c.duration_unit, c.fee_amount) for c in parsed.channels
    ] == [(Channel.DIRECT, Decimal(5), DurationUnit.WORKING_DAYS, 0)]
    assert (parsed.duration_value, parsed.duration_unit) == (Decimal(5), DurationUnit.WORKING_DAYS)
    # Only a direct channel: not online.
    assert parsed.online_level == OnlineLevel.NOT_ONLINE
    first = parsed.papers[0]
    assert first.name.startswith("Bản chính Giấy chứng sinh")
    assert (first.form, first.count, first.required) == (PaperForm.ORIGINAL, 1, True)
    assert parsed.papers[1].name == "Tờ khai đăng ký khai sinh theo mẫu"
    # Conditional papers and notes with count 0 are not required online.
    assert not any(p.required for p in parsed.papers if p.name.startswith("Trường hợp"))
    assert all(not p.required for p in parsed.papers if "xuất trình" in p.section)
    assert parsed.legal_bases[0] == {
        "name": (
            "Thông tư sửa đổi, bổ sung một số điều của Thông tư số 85/2019/TT-BTC ngày 29/11/2019 "
            "của Bộ Tài chính hướng dẫn về phí và lệ phí thuộc thẩm quyền quyết định của Hội đồng "
            "nhân dân tỉnh, thành phố trực thuộc Trung ương"
        ),
        "number": "106/2021/TT-BTC",
    }
    assert {"name": "Luật 60/2014/QH13", "number": "60/2014/QH13"} in parsed.legal_bases
    assert len(parsed.source_hash) == 64


def test_death_registration_bare_numbers_and_local_fee_are_flagged(records):
    parsed = parse_record(records["1.000656"])
    assert [c.channel for c in parsed.channels] == [Channel.ONLINE, Channel.POSTAL, Channel.DIRECT]
    assert parsed.duration_value == Decimal(1)
    assert parsed.online_level == OnlineLevel.PARTIAL
    assert Flag.DURATION_UNIT_MISSING in parsed.flags
    assert Flag.FEE_SET_LOCALLY in parsed.flags
    assert not parsed.parsed_fully


def test_certification_fees_in_dong_and_missing_time(records):
    parsed = parse_record(records["2.001406"])
    assert {c.fee_amount for c in parsed.channels} == {50_000}
    assert parsed.channels[0].fee_text == "50,000 Việt Nam Đồng(/văn bản)"
    assert parsed.duration_value is None
    assert Flag.DURATION_MISSING in parsed.flags


def test_hours_and_missing_fee(records):
    parsed = parse_record(records["2.001159"])
    assert (parsed.duration_value, parsed.duration_unit) == (Decimal(1), DurationUnit.WORKING_HOURS)
    assert Flag.FEE_MISSING in parsed.flags
    # A description saying "- Trực tiếp tại…" is not a channel.
    assert [c.channel for c in parsed.channels] == [Channel.ONLINE, Channel.DIRECT]
    assert {"name": "Luật Cư trú 2020", "number": "68/2020/QH14"} in parsed.legal_bases


def test_times_differing_by_channel_take_the_shortest(records):
    parsed = parse_record(records["1.013953"])
    times = {c.channel: c.duration_value for c in parsed.channels}
    assert times == {Channel.ONLINE: 7, Channel.POSTAL: 7, Channel.DIRECT: 17}
    assert parsed.duration_value == Decimal(7)
    assert Flag.DURATION_DIFFERS_BY_CHANNEL in parsed.flags
    assert Flag.DURATION_PLAIN_DAYS in parsed.flags


def test_template_file_names_are_split_from_paper_names(records):
    parsed = parse_record(records["2.002349"])
    paper = next(p for p in parsed.papers if p.template_name == "1.nxinnhnconnui.doc")
    assert paper.name == "Đơn xin nhận con nuôi"


def test_copies_and_multiple_forms(records):
    parsed = parse_record(records["1.001570"])
    copies = [p for p in parsed.papers if p.form == PaperForm.CERTIFIED_COPY]
    assert copies and all(p.count == 1 for p in copies)
    assert not any(p.required for p in copies)  # "ủy quyền" section


def test_fee_labels_with_dots_and_same_day_cutoff():
    flags = set()
    raw = (
        "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếpTrong ngàyLệ phí : 8.000 Đồng"
        "Trong ngày làm việc; trường hợp nhận sau 15 giờ thì trả trong ngày làm việc tiếp theo."
    )
    [channel] = parse_channels(raw, flags)
    assert channel.fees == [ParsedFee("Lệ phí", 8000)]
    assert channel.fee_amount == 8000
    assert channel.duration_unit == DurationUnit.SAME_DAY
    record = {
        "ma_thu_tuc": "9.000001",
        "ten_thu_tuc": "Thử",
        "linh_vuc": "Chứng thực",
        "cap_thuc_hien": "Cấp xã",
        "cach_thuc_thuc_hien_raw": raw,
    }
    parsed = parse_record(record)
    assert parsed.duration_unit == DurationUnit.SAME_DAY
    assert parsed.same_day_cutoff == time(15, 0)


def test_two_fees_add_up():
    flags = set()
    [channel] = parse_channels(
        "Trực tiếp3 Ngày làm việcLệ phí : 8.000 ĐồngPhí : 2.000 Đồng(bản sao)Ghi chú", flags
    )
    assert channel.fees == [ParsedFee("Lệ phí", 8000), ParsedFee("Phí", 2000)]
    assert channel.fee_amount == 10_000
    assert channel.description == "Ghi chú"


def test_unreadable_parts_are_flagged_not_raised():
    flags = set()
    assert parse_channels("Nộp tại bộ phận một cửa", flags) == []
    assert Flag.CHANNELS_UNPARSED in flags
    assert parse_papers("Đơn đề nghị", flags) == []
    assert Flag.PAPERS_UNPARSED in flags
    assert parse_legal_bases("Luật Hộ tịch", flags) == [{"name": "Luật Hộ tịch", "number": ""}]
    assert Flag.LEGAL_BASES_UNPARSED in flags
    assert flags <= set(ALL_FLAGS)


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ([], "not_an_object"),
        ({"ten_thu_tuc": "Thử"}, "code_missing"),
        ({"ma_thu_tuc": "Không có thông tin", "ten_thu_tuc": "Thử"}, "code_missing"),
        ({"ma_thu_tuc": "1 2 3", "ten_thu_tuc": "Thử"}, "code_invalid"),
        ({"ma_thu_tuc": "1.000001", "ten_thu_tuc": ""}, "name_missing"),
        ({"ma_thu_tuc": 12, "ten_thu_tuc": "Thử"}, "code_missing"),
    ],
)
def test_unusable_records_are_rejected_with_a_reason(record, reason):
    with pytest.raises(RecordRejected) as info:
        parse_record(record)
    assert info.value.reason == reason
