"""The issued document as printed: the Decree 30/2020 Appendix I layout of its parts.

:func:`document_context` turns an :class:`OutgoingDocument` into what the
print template (``outgoing/print/document.html``) places: the letterhead
(agency lines, Số, the công văn's "V/v" under Số, place and date), the title
and trích yếu of a typed document, "Kính gửi", the signature block with its
authority lines (TM., KT., Q., TL., TUQ.) and "Nơi nhận". What people typed
is taken as they typed it, except for the words the layout already prints
("V/v", the type name, a bullet), which are not printed twice.
"""

from __future__ import annotations

import re

from django.utils import timezone

from congvu.core.letterhead import collective_body
from congvu.org.constants import GOVERNMENT_KINDS
from congvu.org.places import place_name

from .constants import CONG_VAN, AuthorityPrefix
from .models import OutgoingDocument

#: A typed "V/v", "V/V:", "v.v", "Về việc" at the start of a trích yếu.
_VV = re.compile(r"^\s*(?:v\s*/\s*v|v\.\s*v\.?|về\s+việc)\s*[:.\-–]?\s*", re.IGNORECASE)
#: Bullets and dashes someone typed before a "Nơi nhận" line.
_BULLET = re.compile(r"^[\s•·◦▪‣*\-–—+]+")
#: Where a position title starts naming its agency ("Chủ tịch UBND xã" → "Chủ tịch").
_TITLE_BODY = re.compile(
    r"\s+(?:UBND|HĐND|ủy ban nhân dân|uỷ ban nhân dân|hội đồng nhân dân)(?:\s.*)?$",
    re.IGNORECASE,
)
#: A division after the title ("Chủ tịch xã", "Chủ tịch xã Thạnh Phú") but not
#: a word that merely starts like one ("Phòng Văn hóa - Xã hội").
_TITLE_DIVISION = re.compile(
    r"\s+(?i:tỉnh|thành phố|huyện|quận|thị xã|thị trấn|xã|phường|đặc khu)"
    r"(?:\s+[A-ZĐÀ-Ỹ0-9].*)?$"
)
_DEPUTY = re.compile(r"^phó\s+", re.IGNORECASE)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def cong_van_subject(subject: str) -> str:
    """The công văn's trích yếu under Số: ``V/v …`` once, whatever was typed."""
    rest = " ".join((subject or "").split())
    while match := _VV.match(rest):
        rest = rest[match.end() :]
    return f"V/v {rest}" if rest else ""


def typed_subject(subject: str, type_name: str) -> str:
    """The trích yếu under a typed document's title, without the type name again.

    "Quyết định về việc kiện toàn…" under "QUYẾT ĐỊNH" prints "Về việc kiện
    toàn…"; a typed "V/v" is written out ("Về việc"), the abbreviation being
    the công văn's.
    """
    text = " ".join((subject or "").split())
    name = (type_name or "").strip()
    if name and text.lower().startswith(name.lower() + " "):
        text = text[len(name) :].lstrip(" :.-–")
    match = _VV.match(text)
    if match:
        text = "Về việc " + text[match.end() :]
    return _capitalised(text.strip())


def noi_nhan_line(line: str) -> str:
    """One "Nơi nhận" line as Appendix I writes it: ``- Như trên;`` (one dash, no bullet)."""
    rest = _BULLET.sub("", line or "").strip()
    return f"- {rest}" if rest else ""


def title_within_agency(title: str) -> str:
    """``Chủ tịch UBND xã`` → ``Chủ tịch``: the agency is already named by the letterhead."""
    title = " ".join((title or "").split())
    stripped = _TITLE_DIVISION.sub("", _TITLE_BODY.sub("", title)).strip()
    return stripped or title


