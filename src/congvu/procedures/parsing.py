"""Parsing one record of the national procedure database (tthc-sample.jsonl shape).

Pure functions, no database: :func:`parse_record` turns a decoded JSON object
into a :class:`ParsedRecord` or raises :class:`RecordRejected`. The source
flattened its tables into strings without separators, so each parser relies
on the few markers that are reliable (column headers, channel names followed
by a time cell, "N bản chính" counts, document numbers like 123/2015/NĐ-CP)
and records a *flag* (a stable code of :class:`Flag`) wherever it had to
guess. A flagged record keeps everything it parsed plus the raw text.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal, InvalidOperation

from django.conf import settings

from congvu.core.text import fold

from .constants import Channel, DurationUnit, OnlineLevel, PaperForm

NO_INFO = "Không có thông tin"
CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-_]{0,29}$")


class Flag:
    """Stable codes of what the importer could not parse unambiguously (docs/onestop.md)."""

    FIELD_MISSING = "field_missing"
    CHANNELS_MISSING = "channels_missing"
    CHANNELS_UNPARSED = "channels_unparsed"
    DURATION_MISSING = "duration_missing"
    DURATION_UNIT_MISSING = "duration_unit_missing"
    DURATION_PLAIN_DAYS = "duration_plain_days"
    DURATION_UNIT_UNKNOWN = "duration_unit_unknown"
    DURATION_DIFFERS_BY_CHANNEL = "duration_differs_by_channel"
    FEE_MISSING = "fee_missing"
    FEE_UNPARSED = "fee_unparsed"
    FEE_SET_LOCALLY = "fee_set_locally"
    PAPERS_MISSING = "papers_missing"
    PAPERS_UNPARSED = "papers_unparsed"
    PAPERS_TRAILING_TEXT = "papers_trailing_text"
    PAPER_FORMS_MULTIPLE = "paper_forms_multiple"
    LEGAL_BASES_UNPARSED = "legal_bases_unparsed"
    LEGAL_BASES_TRAILING_TEXT = "legal_bases_trailing_text"
    LEVELS_MISSING = "levels_missing"


ALL_FLAGS = sorted(v for k, v in vars(Flag).items() if k.isupper())


class RecordRejected(Exception):
    """The record cannot be imported at all; ``reason`` is a stable code."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass
class ParsedChannel:
    channel: str
    duration_value: Decimal | None
    duration_unit: str
    fee_text: str
    fee_amount: int | None
    fees: list[tuple[str, int]]
    description: str


@dataclass
class ParsedPaper:
    order: int
    name: str
    form: str
    count: int
    required: bool
    template_name: str
    section: str


@dataclass
class ParsedRecord:
    code: str
    name: str
    field_name: str
    levels: list[str]
    kind: str
    decision: str
    applicants: str
    competent_body: str
    executing_body: str
    steps_text: str
    conditions: str
    results: str
    legal_bases: list[dict]
    channels: list[ParsedChannel]
    papers: list[ParsedPaper]
    online_level: str
    duration_value: Decimal | None
    duration_unit: str
    same_day_cutoff: time | None
    raw: dict
    source_hash: str
    flags: list[str] = field(default_factory=list)

    @property
    def parsed_fully(self) -> bool:
        return not self.flags


def clean(value) -> str:
    """A source value as one-line text; "Không có thông tin" and non-strings become ''."""
    if not isinstance(value, str):
        return ""
    text = " ".join(value.replace("\xa0", " ").split())
    return "" if text == NO_INFO else text


def source_hash(record: dict) -> str:
    canonical = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


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


# --- Required papers ------------------------------------------------------------------------

