"""Đọc trước khi ký: the draft as it will be signed, shown as page images, and its content digest.

The leader approving a draft ("Duyệt ký") reads what the văn thư will
number and sign: the same print template as issuance
(``outgoing/print/document.html``), with the number and the date left blank
as on a paper draft ("Số:      /QĐ-UBND", "ngày   tháng   năm 2026"), and the
files that go with it. Pages are rasterised on the server with poppler's
``pdftoppm`` (no script or CDN in the browser), PDF attachments the same way;
other files (DOCX…) are listed with their SHA-256 and a download link.

The **content digest** names exactly what was shown: SHA-256 over the
meaningful content of the rendered PDF (page boxes, content streams,
resources: not the metadata, object numbers or compression) and the
SHA-256, size and name of every file that goes with it. "Duyệt ký" refuses
when the digest of what the leader saw is not the current one
(``content_changed``) and stores it in ``approved_content_sha256``;
issuance refuses anything else (``content_changed_since_approval``).

Rendering and rasterising are cached in the default storage under
``cache/outgoing-preview/``: the body by the SHA-256 of the HTML and CSS
given to WeasyPrint (→ its content digest → PDF and page images), an
attachment by its own SHA-256. Reopening the page costs a template render
and a few storage reads.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.core.errors import ServiceError

from .models import OutgoingDocument

logger = logging.getLogger(__name__)

TEMPLATE = "outgoing/print/document.html"
STYLESHEETS = ["outgoing/print/document.css"]
CACHE_ROOT = "cache/outgoing-preview"
#: Long side of a page image in pixels: A4 at about 106 dpi, legible on a phone
#: and small enough for an old PC; also caps a PDF attachment with huge pages.
PAGE_PIXELS = 1240
#: Pages rasterised per PDF; the rest is read in the PDF itself.
MAX_PAGES = 30
#: Seconds poppler may spend on one file.
POPPLER_TIMEOUT = 60
#: ``StoredFile.purpose`` of files that go with the document besides its draft versions.
ATTACHMENT_PURPOSE = "attachment"
_DIGEST_FORMAT = b"congvu-outgoing-content-v1\n"
#: Keys of a PDF object that point back up the tree or only restate encoding.
_SKIPPED_KEYS = {"/Parent", "/P", "/Length", "/Filter", "/DecodeParms", "/StructParent"}
_BLANK = "\u00a0" * 6  # the hand-written number and day on a paper draft


class ContentChanged(ServiceError):
    """What would be signed is not what the leader read."""

    code = "content_changed"
    status = 409


# --- What is printed --------------------------------------------------------------


def blank_notation(document: OutgoingDocument) -> str:
    """``      /QĐ-UBND``: the ký hiệu the document will have, its number left blank."""
    from .notation import format_notation

    when = timezone.localtime(document.approved_at or timezone.now())
    try:
        full = format_notation(
            number=1,
            document_type=document.document_type,
            unit=document.unit,
            drafting_unit=document.drafting_unit,
            year=when.year,
        )
    except ServiceError:
        return ""  # a unit without an abbreviation: issuance will say so
    return _BLANK + full[full.index("/") :]


def preview_context(document: OutgoingDocument) -> dict:
    """The print context of issuance, with the number and the date left blank."""
    from .printing import document_context

    context = document_context(document)
    when = timezone.localtime(document.approved_at or timezone.now())
    context.update(
        notation=blank_notation(document),
        date=None,
        draft_date=f"ngày{_BLANK}tháng{_BLANK}năm {when.year}",
        title=context["type_name"],
    )
    return context


def _sources(document: OutgoingDocument) -> tuple[dict, str, str]:
    """The context, the HTML and the CSS WeasyPrint gets: together they decide the PDF."""
    from congvu.core.pdf import PRINT_CSS

    context = preview_context(document)
    html = render_to_string(TEMPLATE, context)
    css = "\n".join(render_to_string(name, context) for name in (PRINT_CSS, *STYLESHEETS))
    return context, html, css


def _render(context: dict) -> bytes:
    from congvu.core.pdf import render_pdf

    return render_pdf(TEMPLATE, context, stylesheets=STYLESHEETS)


# --- Content digest ---------------------------------------------------------------


def _feed(digest, obj, seen: dict, depth: int = 0) -> None:
    """Feed a PDF object to ``digest`` by structure: same pages, same bytes, whatever the numbering."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

    if depth > 64:
        raise ValueError("PDF object tree too deep")
    if isinstance(obj, IndirectObject):
        key = (obj.idnum, obj.generation)
        if key in seen:
            digest.update(b"@%d;" % seen[key])  # a back-reference, by order of first visit
            return
        seen[key] = len(seen)
        obj = obj.get_object()
    if isinstance(obj, DictionaryObject):
        digest.update(b"<<")
        for name in sorted(obj):
            if name in _SKIPPED_KEYS:
                continue
            digest.update(name.encode() + b" ")
            _feed(digest, obj.raw_get(name), seen, depth + 1)
        digest.update(b">>")
        if isinstance(obj, StreamObject):
            data = obj.get_data()
            digest.update(b"stream %d " % len(data) + data)
    elif isinstance(obj, ArrayObject):
        digest.update(b"[")
        for item in obj:
            _feed(digest, item, seen, depth + 1)
        digest.update(b"]")
    else:
        digest.update(f"{type(obj).__name__}:{obj!r};".encode())


