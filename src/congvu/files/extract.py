"""Text of an accepted file, for search: the PDF text layer, DOCX/ODT paragraphs, XLSX strings.

Extraction never fails an upload: a file whose text cannot be read is stored
with empty text. Archive members are read with a size cap (the declared sizes
in a zip can lie) and XML with a DTD (entity tricks) is not parsed.
"""

from __future__ import annotations

import logging
import re
import zipfile
from xml.etree import ElementTree

from .validation import DOCX, ODT, PDF, XLSX

logger = logging.getLogger(__name__)

MAX_TEXT_CHARS = 1_000_000
MAX_MEMBER_BYTES = 50 * 1024 * 1024

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_TEXT_NS = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as fh:
        data = fh.read(MAX_MEMBER_BYTES + 1)
    if len(data) > MAX_MEMBER_BYTES:
        raise ValueError("archive member too large")
    if b"<!DOCTYPE" in data[:2048] or b"<!ENTITY" in data[:4096]:
        raise ValueError("XML with a DTD is not read")
    return data


def _pdf_text(fileobj) -> str:
    from pypdf import PdfReader

    reader = PdfReader(fileobj, strict=False)
    parts = []
    total = 0
    for page in reader.pages:
        text = page.extract_text() or ""
        parts.append(text)
        total += len(text)
        if total > MAX_TEXT_CHARS:
            break
    return "\n".join(parts)


def _docx_text(fileobj) -> str:
    with zipfile.ZipFile(fileobj) as archive:
        root = ElementTree.fromstring(_read_member(archive, "word/document.xml"))
    paragraphs = []
    for para in root.iter(f"{_W}p"):
        pieces = []
        for node in para.iter():
            if node.tag == f"{_W}t" and node.text:
                pieces.append(node.text)
            elif node.tag == f"{_W}tab":
                pieces.append("\t")
        if pieces:
            paragraphs.append("".join(pieces))
    return "\n".join(paragraphs)


def _xlsx_text(fileobj) -> str:
    with zipfile.ZipFile(fileobj) as archive:
        names = set(archive.namelist())
        parts = []
        if "xl/sharedStrings.xml" in names:
            root = ElementTree.fromstring(_read_member(archive, "xl/sharedStrings.xml"))
            for item in root.iter(f"{_S}si"):
                text = "".join(t.text or "" for t in item.iter(f"{_S}t"))
                if text:
                    parts.append(text)
        # Inline strings written by some tools live in the sheets themselves.
        for name in sorted(n for n in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)):
            root = ElementTree.fromstring(_read_member(archive, name))
            for cell in root.iter(f"{_S}is"):
                text = "".join(t.text or "" for t in cell.iter(f"{_S}t"))
                if text:
                    parts.append(text)
    return "\n".join(parts)


def _odt_text(fileobj) -> str:
    with zipfile.ZipFile(fileobj) as archive:
        root = ElementTree.fromstring(_read_member(archive, "content.xml"))
    paragraphs = []
    for node in root.iter():
        if node.tag in (f"{_TEXT_NS}p", f"{_TEXT_NS}h"):
            text = "".join(node.itertext()).strip()
            if text:
                paragraphs.append(text)
    return "\n".join(paragraphs)


_EXTRACTORS = {PDF: _pdf_text, DOCX: _docx_text, XLSX: _xlsx_text, ODT: _odt_text}


def extract_text(fileobj, kind: str) -> str:
    """The searchable text of ``fileobj`` of ``kind``; "" for images or unreadable text."""
    extractor = _EXTRACTORS.get(kind)
    if extractor is None:
        return ""
    try:
        fileobj.seek(0)
        text = extractor(fileobj)
    except Exception:  # text is a search aid; a file is never refused for it
        logger.warning("Text extraction failed for a %s file", kind, exc_info=True)
        text = ""
    finally:
        fileobj.seek(0)
    text = text.replace("\x00", "")
    return text[:MAX_TEXT_CHARS].strip()