PAPERS_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
_FORM_WORDS = {
    "bản chính": PaperForm.ORIGINAL,
    "bản sao": PaperForm.CERTIFIED_COPY,
    "bản chụp": PaperForm.PHOTOCOPY,
}
_ONE_COUNT = r"\d+\s*(?:bản chính|bản sao|bản chụp)"
_COUNT = re.compile(rf"{_ONE_COUNT}(?:\s*,\s*{_ONE_COUNT})*")
_COUNT_PART = re.compile(r"(\d+)\s*(bản chính|bản sao|bản chụp)")
_TEMPLATE = re.compile(
    r"(?P<tpl>[^\s;:,]+(?: \(\d+\))?\.(?:docx?|pdf|xlsx?|odt|rtf))$", re.IGNORECASE
)
_CONDITIONAL = re.compile(
    r"^(?:trường hợp|nếu|đối với trường hợp)|trong trường hợp|\(nếu có\)|lưu ý", re.IGNORECASE
)


def parse_papers(raw: str, flags: set[str]) -> list[ParsedPaper]:
    text = (raw or "").strip()
    if not text or text == NO_INFO:
        flags.add(Flag.PAPERS_MISSING)
        return []
    chunks = text.split(PAPERS_HEADER)
    if len(chunks) == 1:
        flags.add(Flag.PAPERS_UNPARSED)
        return []
    papers: list[ParsedPaper] = []
    section = _section_title(chunks[0])
    folded = fold(section)
    for index, body in enumerate(chunks[1:], start=1):
        last = index == len(chunks) - 1
        pos = 0
        for match in _COUNT.finditer(body):
            name_text = body[pos : match.start()]
            pos = match.end()
            papers.append(
                _paper(len(papers) + 1, name_text, match.group(0), section, folded, flags)
            )
        tail = body[pos:].strip()
        if pos == 0:
            flags.add(Flag.PAPERS_UNPARSED)
        if last and tail:
            flags.add(Flag.PAPERS_TRAILING_TEXT)
        section = _section_title(tail)
        folded = fold(section)
    # "0 bản chính" rows are the source's notes and exceptions ("Trường hợp…",
    # "Người tiếp nhận có trách nhiệm…"), not papers to hand in: the raw text keeps
    # them, the checklist (and the citizen's upload form) does not.
    kept = [paper for paper in papers if paper.count > 0]
    for order, paper in enumerate(kept, start=1):
        paper.order = order
    return kept


def _section_title(text: str) -> str:
    return " ".join(text.strip(" *-:").split())


_TEMPLATE_ENDINGS = (".doc", ".docx", ".pdf", ".xls", ".xlsx", ".odt", ".rtf")


def _paper(order, name_text: str, count_text: str, section: str, folded_section: str, flags):
    name = " ".join(name_text.split())
    template = ""
    match = _TEMPLATE.search(name) if name.lower().endswith(_TEMPLATE_ENDINGS) else None
    if match:
        template = match.group("tpl")
        name = name[: match.start()]
    name = name.strip().lstrip("-+* ").rstrip(";,. ").strip()
    parts = [(int(n), _FORM_WORDS[w]) for n, w in _COUNT_PART.findall(count_text)]
    nonzero = [(n, f) for n, f in parts if n > 0]
    if len(nonzero) > 1:
        flags.add(Flag.PAPER_FORMS_MULTIPLE)
    count, form = nonzero[0] if nonzero else (0, parts[0][1])
    # Conservative: only plain, unconditional papers of a "phải nộp" (or untitled)
    # section are required for online submission; the desk can still ask for
    # the others through a supplement request.
    required = (
        count > 0
        and "xuat trinh" not in folded_section
        and "luu y" not in folded_section
        and "uy quyen" not in folded_section
        and not _CONDITIONAL.search(name)
    )
    return ParsedPaper(
        order=order,
        name=name or count_text,
        form=form,
        count=min(count, 32767),
        required=required,
        template_name=template[:255],
        section=section[:255],
    )


# --- Legal bases ----------------------------------------------------------------------------

