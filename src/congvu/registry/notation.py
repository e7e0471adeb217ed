"""Số, ký hiệu: parse what documents carry, format what congvu issues (Decree 30 Art. 15, App. I).

Shapes (numbers below 10 are zero-padded, "/" after the number, "-" between
abbreviation groups):

- văn bản QPPL: ``{nn}/{year}/{type}-{agency}``, e.g. ``30/2020/NĐ-CP``,
  ``01/2020/TTLT-BTC-BNV`` (joint issuers stay in ``issuer``);
- typed administrative documents: ``{nn}/{type}-{agency}``, e.g. ``12/QĐ-UBND``;
- công văn: ``{nn}/{agency}-{drafting unit}``, e.g. ``45/UBND-VP``, ``1234/TTg-KGVX``.

Which first group is a type abbreviation is data (``data/document_types.json``
through :mod:`.loaders`), never a list in this module. Input is forgiving:
a "Số:" prefix, spaces around separators, en/em dashes, lower case and the
look-alike "Ð" (U+00D0) are accepted and normalised.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from congvu.core.errors import ServiceError

from . import loaders

FIELD = "number_notation"
CODE = "notation_invalid"

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"), "-")
_SLASHES = dict.fromkeys(map(ord, "\u2044\u2215\uff0f"), "/")
_LOOKALIKES = {ord("\u00d0"): "\u0110", ord("\u00f0"): "\u0111"}  # Ð ð → Đ đ
_PREFIX_RE = re.compile(r"^s[ốo]\s*[:.]?\s*", re.IGNORECASE)
_SPACED_SEPARATOR_RE = re.compile(r"\s*([/-])\s*")
_TOKEN_RE = re.compile(r"^[^\W\d_]\w*$")
_MIN_YEAR, _MAX_YEAR = 1945, 2999


def _error(message: str) -> ServiceError:
    return ServiceError(message, code=CODE, field=FIELD)


@dataclass(frozen=True)
class Notation:
    """One "số, ký hiệu". ``year`` only for văn bản QPPL; ``type_abbr`` None for công văn."""

    number: int
    year: int | None
    type_abbr: str | None
    issuer: str
    sub_unit: str | None = None

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

    @property
    def is_legal_normative(self) -> bool:
        return self.year is not None

    @property
    def symbol(self) -> str:
        """The ký hiệu alone (after the number and year)."""
        return "-".join(filter(None, [self.type_abbr, self.issuer, self.sub_unit]))

    def format(self) -> str:
        """``12/QĐ-UBND``, ``30/2020/NĐ-CP``, ``05/UBND-VP``: zero-padded below 10."""
        year = f"/{self.year}" if self.year is not None else ""
        return f"{self.number:02d}{year}/{self.symbol}"

    def __str__(self) -> str:
        return self.format()


def _normalise_text(text: str) -> str:
    text = unicodedata.normalize("NFC", text or "")
    text = text.translate(_DASHES).translate(_SLASHES).translate(_LOOKALIKES)
    text = " ".join(text.split())
    text = _PREFIX_RE.sub("", text, count=1)
    return _SPACED_SEPARATOR_RE.sub(r"\1", text).strip()


def _spellings(abbreviations: Iterable[str] | None) -> tuple[dict[str, str], set[str]]:
    """(upper-case key → canonical spelling, keys that are type abbreviations)."""
    types = loaders.type_abbreviations() if abbreviations is None else frozenset(abbreviations)
    spelled = loaders.spelled_abbreviations() | types
    return {a.upper(): a for a in spelled}, {a.upper() for a in types}


def parse(text: str, *, abbreviations: Iterable[str] | None = None) -> Notation:
    """Parse a "số, ký hiệu" as written on a document.

    ``abbreviations`` are the type abbreviations to recognise (default: the
    shipped data). Raises ``ServiceError(code="notation_invalid",
    field="number_notation")`` with a Vietnamese message.
    """
    spelling, types = _spellings(abbreviations)
    cleaned = _normalise_text(text)
    if not cleaned:
        raise _error(_("Chưa nhập số, ký hiệu."))
    if " " in cleaned:
        raise _error(_("Số, ký hiệu không được chứa khoảng trắng giữa các chữ viết tắt."))
    parts = cleaned.split("/")
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
    groups = [spelling.get(g.upper(), g.upper()) for g in groups]
    first_is_type = groups[0].upper() in types
    if year is not None or first_is_type:
        if len(groups) < 2:
            raise _error(_("Thiếu chữ viết tắt tên cơ quan ban hành."))
        type_abbr, rest = groups[0], groups[1:]
        if year is not None:
            issuer, sub_unit = "-".join(rest), None
        else:
            issuer, sub_unit = rest[0], "-".join(rest[1:]) or None
    else:
        type_abbr, issuer, sub_unit = None, groups[0], "-".join(groups[1:]) or None
    return Notation(
        number=int(number_text), year=year, type_abbr=type_abbr, issuer=issuer, sub_unit=sub_unit
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