def pdf_content_digest(pdf: bytes) -> str:
    """SHA-256 of what a PDF shows: its pages with their content and resources.

    The document information (creation date, producer), the trailer /ID, the
    object numbers and the stream compression are left out, so rendering the
    same draft twice gives the same digest.
    """
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    digest = hashlib.sha256(b"pdf\n")
    seen: dict = {}
    for page in reader.pages:
        digest.update(b"page\n")
        _feed(digest, page.indirect_reference or page, seen)
    return digest.hexdigest()


def signed_files(document: OutgoingDocument) -> list:
    """The files that go with the document: its newest draft version and its attachments."""
    from congvu.files.selectors import files_of, latest_version

    from .services.drafting import DRAFT_PURPOSE

    files = [latest_version(document, DRAFT_PURPOSE)]
    files += list(files_of(document, ATTACHMENT_PURPOSE))
    return [f for f in files if f is not None]


def _manifest_digest(body_digest: str, files) -> str:
    digest = hashlib.sha256(_DIGEST_FORMAT)
    digest.update(f"body {body_digest}\n".encode())
    for stored in files:
        line = f"file {stored.purpose} {stored.version} {stored.sha256} {stored.size} {stored.original_name}\n"
        digest.update(line.encode())
    return digest.hexdigest()


def _cached_body(document: OutgoingDocument, *, use_cache: bool = True) -> tuple[str, bytes | None]:
    """(content digest of the body PDF, the PDF when it had to be rendered)."""
    import weasyprint

    context, html, css = _sources(document)
    inputs = hashlib.sha256(f"{weasyprint.__version__}\n{html}\n{css}".encode()).hexdigest()
    index = f"{CACHE_ROOT}/inputs/{inputs}.txt"
    if use_cache and default_storage.exists(index):
        with default_storage.open(index, "rb") as fh:
            body_digest = fh.read().decode().strip()
        if default_storage.exists(_body_pdf_name(body_digest)):
            return body_digest, None
    pdf = _render(context)
    body_digest = pdf_content_digest(pdf)
    # The index only ever names a body PDF that was written whole.
    if use_cache and _save(_body_pdf_name(body_digest), pdf):
        _save(index, body_digest.encode())
    return body_digest, pdf


def content_digest(document: OutgoingDocument, *, use_cache: bool = True) -> str:
    """The content digest of ``document`` as it stands (see the module docstring)."""
    body_digest, _pdf = _cached_body(document, use_cache=use_cache)
    return _manifest_digest(body_digest, signed_files(document))


# --- Storage cache and page images ------------------------------------------------


def _body_pdf_name(body_digest: str) -> str:
    return f"{CACHE_ROOT}/body/{body_digest}/document.pdf"


def _save(name: str, data: bytes) -> bool:
    """Write once: a content-addressed entry written twice is the same entry.

    The cache is an optimisation: a write that fails (a full disk) costs a
    render next time, never the operation. The partial entry goes, so a later
    read cannot find half a PDF; False tells the caller not to index it.
    """
    if default_storage.exists(name):
        return True
    try:
        default_storage.save(name, ContentFile(data))
    except OSError as exc:
        logger.warning("Preview cache not written (%s): %s", name, exc)
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("Could not delete the partial cache entry %s", name, exc_info=True)
        return False
    return True


def _png_size(data: bytes) -> tuple[int, int]:
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def _page_count(path: Path) -> int:
    result = subprocess.run(
        ["pdfinfo", str(path)], capture_output=True, timeout=POPPLER_TIMEOUT, check=True
    )
    for line in result.stdout.decode("utf-8", "replace").splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return 0


@dataclass
class Pages:
    """The page images of one PDF, cached under ``folder``."""

    folder: str
    total: int = 0
    sizes: list[tuple[int, int]] = field(default_factory=list)
    error: str = ""

    @property
    def shown(self) -> int:
        return len(self.sizes)

    @property
    def truncated(self) -> bool:
        return self.total > self.shown

    def image_name(self, number: int) -> str:
        return f"{self.folder}/page-{number:03d}.png"


