"""Dates and times as edXML writes them (yyyy/MM/dd, yyyy/MM/dd HH:mm:ss, Vietnam time).

Real senders also write ISO dates or dd/MM/yyyy; those are read too.
"""

from __future__ import annotations

import datetime
import zoneinfo

VIETNAM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")

_DATE_FORMATS = ("%Y/%m/%d", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")
_TIME_FORMATS = (
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y %H:%M:%S",
)


def format_date(value: datetime.date) -> str:
    return f"{value.year:04d}/{value.month:02d}/{value.day:02d}"


def format_timestamp(value: datetime.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(VIETNAM)
    return value.strftime("%Y/%m/%d %H:%M:%S")


def parse_date(text: str) -> datetime.date | None:
    """A date, or None when ``text`` is none of the known forms."""
    text = text.strip()
    # A timestamp where a date is expected: keep the date.
    head = text.split(" ")[0].split("T")[0]
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(head, fmt).date()
        except ValueError:
            continue
    return None


def parse_timestamp(text: str) -> datetime.datetime | None:
    """An aware time; a time without offset is Vietnam time."""
    text = text.strip()
    try:
        value = datetime.datetime.fromisoformat(text)
    except ValueError:
        value = None
        for fmt in _TIME_FORMATS:
            try:
                value = datetime.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        if value is None:
            day = parse_date(text)
            if day is None:
                return None
            value = datetime.datetime(day.year, day.month, day.day)
    if value.tzinfo is None:
        value = value.replace(tzinfo=VIETNAM)
    return value
