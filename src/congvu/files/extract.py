"""Text of an accepted file, for search: the PDF text layer, DOCX/ODT paragraphs, XLSX strings.

A small PDF can take minutes to read (one page drawing the same text stream
thousands of times), so extraction never runs in the upload's request or
transaction (``tasks.py`` runs it after the commit) and always runs in a child
process that is killed when its time is up, with a memory and output cap: PDFs
through poppler's ``pdftotext`` with the first ``CONGVU_TEXT_MAX_PAGES`` pages,
DOCX/XLSX/ODT through this module (``python -m congvu.files.extract KIND PATH``).
Archive members are read with a size cap (the declared sizes in a zip can lie)
and XML with a DTD (entity tricks) is not parsed. What happened is recorded as
the file's ``text_status``; a file is never refused for its text.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from .validation import DOCX, ODT, PDF, XLSX

logger = logging.getLogger(__name__)

MAX_TEXT_CHARS = 1_000_000
MAX_MEMBER_BYTES = 50 * 1024 * 1024
#: Output read from a child; UTF-8 takes up to 4 bytes a character.
MAX_OUTPUT_BYTES = 4 * MAX_TEXT_CHARS
#: Address space of a child: enough for a 50 MB XML member, not for a runaway.
MAX_CHILD_MEMORY = 2 * 1024 * 1024 * 1024
DEFAULT_MAX_PAGES = 100
DEFAULT_TIMEOUT = 30

# Values of ``TextStatus`` (models.py), repeated so the child process needs no Django models.
DONE, TRUNCATED, TIMEOUT, FAILED, NONE = "done", "truncated", "timeout", "failed", "none"

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


_OFFICE_READERS = {DOCX: _docx_text, XLSX: _xlsx_text, ODT: _odt_text}
TEXT_KINDS = frozenset({PDF, *_OFFICE_READERS})


@dataclass(frozen=True)
class Extraction:
    """The text read from a file, what happened (a ``TextStatus`` value) and the child's pid."""

    text: str
    status: str
    pid: int | None = None


def _limits() -> tuple[int, int]:
    from django.conf import settings

    pages = int(getattr(settings, "CONGVU_TEXT_MAX_PAGES", DEFAULT_MAX_PAGES))
    seconds = float(getattr(settings, "CONGVU_TEXT_TIMEOUT", DEFAULT_TIMEOUT))
    return max(pages, 1), max(seconds, 0.1)


def _command(path: str, kind: str, max_pages: int) -> list[str] | None:
    if kind == PDF:
        pdftotext = shutil.which("pdftotext")
        if pdftotext is None:
            logger.error("pdftotext (poppler-utils) is not installed: PDF text is not extracted")
            return None
        # One page past the limit tells whether the file has more.
        last = str(max_pages + 1)
        return [pdftotext, "-f", "1", "-l", last, "-enc", "UTF-8", "-q", path, "-"]
    return [sys.executable, "-m", "congvu.files.extract", kind, path]


def _cap_child(pid: int) -> None:
    """Memory, output-size and core-dump limits of the child (after it started: no preexec_fn,
    which is unsafe in a threaded server)."""
    for limit, value in (
        (resource.RLIMIT_AS, MAX_CHILD_MEMORY),
        (resource.RLIMIT_FSIZE, MAX_OUTPUT_BYTES),
        (resource.RLIMIT_CORE, 0),
    ):
        # The child may already have finished.
        with contextlib.suppress(OSError, ValueError):
            resource.prlimit(pid, limit, (value, value))


def _kill(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def extract_path(
    path, kind: str, *, max_pages: int | None = None, timeout: float | None = None
) -> Extraction:
    """Extract the text of the file at ``path`` of ``kind`` in a child process.

    The child is killed when it runs longer than ``timeout`` seconds (status
    ``timeout``, with the text it had written); a PDF with more than
    ``max_pages`` pages gives the text of its first ``max_pages`` (``truncated``).
    Defaults: ``CONGVU_TEXT_MAX_PAGES`` and ``CONGVU_TEXT_TIMEOUT``.
    """
    if kind not in TEXT_KINDS:
        return Extraction("", NONE)
    default_pages, default_timeout = _limits()
    max_pages = max_pages or default_pages
    timeout = timeout or default_timeout
    command = _command(str(path), kind, max_pages)
    if command is None:
        return Extraction("", FAILED)
    with tempfile.TemporaryFile() as out:
        try:
            proc = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # its own process group, killed as a whole
            )
        except OSError:
            logger.warning("Could not start the text extractor for a %s file", kind, exc_info=True)
            return Extraction("", FAILED)
        _cap_child(proc.pid)
        try:
            returncode = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(proc)
            returncode = None
        out.seek(0)
        raw = out.read(MAX_OUTPUT_BYTES + 1)
    text = raw[:MAX_OUTPUT_BYTES].decode("utf-8", errors="ignore").replace("\x00", "")
    if returncode is None:
        logger.warning("Text extraction of a %s file killed after %ss", kind, timeout)
        status = TIMEOUT
    elif len(raw) >= MAX_OUTPUT_BYTES or returncode == -signal.SIGXFSZ:
        status = TRUNCATED
    elif returncode != 0:
        logger.warning("Text extraction of a %s file failed (exit %s)", kind, returncode)
        status = FAILED
    else:
        status = DONE
    if kind == PDF:
        pages = text.split("\f")
        if len(pages) > max_pages + 1 or (len(pages) == max_pages + 1 and pages[-1].strip()):
            status = TRUNCATED if status == DONE else status
        text = "\n".join(pages[:max_pages])
    if len(text) > MAX_TEXT_CHARS and status == DONE:
        status = TRUNCATED
    return Extraction(text[:MAX_TEXT_CHARS].strip(), status, proc.pid)


def main(argv: list[str]) -> int:
    """Child process: print the text of the office file ``argv[1]`` of kind ``argv[0]``."""
    kind, path = argv
    with open(path, "rb") as fh:
        text = _OFFICE_READERS[kind](fh)
    sys.stdout.buffer.write(text.replace("\x00", "")[:MAX_TEXT_CHARS].encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