def _rasterised(folder: str, read_pdf) -> Pages:
    """Page images of a PDF (``read_pdf()`` gives its bytes), made once and kept in ``folder``."""
    index = f"{folder}/pages.json"
    if default_storage.exists(index):
        with default_storage.open(index, "rb") as fh:
            data = json.loads(fh.read())
        return Pages(
            folder, data["total"], [tuple(s) for s in data["sizes"]], data.get("error", "")
        )
    pages = Pages(folder)
    with tempfile.TemporaryDirectory(prefix="congvu-preview-") as tmp:
        source = Path(tmp) / "in.pdf"
        try:
            source.write_bytes(read_pdf())
        except OSError as exc:  # no room for the temporary copy: no images, nothing cached
            logger.warning("Cannot rasterise %s: %s", folder, exc)
            pages.error = "unavailable"
            return pages
        try:
            pages.total = _page_count(source)
            subprocess.run(
                ["pdftoppm", "-png", "-scale-to", str(PAGE_PIXELS), "-f", "1"]
                + ["-l", str(min(MAX_PAGES, max(pages.total, 1))), str(source), f"{tmp}/p"],
                capture_output=True,
                timeout=POPPLER_TIMEOUT,
                check=True,
            )
        except (subprocess.SubprocessError, OSError, ValueError) as exc:
            logger.warning("Cannot rasterise %s: %s", folder, exc)
            pages.error = "unreadable"
            pages.total = 0
        outputs = sorted(Path(tmp).glob("p-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
        complete = True
        for number, image in enumerate(outputs if not pages.error else [], start=1):
            data = image.read_bytes()
            complete = _save(pages.image_name(number), data) and complete
            pages.sizes.append(_png_size(data))
    # A file poppler cannot read stays unreadable: do not try (and wait) again.
    # With an image missing there is no index, so the next view renders again.
    if complete:
        data = {"total": pages.total, "sizes": pages.sizes, "error": pages.error}
        _save(index, json.dumps(data).encode())
    return pages


def _read(name: str) -> bytes:
    with default_storage.open(name, "rb") as fh:
        return fh.read()


def body_pdf(document: OutgoingDocument) -> tuple[str, bytes]:
    """(content digest of the body, its PDF) as it stands, from the cache when rendered before."""
    body_digest, pdf = _cached_body(document)
    return body_digest, pdf if pdf is not None else _read(_body_pdf_name(body_digest))


def body_pages(document: OutgoingDocument) -> tuple[str, Pages]:
    body_digest, pdf = _cached_body(document)
    folder = _body_pdf_name(body_digest).rsplit("/", 1)[0]
    return body_digest, _rasterised(
        folder, lambda: pdf if pdf is not None else _read(_body_pdf_name(body_digest))
    )


def is_pdf(stored) -> bool:
    return stored.content_type == "application/pdf"


def file_pages(stored) -> Pages | None:
    """Page images of a PDF attachment (None for other kinds), read from the verified blob."""
    if not is_pdf(stored):
        return None
    from congvu.files.services import file_open_verified

    def read() -> bytes:
        with file_open_verified(stored) as fh:
            return fh.read()

    return _rasterised(f"{CACHE_ROOT}/file/{stored.sha256}", read)


def page_image(pages: Pages, number: int) -> bytes | None:
    if not 1 <= number <= pages.shown:
        return None
    try:
        return _read(pages.image_name(number))
    except FileNotFoundError:  # its cache write failed (full disk): the view answers 404
        return None


@dataclass
class FilePreview:
    stored: object
    pages: Pages | None


@dataclass
class Preview:
    """What the "Duyệt ký" page shows, and the digest the approval carries back."""

    digest: str
    body_digest: str
    body: Pages
    files: list[FilePreview]


def document_preview(document: OutgoingDocument) -> Preview:
    """Render (or read back) the pages of ``document`` and of its PDF attachments."""
    body_digest, pages = body_pages(document)
    files = signed_files(document)
    previews = []
    for stored in files:
        try:
            previews.append(FilePreview(stored, file_pages(stored)))
        except ServiceError:  # the blob is missing or altered: listed, not shown
            previews.append(FilePreview(stored, Pages("", error="unreadable")))
    return Preview(_manifest_digest(body_digest, files), body_digest, pages, previews)


def as_shown_to(actor, document: OutgoingDocument, *, authority_prefix="", signer_title=""):
    """What the preview shows ``actor``: to a leader who may approve it, the draft signed by them.

    Anyone else who may see the document sees it as it stands.
    """
    from .selectors import actions_for
    from .services import as_signed_by

    if not actions_for(actor=actor, document=document).get("sign", False):
        return document
    return as_signed_by(
        document, actor, authority_prefix=authority_prefix, signer_title=signer_title
    )


# --- The checks -------------------------------------------------------------------


def require_shown_content(document: OutgoingDocument, shown: str) -> str:
    """At "Duyệt ký": the digest of what the leader saw must be the current one; return it."""
    current = content_digest(document)
    if (shown or "").strip().lower() != current:
        raise ContentChanged(
            _("Dự thảo đã thay đổi sau khi bạn xem; hãy xem lại trước khi duyệt ký."),
            field="content_sha256",
        )
    return current


def require_approved_content(document: OutgoingDocument) -> None:
    """At issuance: the document must still be what the leader approved.

    A document approved before the digest was recorded (blank) is issued as
    before: nothing can be compared.
    """
    if not document.approved_content_sha256:
        return
    if content_digest(document) != document.approved_content_sha256:
        raise ContentChanged(
            _(
                "Văn bản hoặc tệp kèm theo đã thay đổi sau khi lãnh đạo duyệt ký "
                "(nội dung, nơi nhận, tên đơn vị hoặc người ký); văn bản chưa được cấp số. "
                "Lãnh đạo cần trả lại dự thảo để trình duyệt và duyệt ký lại."
            ),
            code="content_changed_since_approval",
        )
