"""What every part of the parser shares: flags, rejection, the parsed shapes, text clean-up."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal

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
    FEE_PERIOD_UNPARSED = "fee_period_unparsed"
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
class ParsedFee:
    """One fee item of a channel: ``amount`` in whole units of ``currency`` (VND or USD).

    ``valid_from``/``valid_to`` limit the stated amount to a period (outside it
    the fee is unknown); ``reduction_*`` is a temporary reduction of the amount.
    """

    name: str
    amount: int
    currency: str = "VND"
    valid_from: date | None = None
    valid_to: date | None = None
    reduction_percent: int | None = None
    reduction_from: date | None = None
    reduction_to: date | None = None

    def key(self) -> tuple:
        return (
            self.name,
            self.amount,
            self.currency,
            self.valid_from,
            self.valid_to,
            self.reduction_percent,
            self.reduction_from,
            self.reduction_to,
        )


@dataclass
class ParsedChannel:
    channel: str
    duration_value: Decimal | None
    duration_unit: str
    fee_text: str
    # Total in đồng; None when not read or when an item is in another currency.
    fee_amount: int | None
    fees: list[ParsedFee]
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