LEGAL_HEADER = "Tên văn bản pháp lýMã văn bản"
# Document numbers (số ký hiệu): 123/2015/NĐ-CP, 66.7/2025/NQ-CP, 60/2014/QH13, 29/2026/QĐ-TTg.
_DOC_NUMBER = re.compile(
    r"\d{1,4}(?:\.\d+)?/\d{4}/(?:[A-ZĐ]*QH\d{2}|(?:TTg|[A-ZĐ]+)(?:-(?:TTg|[A-ZĐ]+))*)"
)
# How the name of a legal document starts, folded: the column after a number
# ends there even when the number's last capital is glued to it ("…TT-BTCSửa đổi").
_NAME_STARTS = (
    "sua doi",
    "nghi dinh",
    "nghi quyet",
    "thong tu",
    "quyet dinh",
    "huong dan",
    "van ban",
    "ban hanh",
    "bo luat",
    "luat",
    "phap lenh",
    "chi thi",
    "quy dinh",
    "cong van",
    "ve ",
)


_NAME_INITIALS = set("SsNnTtQqHhVvBbLlPpCc")
_BARE_TYPES = {
    "thong tu",
    "thong tu so",
    "nghi dinh",
    "nghi dinh so",
    "nghi quyet",
    "nghi quyet so",
    "quyet dinh",
    "quyet dinh so",
    "luat",
    "luat so",
}
_YEAR = re.compile(r"(?:19|20)\d\d")


def _pair_end(text: str, match) -> int | None:
    """Where the number column of a (name, number) pair ends, or None if ``match`` is inside a name."""
    start, end = match.span()
    number = match.group(0)
    last_segment = start + max(number.rfind("-"), number.rfind("/")) + 1
    # The next name may be glued to the number, even its first capital ("…TT-BTCSửa đổi",
    # "…NĐ-CPTHÔNG TƯ"): cut where a document name starts.
    for cut in range(end, last_segment, -1):
        if cut < end and not text[cut].isupper():
            continue
        if text[cut : cut + 1] in _NAME_INITIALS and fold(text[cut : cut + 12]).startswith(
            _NAME_STARTS
        ):
            return cut
    after = text[end : end + 2]
    if not after:
        return end
    if after[0].isupper():
        return end
    if after[0] == " " and fold(text[end + 1 : end + 13]).startswith(_NAME_STARTS):
        return end
    return None


def _number_start(text: str, start: int, lower_bound: int) -> int:
    """Move a number's start past a year glued before it ("Luật Cư trú 202068/2020/QH14")."""
    run_start = start
    while run_start > lower_bound and text[run_start - 1].isdigit():
        run_start -= 1
    digits = text[run_start : text.index("/", start)]
    if len(digits) >= 5 and _YEAR.fullmatch(digits[:4]):
        return run_start + 4
    return start


def parse_legal_bases(raw: str, flags: set[str]) -> list[dict]:
    text = (raw or "").strip()
    if not text or text == NO_INFO:
        return []
    if text.startswith(LEGAL_HEADER):
        text = text[len(LEGAL_HEADER) :]
    bases: list[dict] = []
    pos = 0
    for match in _DOC_NUMBER.finditer(text):
        if match.start() < pos:
            continue
        end = _pair_end(text, match)
        if end is None:
            continue
        start = _number_start(text, match.start(), pos)
        name = " ".join(text[pos:start].split()).rstrip(" .;,")
        if not name or (len(name) < 16 and fold(name) in _BARE_TYPES):
            # "Thông tư số 66/2023/TT-BCA Sửa đổi…": the number belongs to the name.
            continue
        bases.append({"name": name, "number": text[start:end]})
        pos = end
    tail = text[pos:].strip()
    if not bases:
        flags.add(Flag.LEGAL_BASES_UNPARSED)
        return [{"name": " ".join(text.split()), "number": ""}]
    if tail:
        flags.add(Flag.LEGAL_BASES_TRAILING_TEXT)
        bases.append({"name": " ".join(tail.split()), "number": ""})
    return bases


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
