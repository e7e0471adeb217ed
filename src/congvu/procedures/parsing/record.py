"""The whole record: every part parsed, the version's legal time and online level."""

from __future__ import annotations

import re
from decimal import Decimal

from django.conf import settings

from ..constants import Channel, DurationUnit, OnlineLevel
from .base import (
    CODE_RE,
    NO_INFO,
    Flag,
    ParsedChannel,
    ParsedRecord,
    RecordRejected,
    clean,
    source_hash,
)
from .channels import parse_channels, same_day_cutoff
from .legal import parse_legal_bases
from .papers import parse_papers

# --- The whole record -----------------------------------------------------------------------

_RESULT_NOISE = re.compile(r"Từ khóa.*$", re.DOTALL)


def parse_record(record) -> ParsedRecord:
    """Parse one decoded JSON value; raises :class:`RecordRejected` for unusable records."""
    if not isinstance(record, dict):
        raise RecordRejected("not_an_object")
    raw_code = record.get("ma_thu_tuc")
    code = clean(raw_code) if isinstance(raw_code, str) else ""
    if not code:
        raise RecordRejected("code_missing")
    if not CODE_RE.match(code):
        raise RecordRejected("code_invalid", code[:40])
    name = clean(record.get("ten_thu_tuc"))
    if not name:
        raise RecordRejected("name_missing")
    flags: set[str] = set()
    field_name = clean(record.get("linh_vuc"))[:255]
    if not field_name:
        flags.add(Flag.FIELD_MISSING)
    levels = [lv.strip() for lv in clean(record.get("cap_thuc_hien")).split(",") if lv.strip()]
    if not levels:
        flags.add(Flag.LEVELS_MISSING)
    channels = parse_channels(_text(record.get("cach_thuc_thuc_hien_raw")), flags)
    papers = parse_papers(_text(record.get("thanh_phan_ho_so_raw")), flags)
    legal = parse_legal_bases(_text(record.get("can_cu_phap_ly_raw")), flags)
    value, unit = _version_duration(channels, flags)
    cutoff = same_day_cutoff(_text(record.get("cach_thuc_thuc_hien_raw")))
    if unit != DurationUnit.SAME_DAY:
        cutoff = None
    online = OnlineLevel.NOT_ONLINE
    if any(c.channel == Channel.ONLINE for c in channels):
        configured = getattr(settings, "CONGVU_IMPORT_ONLINE_CHANNEL_LEVEL", OnlineLevel.PARTIAL)
        online = configured if configured in OnlineLevel.values else OnlineLevel.PARTIAL
    results = _RESULT_NOISE.sub("", _text(record.get("ket_qua_xu_ly_raw"))).strip()
    return ParsedRecord(
        code=code,
        name=name,
        field_name=field_name,
        levels=levels,
        kind=clean(record.get("loai_thu_tuc"))[:255],
        decision=clean(record.get("so_quyet_dinh"))[:100],
        applicants=clean(record.get("doi_tuong_thuc_hien")),
        competent_body=clean(record.get("co_quan_co_tham_quyen")),
        executing_body=clean(record.get("co_quan_thuc_hien")),
        steps_text=_text(record.get("trinh_tu_thuc_hien")).strip(),
        conditions=clean(record.get("yeu_cau_dieu_kien")),
        results=results if results != NO_INFO else "",
        legal_bases=legal,
        channels=channels,
        papers=papers,
        online_level=online,
        duration_value=value,
        duration_unit=unit,
        same_day_cutoff=cutoff,
        raw=record,
        source_hash=source_hash(record),
        flags=sorted(flags),
    )


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _version_duration(channels: list[ParsedChannel], flags: set[str]):
    """The legal time of the version: the channels' common time, else the shortest.

    Taking the shortest when channels differ never lets a dossier's deadline
    exceed what the law allows for its channel; the per-channel times stay on
    the channel rows (see selectors.legal_duration).
    """
    known = [(c.duration_value, c.duration_unit) for c in channels if c.duration_value is not None]
    if not known:
        return None, DurationUnit.WORKING_DAYS
    if len(set(known)) > 1:
        flags.add(Flag.DURATION_DIFFERS_BY_CHANNEL)
    return min(known, key=lambda vu: legal_hours_of(vu[0], vu[1]))


def legal_hours_of(value: Decimal | None, unit: str) -> Decimal | None:
    """A legal time in working hours (same day = one working day)."""
    per_day = Decimal(getattr(settings, "CONGVU_WORKING_HOURS_PER_DAY", 8))
    if unit == DurationUnit.SAME_DAY:
        return per_day
    if value is None:
        return None
    if unit == DurationUnit.WORKING_HOURS:
        return Decimal(value)
    return Decimal(value) * per_day