def _head_title(unit) -> str:
    """The title of the unit's head (for "KT."/"TL."/"TUQ."/"Q." lines)."""
    from congvu.accounts.constants import Role
    from congvu.accounts.models import Position

    position = (
        Position.objects.active()
        .filter(unit=unit, role=Role.LEADER_HEAD)
        .exclude(title="")
        .order_by("-is_primary", "pk")
        .first()
    )
    if position is not None:
        return title_within_agency(position.title)
    return "Chủ tịch" if unit.kind in GOVERNMENT_KINDS else "Thủ trưởng"


def signature_lines(document: OutgoingDocument) -> list[str]:
    """The authority and title lines above the signature (Art. 13, Appendix I box 7a).

    A People's Committee works as a collective body, so its head signs "TM.
    ỦY BAN NHÂN DÂN" / "CHỦ TỊCH", and a deputy "TM. ỦY BAN NHÂN DÂN" /
    "KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH". No prefix chosen ("Ký trực tiếp") means
    that default for a collective body; an office signs in its head's name
    ("TRƯỞNG PHÒNG", a deputy "KT. TRƯỞNG PHÒNG" / "PHÓ TRƯỞNG PHÒNG").
    "TL." and "TUQ." sign for the head ("TL. CHỦ TỊCH" / "CHÁNH VĂN PHÒNG");
    "Q." is the acting head ("Q. CHỦ TỊCH"). "Ký theo thẩm quyền riêng" is the
    chairman deciding under his own competence: "CHỦ TỊCH", a deputy
    "KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH", with no "TM." line.
    """
    unit = document.unit
    prefix = document.authority_prefix
    title = title_within_agency(document.signer_title)
    is_deputy = bool(_DEPUTY.match(title))
    collective = unit.kind in GOVERNMENT_KINDS
    body = collective_body(unit.name) or ("Ủy ban nhân dân" if collective else unit.name)

    if prefix in (AuthorityPrefix.TL, AuthorityPrefix.TUQ):
        return [line for line in (f"{prefix} {_head_title(unit)}", title) if line.strip()]
    lines = []
    if (collective and prefix != AuthorityPrefix.PERSONAL) or prefix == AuthorityPrefix.TM:
        lines.append(f"{AuthorityPrefix.TM} {body}")
    if prefix == AuthorityPrefix.Q:
        lines.append(f"{prefix} {_head_title(unit)}")
        return lines
    if is_deputy or prefix == AuthorityPrefix.KT:
        head = _capitalised(_DEPUTY.sub("", title, count=1)) if is_deputy else _head_title(unit)
        lines.append(f"{AuthorityPrefix.KT} {head}")
    if title:
        lines.append(title)
    return lines


def document_context(document: OutgoingDocument) -> dict:
    """What ``outgoing/print/document.html`` prints for ``document``."""
    from .selectors import addressees, recipient_lines

    unit = document.unit
    is_cong_van = document.document_type.code == CONG_VAN
    parent = unit.parent
    signer = document.signer
    return {
        "doc": document,
        # A People's Committee heads its own letterhead; an office or centre
        # under it writes the committee on the line above (cơ quan chủ quản).
        "agency_parent": parent.name if parent and unit.kind not in GOVERNMENT_KINDS else "",
        "agency_name": unit.name,
        "notation": document.number_notation,
        "place": place_name(unit),
        "date": timezone.localtime(document.issued_at) if document.issued_at else None,
        "title": f"{document.document_type.name} {document.number_notation}".strip(),
        "is_cong_van": is_cong_van,
        "header_subject": cong_van_subject(document.subject) if is_cong_van else "",
        "type_name": document.document_type.name,
        "subject_line": ""
        if is_cong_van
        else typed_subject(document.subject, document.document_type.name),
        "addressees": addressees(document),
        "paragraphs": [p for p in (document.body or "").splitlines() if p.strip()],
        "recipient_lines": [line for line in map(noi_nhan_line, recipient_lines(document)) if line],
        "signature_lines": signature_lines(document),
        "signer_name": (signer.full_name or str(signer)) if signer else "",
    }
