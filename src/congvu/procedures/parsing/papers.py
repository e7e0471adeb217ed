"""Required papers (thành phần hồ sơ): name, form, count, template, required or not."""

from __future__ import annotations

import re

from congvu.core.text import fold

from ..constants import PaperForm
from .base import NO_INFO, Flag, ParsedPaper

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
    # No "/" or ")" in the file name: "…Thông tư số 53/2025/TT-BCA)1.Mu…53 (2).doc"
    # keeps the document number in the paper's name.
    r"(?P<tpl>[^\s;:,()/]+(?: \(\d+\))?\.(?:docx?|pdf|xlsx?|odt|rtf))$",
    re.IGNORECASE,
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
            if _inside_parenthesis(body, pos, match):
                # "(01 bản chính hoặc 01 bản sao có chứng thực)" describes the
                # paper; it is not the count column.
                continue
            name_text, count_text = _unglue(body[pos : match.start()], match.group(0))
            pos = match.end()
            papers.append(_paper(len(papers) + 1, name_text, count_text, section, folded, flags))
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


def _inside_parenthesis(body: str, start: int, match) -> bool:
    """Whether ``match`` sits inside a "(…)" of the current item that closes after it."""
    before = body[start : match.start()]
    depth = before.count("(") - before.count(")")
    return depth > 0 and ")" in body[match.end() :]


# Words after which a number belongs to the paper's name: "Mẫu số 12", "năm 2024".
_REFERENCE_WORD = re.compile(r"(?:số|năm|mẫu|điều|khoản|phụ lục)\s*$", re.IGNORECASE)


def _unglue(name_text: str, count_text: str) -> tuple[str, str]:
    """Give back to the name the digits the source glued before the count.

    The count column holds one small number; "Mẫu số 121 bản chính" is "Mẫu
    số 12" + "1 bản chính", "năm 20240 bản chính" is "năm 2024" + "0 bản chính",
    "BM.NCC.20.031 bản chính" is "BM.NCC.20.03" + "1 bản chính". A zero-padded
    "01 bản chính" after a space is a count of one.
    """
    digits = re.match(r"\d+", count_text).group(0)
    if len(digits) < 2:
        return name_text, count_text
    glued = bool(name_text) and name_text[-1].isalpha()
    after_reference = bool(_REFERENCE_WORD.search(name_text))
    if len(digits) >= 3 or glued or (after_reference and not digits.startswith("0")):
        return name_text + digits[:-1], count_text[len(digits) - 1 :]
    return name_text, count_text


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
