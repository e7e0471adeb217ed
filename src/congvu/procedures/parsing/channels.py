"""Channels (cách thức thực hiện): channel name, time cell, fees, same-day cut-off."""

from __future__ import annotations

import re
from datetime import date, time
from decimal import Decimal, InvalidOperation

from django.conf import settings

from ..constants import Channel, DurationUnit
from .base import NO_INFO, Flag, ParsedChannel, ParsedFee

# --- Channels × time × fee ------------------------------------------------------------------

CHANNEL_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
_CHANNEL_NAMES = {
    "Trực tiếp": Channel.DIRECT,
    "Trực tuyến": Channel.ONLINE,
    "Dịch vụ bưu chính": Channel.POSTAL,
    "Dịch vụ bưu chính công ích": Channel.POSTAL,
}
# A channel cell is only a channel when a time cell follows it: descriptions
# also say "Trực tuyến qua Cổng dịch vụ công…" or "- Trực tiếp tại…". The time
# cell may be empty in the source, so a fee cell right after the name counts too
# ("Trực tuyếnMiễn phí", "Trực tuyến120,000 VNĐ").
_CHANNEL_START = re.compile(
    r"(Dịch vụ bưu chính công ích|Dịch vụ bưu chính|Trực tiếp|Trực tuyến)"
    r"(?=\s*(?:\d|Không có thông tin|Trong ngày|trong ngày|Miễn phí|Lệ phí|Phí\s*:))"
)
_TIME_CELL = re.compile(
    r"^\s*(?:(?P<none>Không có thông tin)|(?P<same>[Tt]rong ngày)"
    r"|(?P<value>\d+(?:[.,]\d+)?)\s*(?P<unit>Ngày làm việc|Ngày|Giờ làm việc|Giờ|Tháng|Năm|Tuần)?)"
)
_AMOUNT = r"(?P<amount>\d{1,3}(?:[.,]\d{3})+|\d+)"
_CURRENCIES = {
    "Đồng": "VND",
    "đồng": "VND",
    "VNĐ": "VND",
    "VND": "VND",
    "đ": "VND",
    "USD": "USD",
    "Đô la Mỹ": "USD",
    "đô la Mỹ": "USD",
}
_FEE_ITEM = re.compile(
    r"(?:(?P<label>Lệ phí|Phí)\s*:?\s*)?"
    + _AMOUNT
    + r"\s*(?:Việt Nam\s*)?(?P<currency>Đồng|đồng|VNĐ|VND|đ\b|USD|Đô la Mỹ|đô la Mỹ)"
)
# An empty time cell: the fee cell starts right after the channel name.
_FEE_CELL = re.compile(r"\s*(?:Miễn phí|Lệ phí|Phí\s*:)|" + _FEE_ITEM.pattern)
_CUTOFF = re.compile(r"sau\s+(\d{1,2})\s*(?:giờ|h|g)\s*(\d{2})?", re.IGNORECASE)
_DATE = r"(\d{1,2})/(\d{1,2})/(\d{4})"
_PERIOD = re.compile(
    r"[Tt]ừ\s+(?:ngày\s+)?" + _DATE + r"\s*(?:đến|tới)\s+(?:hết\s+)?(?:ngày\s+)?" + _DATE
)
_REDUCTION = re.compile(r"[Gg]iảm\s+(\d{1,3}(?:[.,]\d+)?)\s*%\s*(?:mức\s+thu\s+)?(lệ phí|phí)?")


def _amount(text: str) -> int:
    return int(re.sub(r"[.,]", "", text))


