"""Channels (cách thức thực hiện): channel name, time cell, fees, same-day cut-off."""

from __future__ import annotations

import re
from datetime import time
from decimal import Decimal, InvalidOperation

from django.conf import settings

from ..constants import Channel, DurationUnit
from .base import NO_INFO, Flag, ParsedChannel

# --- Channels × time × fee ------------------------------------------------------------------

CHANNEL_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
_CHANNEL_NAMES = {
    "Trực tiếp": Channel.DIRECT,
    "Trực tuyến": Channel.ONLINE,
    "Dịch vụ bưu chính": Channel.POSTAL,
    "Dịch vụ bưu chính công ích": Channel.POSTAL,
}
# A channel cell is only a channel when a time cell follows it: descriptions
# also say "Trực tuyến qua Cổng dịch vụ công…" or "- Trực tiếp tại…".
_CHANNEL_START = re.compile(
    r"(Dịch vụ bưu chính công ích|Dịch vụ bưu chính|Trực tiếp|Trực tuyến)"
    r"(?=\s*(?:\d|Không có thông tin|Trong ngày|trong ngày))"
)
_TIME_CELL = re.compile(
    r"^\s*(?:(?P<none>Không có thông tin)|(?P<same>[Tt]rong ngày)"
    r"|(?P<value>\d+(?:[.,]\d+)?)\s*(?P<unit>Ngày làm việc|Ngày|Giờ làm việc|Giờ|Tháng|Năm|Tuần)?)"
)
_AMOUNT = r"(?P<amount>\d{1,3}(?:[.,]\d{3})+|\d+)"
_FEE_ITEM = re.compile(
    r"(?:(?P<label>Lệ phí|Phí)\s*:?\s*)?"
    + _AMOUNT
    + r"\s*(?:Việt Nam\s*)?(?:Đồng|đồng|VNĐ|VND|đ\b)"
)
_CUTOFF = re.compile(r"sau\s+(\d{1,2})\s*(?:giờ|h|g)\s*(\d{2})?", re.IGNORECASE)


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


def _split_fee(rest: str, flags: set[str]) -> tuple[str, int | None, list[tuple[str, int]], str]:
    """(fee_text, total amount, [(name, amount)], description) from the cells after the time."""
    rest = rest.strip()
    if rest.startswith(NO_INFO):
        flags.add(Flag.FEE_MISSING)
        return "", None, [], rest[len(NO_INFO) :].strip()
    if rest.startswith("Miễn phí"):
        fee_text, rest = "Miễn phí", rest[len("Miễn phí") :]
        note, rest = _leading_parenthesis(rest)
        if note:
            fee_text += note
        if "hội đồng nhân dân" in (note or "").lower():
            flags.add(Flag.FEE_SET_LOCALLY)
        return fee_text, 0, [], rest.strip()
    items: list[tuple[str, int]] = []
    pos = 0
    while True:
        match = _FEE_ITEM.match(rest, pos)
        if not match:
            break
        items.append((match.group("label") or "Lệ phí", _amount(match.group("amount"))))
        pos = match.end()
        note, after = _leading_parenthesis(rest[pos:])
        pos = len(rest) - len(after)
        while pos < len(rest) and rest[pos] in " ,;+":
            pos += 1
    if not items:
        flags.add(Flag.FEE_UNPARSED)
        return rest, None, [], ""
    return rest[:pos].strip(), sum(a for _, a in items), items, rest[pos:].strip()


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
        time_match = _TIME_CELL.match(cell)
        value, unit = _duration(time_match, flags)
        rest = cell[time_match.end() :] if time_match else cell
        fee_text, fee_amount, fees, description = _split_fee(rest, flags)
        description = description.strip()
        cutoff = _CUTOFF.search(description)
        if cutoff and "trong ngày" in description.lower():
            unit, value = DurationUnit.SAME_DAY, Decimal(1)
        channels.append(
            ParsedChannel(
                channel=_CHANNEL_NAMES[start.group(1)],
                duration_value=value,
                duration_unit=unit,
                fee_text=fee_text,
                fee_amount=fee_amount,
                fees=fees,
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
