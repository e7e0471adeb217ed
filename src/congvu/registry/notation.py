"""Số, ký hiệu: parse what documents carry, format what congvu issues (Decree 30 Art. 15, App. I).

Shapes (numbers below 10 are zero-padded, "/" after the number, "-" between
abbreviation groups):

- văn bản QPPL: ``{nn}/{year}/{type}-{agency}``, e.g. ``30/2020/NĐ-CP``,
  ``01/2020/TTLT-BTC-BNV`` (joint issuers stay in ``issuer``);
- typed administrative documents: ``{nn}/{type}-{agency}``, e.g. ``12/QĐ-UBND``;
- công văn: ``{nn}/{agency}-{drafting unit}``, e.g. ``45/UBND-VP``, ``1234/TTg-KGVX``.

- văn bản của Đảng: ``{nn}-{type}/{agency}``, e.g. ``139-TB/TU``, ``45-CV/HU``.

Which first group is a type abbreviation is data (``data/document_types.json``
through :mod:`.loaders`), never a list in this module. Input is forgiving:
a "Số:" prefix, spaces around separators, en/em dashes, lower case, the
look-alike "Ð" (U+00D0), zero-width characters, fullwidth digits and a
trailing "." or ";" are accepted and normalised silently.

What is readable but not certain is parsed *and* reported: :func:`analyse`
returns the value with a list of :class:`NotationWarning` (stable ``code``,
Vietnamese ``message``), and :func:`parse` attaches the same list to the
returned :class:`Notation` as ``warnings``. Codes (docs/incoming.md):
``type_without_diacritics`` (QD read as QĐ), ``underscore_separator``
(TB_UBND), ``space_in_symbol`` (QĐ-TT HĐND), ``missing_slash`` (1830 QĐ-UBND),
``legacy_cv_type`` (CV-TU: "CV" is no type abbreviation under Decree 30, the
group after it is the issuer), ``groups_reversed`` (KT-UBND: the agency
probably comes last; the value keeps the order as written).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from congvu.core.errors import ServiceError
from congvu.core.text import fold

from . import loaders

FIELD = "number_notation"
CODE = "notation_invalid"

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"), "-")
_SLASHES = dict.fromkeys(map(ord, "\u2044\u2215\uff0f"), "/")
_LOOKALIKES = {ord("\u00d0"): "\u0110", ord("\u00f0"): "\u0111"}  # Ð ð → Đ đ
_FULLWIDTH_DIGITS = {0xFF10 + i: str(i) for i in range(10)}
# Zero-width space/joiners, word joiner, BOM, soft hyphen: invisible in copied text.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_TRAILING_PUNCTUATION = " .;,:"
_PREFIX_RE = re.compile(r"^s[ốo]\s*[:.]?\s*", re.IGNORECASE)
_SPACED_SEPARATOR_RE = re.compile(r"\s*([/-])\s*")
_TOKEN_RE = re.compile(r"^[^\W\d_][^\W_]*$")
_PARTY_NUMBER_RE = re.compile(r"^(\d+)-([^\W\d_][^\W_]*)$")
_MISSING_SLASH_RE = re.compile(r"^(\d+) (?=[^\W\d_])")
# The bodies whose abbreviation ends a công văn's ký hiệu when written in the
# wrong order ("KT-UBND" for "UBND-KT"); only a hint for a warning.
_COLLECTIVE_BODIES = frozenset({"UBND", "HĐND", "UBMTTQ"})
# Công văn carry no type abbreviation under Decree 30; "CV" is a leftover of
# older practice (and the Party's công văn type, "45-CV/TU").
_LEGACY_LETTER_TYPE = "CV"
_MIN_YEAR, _MAX_YEAR = 1945, 2999


def _error(message: str) -> ServiceError:
    return ServiceError(message, code=CODE, field=FIELD)


@dataclass(frozen=True)
class NotationWarning:
    """Something read from a "số, ký hiệu" that a person should check; ``code`` is stable."""

    code: str
    message: str


@dataclass(frozen=True)
class ParseResult:
    """What :func:`analyse` read: the value (None when refused), its warnings, or the error."""

    value: Notation | None
    warnings: tuple[NotationWarning, ...] = ()
    error: ServiceError | None = None

    @property
    def ok(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class Notation:
    """One "số, ký hiệu". ``year`` only for văn bản QPPL; ``type_abbr`` None for công văn."""

    number: int
    year: int | None
    type_abbr: str | None
    issuer: str
    sub_unit: str | None = None
    # Party documents write "{nn}-{type}/{agency}" (Hướng dẫn 36-HD/VPTW).
    party: bool = False
    # What the parser read but could not be sure of; not part of the value.
    warnings: tuple[NotationWarning, ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self):
        if not isinstance(self.number, int) or self.number < 1:
            raise _error(_("Số văn bản phải là số nguyên dương."))
        if self.year is not None:
            if not _MIN_YEAR <= self.year <= _MAX_YEAR:
                raise _error(_("Năm ban hành trong số, ký hiệu không hợp lệ."))
            if not self.type_abbr:
                raise _error(_("Văn bản quy phạm pháp luật phải có chữ viết tắt tên loại."))
            if self.sub_unit:
                raise _error(_("Văn bản quy phạm pháp luật không ghi đơn vị soạn thảo."))
        if not self.issuer:
            raise _error(_("Thiếu chữ viết tắt tên cơ quan ban hành."))
        groups = [self.type_abbr, *self.issuer.split("-"), *(self.sub_unit or "").split("-")]
        for group in filter(None, groups):
            if not _TOKEN_RE.match(group):
                raise _error(_("Nhóm chữ viết tắt “%(group)s” không hợp lệ.") % {"group": group})
        if self.year is None and "-" in self.issuer:
            raise _error(_("Chữ viết tắt tên cơ quan ban hành không hợp lệ."))
        if self.party and (self.year is not None or not self.type_abbr):
            raise _error(_("Số, ký hiệu văn bản của Đảng phải có dạng 01-TB/TU."))

    @property
    def is_legal_normative(self) -> bool:
        return self.year is not None

    @property
    def symbol(self) -> str:
        """The ký hiệu alone (after the number and year)."""
        return "-".join(filter(None, [self.type_abbr, self.issuer, self.sub_unit]))

    def format(self) -> str:
        """``12/QĐ-UBND``, ``30/2020/NĐ-CP``, ``05/UBND-VP``, ``139-TB/TU``: zero-padded below 10."""
        if self.party:
            agency = "-".join(filter(None, [self.issuer, self.sub_unit]))
            return f"{self.number:02d}-{self.type_abbr}/{agency}"
        year = f"/{self.year}" if self.year is not None else ""
        return f"{self.number:02d}{year}/{self.symbol}"

    def __str__(self) -> str:
        return self.format()


def _normalise_text(text: str) -> str:
    text = unicodedata.normalize("NFC", text or "")
    text = text.translate(_INVISIBLE).translate(_FULLWIDTH_DIGITS)
    text = text.translate(_DASHES).translate(_SLASHES).translate(_LOOKALIKES)
    text = " ".join(text.split())
    text = _PREFIX_RE.sub("", text, count=1)
    return _SPACED_SEPARATOR_RE.sub(r"\1", text).strip().rstrip(_TRAILING_PUNCTUATION)


def _spellings(abbreviations: Iterable[str] | None) -> tuple[dict[str, str], set[str]]:
    """(upper-case key → canonical spelling, keys that are type abbreviations)."""
    types = loaders.type_abbreviations() if abbreviations is None else frozenset(abbreviations)
    spelled = loaders.spelled_abbreviations() | types
    return {a.upper(): a for a in spelled}, {a.upper() for a in types}


def _warn(code: str, message: str) -> NotationWarning:
    return NotationWarning(code=code, message=message)


def _accented_type(group: str, types: set[str], spelling: dict[str, str]) -> str | None:
    """The one known type abbreviation that ``group`` spells without diacritics ("QD" → "QĐ")."""
    key = group.upper()
    if key in types or key in spelling or not key.isascii():
        return None
    matches = {spelling.get(t, t) for t in types if fold(t).upper() == key}
    return matches.pop() if len(matches) == 1 else None


def analyse(text: str, *, abbreviations: Iterable[str] | None = None) -> ParseResult:
    """Parse a "số, ký hiệu" without raising: the value with its warnings, or the error."""
    try:
        value = parse(text, abbreviations=abbreviations)
    except ServiceError as exc:
        return ParseResult(value=None, error=exc)
    return ParseResult(value=value, warnings=value.warnings)


def parse(text: str, *, abbreviations: Iterable[str] | None = None) -> Notation:
    """Parse a "số, ký hiệu" as written on a document.

    ``abbreviations`` are the type abbreviations to recognise (default: the
    shipped data). Raises ``ServiceError(code="notation_invalid",
    field="number_notation")`` with a Vietnamese message; what it read but
    could not be sure of is in the result's ``warnings``.
    """
    spelling, types = _spellings(abbreviations)
    cleaned = _normalise_text(text)
    if not cleaned:
        raise _error(_("Chưa nhập số, ký hiệu."))
    warnings: list[NotationWarning] = []
    if "_" in cleaned:
        cleaned = cleaned.replace("_", "-")
        warnings.append(
            _warn(
                "underscore_separator",
                _("Dấu “_” trong ký hiệu đã được hiểu là dấu gạch nối “-”."),
            )
        )
    if _MISSING_SLASH_RE.match(cleaned) and "/" not in cleaned.split(" ", 1)[0]:
        cleaned = _MISSING_SLASH_RE.sub(r"\1/", cleaned, count=1)
        warnings.append(
            _warn(
                "missing_slash",
                _("Thiếu dấu “/” sau số văn bản; đã hiểu khoảng trắng là dấu “/”."),
            )
        )
    if " " in cleaned:
        number_part, _slash, symbol_part = cleaned.rpartition("/")
        if (
            not _slash
            or " " in number_part
            or not re.fullmatch(r"[^\W_]+(?:[ -][^\W_]+)*", symbol_part)
        ):
            raise _error(_("Số, ký hiệu không được chứa khoảng trắng giữa các chữ viết tắt."))
        joined = symbol_part.replace(" ", "")
        warnings.append(
            _warn(
                "space_in_symbol",
                _("Ký hiệu “%(written)s” có khoảng trắng; đã đọc là “%(read)s”.")
                % {"written": symbol_part, "read": joined},
            )
        )
        cleaned = f"{number_part}/{joined}"
    parts = cleaned.split("/")
    party = len(parts) == 2 and _PARTY_NUMBER_RE.match(parts[0])
    if party:
        # Party style: "139-TB/TU" is number 139, type TB, agency TU.
        parts = [party.group(1), f"{party.group(2)}-{parts[1]}"]
    if len(parts) not in (2, 3) or not all(parts):
        raise _error(_("Số, ký hiệu phải có dạng số/ký hiệu, ví dụ 12/QĐ-UBND hoặc 30/2020/NĐ-CP."))
    number_text, *middle, symbol = parts
    if not number_text.isdigit() or not number_text.isascii():
        raise _error(_("Phần số “%(part)s” phải là chữ số.") % {"part": number_text})
    year = None
    if middle:
        if not (middle[0].isdigit() and middle[0].isascii() and len(middle[0]) == 4):
            raise _error(_("Năm ban hành “%(part)s” phải có 4 chữ số.") % {"part": middle[0]})
        year = int(middle[0])
    groups = symbol.split("-")
    if not all(groups):
        raise _error(_("Ký hiệu “%(part)s” có nhóm chữ viết tắt rỗng.") % {"part": symbol})
    for group in groups:
        if not _TOKEN_RE.match(group):
            raise _error(_("Nhóm chữ viết tắt “%(group)s” không hợp lệ.") % {"group": group})
    accented = _accented_type(groups[0], types, spelling)
    if accented and len(groups) > 1:
        warnings.append(
            _warn(
                "type_without_diacritics",
                _("“%(written)s” đã được hiểu là chữ viết tắt tên loại “%(read)s”.")
                % {"written": groups[0], "read": accented},
            )
        )
        groups[0] = accented
    groups = [spelling.get(g.upper(), g.upper()) for g in groups]
    if party:
        type_abbr, issuer, sub_unit = groups[0], groups[1], "-".join(groups[2:]) or None
        return Notation(
            number=int(number_text),
            year=None,
            type_abbr=type_abbr,
            issuer=issuer,
            sub_unit=sub_unit,
            party=True,
            warnings=tuple(warnings),
        )
    first_is_type = groups[0].upper() in types
    legacy_letter = (
        year is None and not first_is_type and groups[0] == _LEGACY_LETTER_TYPE and len(groups) > 1
    )
    if year is not None or first_is_type or legacy_letter:
        if len(groups) < 2:
            raise _error(_("Thiếu chữ viết tắt tên cơ quan ban hành."))
        type_abbr, rest = groups[0], groups[1:]
        if year is not None:
            issuer, sub_unit = "-".join(rest), None
        else:
            issuer, sub_unit = rest[0], "-".join(rest[1:]) or None
        if legacy_letter:
            warnings.append(
                _warn(
                    "legacy_cv_type",
                    _(
                        "“CV” không phải chữ viết tắt tên loại theo Nghị định 30/2020/NĐ-CP "
                        "(công văn không có chữ viết tắt tên loại); đã hiểu “%(issuer)s” là "
                        "cơ quan ban hành."
                    )
                    % {"issuer": issuer},
                )
            )
    else:
        type_abbr, issuer, sub_unit = None, groups[0], "-".join(groups[1:]) or None
        if sub_unit in _COLLECTIVE_BODIES and issuer not in _COLLECTIVE_BODIES:
            warnings.append(
                _warn(
                    "groups_reversed",
                    _(
                        "Ký hiệu “%(symbol)s” có thể ghi ngược thứ tự: cơ quan ban hành "
                        "thường đứng trước (“%(expected)s”). Hãy kiểm tra cơ quan ban hành."
                    )
                    % {"symbol": "-".join(groups), "expected": f"{sub_unit}-{issuer}"},
                )
            )
    return Notation(
        number=int(number_text),
        year=year,
        type_abbr=type_abbr,
        issuer=issuer,
        sub_unit=sub_unit,
        warnings=tuple(warnings),
    )


def normalise(text: str, *, abbreviations: Iterable[str] | None = None) -> str:
    """The canonical spelling of a "số, ký hiệu" (``format(parse(text))``)."""
    return parse(text, abbreviations=abbreviations).format()


def _abbreviation_of(unit_or_text, *, what: str) -> str:
    text = getattr(unit_or_text, "short_name", unit_or_text)
    text = _normalise_text(str(text or "")).replace(" ", "")
    if not text:
        raise _error(
            _("%(what)s chưa có tên viết tắt để ghi ký hiệu văn bản.")
            % {"what": getattr(unit_or_text, "name", what)}
        )
    spelling, _types = _spellings(None)
    return "-".join(spelling.get(g.upper(), g.upper()) for g in text.split("-"))


def notation_for_issue(
    *, number: int, document_type, unit, drafting_unit=None, year: int
) -> Notation:
    """The "số, ký hiệu" congvu gives a document it issues (Art. 15, App. I).

    ``unit`` is the issuing agency, ``drafting_unit`` the unit that drafted it
    (only công văn carry it). Both may be a ``Unit`` (its ``short_name``) or text.
    """
    agency = _abbreviation_of(unit, what=_("Cơ quan ban hành"))
    abbreviation = (getattr(document_type, "abbreviation", "") or "").strip()
    if getattr(document_type, "is_legal_normative", False):
        return Notation(number=number, year=year, type_abbr=abbreviation, issuer=agency)
    if abbreviation:
        return Notation(number=number, year=None, type_abbr=abbreviation, issuer=agency)
    sub_unit = (
        _abbreviation_of(drafting_unit, what=_("Đơn vị soạn thảo"))
        if drafting_unit is not None
        else None
    )
    return Notation(number=number, year=None, type_abbr=None, issuer=agency, sub_unit=sub_unit)