def _duration(match, flags: set[str]) -> tuple[Decimal | None, str]:
    if match is None or match.group("none"):
        flags.add(Flag.DURATION_MISSING)
        return None, DurationUnit.WORKING_DAYS
    if match.group("same"):
        return Decimal(1), DurationUnit.SAME_DAY
    try:
        value = Decimal(match.group("value").replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the regex admits only digits
        flags.add(Flag.DURATION_MISSING)
        return None, DurationUnit.WORKING_DAYS
    unit = match.group("unit")
    if unit == "Ngày làm việc":
        return value, DurationUnit.WORKING_DAYS
    if unit in ("Giờ làm việc", "Giờ"):
        return value, DurationUnit.WORKING_HOURS
    if unit == "Ngày":
        # "N Ngày" may be calendar days; read as working days only by setting, always flagged.
        flags.add(Flag.DURATION_PLAIN_DAYS)
        if getattr(settings, "CONGVU_IMPORT_PLAIN_DAYS_AS_WORKING_DAYS", True):
            return value, DurationUnit.WORKING_DAYS
        return None, DurationUnit.WORKING_DAYS
    if unit is None:
        flags.add(Flag.DURATION_UNIT_MISSING)
        return value, DurationUnit.WORKING_DAYS
    flags.add(Flag.DURATION_UNIT_UNKNOWN)
    return None, DurationUnit.WORKING_DAYS


def _split_fee(rest: str, flags: set[str]) -> tuple[str, list[ParsedFee] | None, str]:
    """(fee_text, fee items or None when unread, description) from the cells after the time."""
    rest = rest.strip()
    if rest.startswith(NO_INFO):
        flags.add(Flag.FEE_MISSING)
        return "", None, rest[len(NO_INFO) :].strip()
    if rest.startswith("Miễn phí"):
        fee_text, rest = "Miễn phí", rest[len("Miễn phí") :]
        note, rest = _leading_parenthesis(rest)
        if note:
            fee_text += note
        if "hội đồng nhân dân" in (note or "").lower():
            # "Miễn phí" with the note that the province sets the amount: the fee
            # is not known here, so it is stored empty (the text stays).
            flags.add(Flag.FEE_SET_LOCALLY)
            return fee_text, None, rest.strip()
        return fee_text, [ParsedFee("Lệ phí", 0)], rest.strip()
    items: list[ParsedFee] = []
    pos = 0
    while True:
        match = _FEE_ITEM.match(rest, pos)
        if not match:
            break
        currency = _CURRENCIES.get(match.group("currency"), "VND")
        items.append(
            ParsedFee(match.group("label") or "Lệ phí", _amount(match.group("amount")), currency)
        )
        pos = match.end()
        note, after = _leading_parenthesis(rest[pos:])
        pos = len(rest) - len(after)
        while pos < len(rest) and rest[pos] in " ,;+":
            pos += 1
    if not items:
        flags.add(Flag.FEE_UNPARSED)
        return rest, None, ""
    return rest[:pos].strip(), items, rest[pos:].strip()


def _date(day: str, month: str, year: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _apply_periods(fees: list[ParsedFee], fee_text: str, description: str, flags: set[str]):
    """Temporary reductions and exemptions named beside the fee, with their period.

    "Giảm 50% lệ phí từ 01/7/2025 đến hết 31/12/2026" keeps the stated amount
    and records the reduction; "Miễn phí (Từ ngày 01/7/2025 đến hết ngày
    31/12/2026 áp dụng…)" limits the stated amount to the period, outside of
    which the fee is unknown. Returns the fees, or None when a reduction is
    named but cannot be tied to an item and a period (the fee is then unread).
    """
    texts = [fee_text]
    if "phí" in description.lower():
        texts.append(description)
    for text in texts:
        reduction = _REDUCTION.search(text)
        period = _PERIOD.search(text)
        if reduction is None and period is None:
            continue
        start = _date(*period.groups()[:3]) if period else None
        end = _date(*period.groups()[3:]) if period else None
        if period and (start is None or end is None or end < start):
            flags.add(Flag.FEE_PERIOD_UNPARSED)
            return None
        if reduction is None:
            if text is not fee_text:
                continue  # a period in the description need not be about the fee
            for fee in fees:
                fee.valid_from, fee.valid_to = start, end
            return fees
        percent = Decimal(reduction.group(1).replace(",", "."))
        word = (reduction.group(2) or "").lower()
        targets = [f for f in fees if not word or f.name.lower() == word] if fees else []
        if period is None or not targets or percent > 100 or percent != int(percent):
            flags.add(Flag.FEE_PERIOD_UNPARSED)
            return None
        for fee in targets:
            fee.reduction_percent = int(percent)
            fee.reduction_from, fee.reduction_to = start, end
        return fees
    return fees


def _leading_parenthesis(text: str) -> tuple[str, str]:
    """Split a leading balanced "(…)" from ``text``."""
    if not text.startswith("("):
        return "", text
    depth = 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0:
            return text[: i + 1], text[i + 1 :]
    return text, ""


def parse_channels(raw: str, flags: set[str]) -> list[ParsedChannel]:
    text = (raw or "").strip()
    if not text or text == NO_INFO:
        flags.add(Flag.CHANNELS_MISSING)
        return []
    if text.startswith(CHANNEL_HEADER):
        text = text[len(CHANNEL_HEADER) :]
    starts = list(_CHANNEL_START.finditer(text))
    if not starts or text[: starts[0].start()].strip():
        flags.add(Flag.CHANNELS_UNPARSED)
        if not starts:
            return []
    channels: list[ParsedChannel] = []
    for i, start in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        cell = text[start.end() : end]
        if _FEE_CELL.match(cell):
            # Empty time cell: the number that follows is a fee, never a time.
            time_match, rest = None, cell
        else:
            time_match = _TIME_CELL.match(cell)
            rest = cell[time_match.end() :] if time_match else cell
        value, unit = _duration(time_match, flags)
        fee_text, fees, description = _split_fee(rest, flags)
        description = description.strip()
        if fees is not None:
            fees = _apply_periods(fees, fee_text, description, flags)
        # The time cell alone says "same day": a description mentioning a
        # same-day cut-off does not turn "N Ngày làm việc" into one day.
        vnd = [f.amount for f in fees or [] if f.currency == "VND"]
        total = sum(vnd) if fees is not None and len(vnd) == len(fees) else None
        channels.append(
            ParsedChannel(
                channel=_CHANNEL_NAMES[start.group(1)],
                duration_value=value,
                duration_unit=unit,
                fee_text=fee_text,
                fee_amount=total,
                fees=fees or [],
                description=description,
            )
        )
    return channels


def same_day_cutoff(raw: str) -> time | None:
    """The "nhận sau 15 giờ" cut-off named in the text, if it speaks of a same-day result."""
    text = raw or ""
    if "trong ngày" not in text.lower():
        return None
    match = _CUTOFF.search(text)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)
