"""Checking an upload before anything is written: name, size, real type, structure.

The type is decided by the content (magic bytes, and for the zip-based office
formats the archive structure), and the extension must agree with it. PDFs are
parsed (malformed or encrypted ones are refused); archives are checked against
zip bombs from their central directory before any member is read.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from congvu.core.errors import FieldError, ServiceError

MiB = 1024 * 1024

PDF = "pdf"
DOCX = "docx"
XLSX = "xlsx"
ODT = "odt"
JPEG = "jpeg"
PNG = "png"

CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ODT: "application/vnd.oasis.opendocument.text",
    JPEG: "image/jpeg",
    PNG: "image/png",
}
EXTENSIONS = {
    "pdf": PDF,
    "docx": DOCX,
    "xlsx": XLSX,
    "odt": ODT,
    "jpg": JPEG,
    "jpeg": JPEG,
    "png": PNG,
}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"

MAX_NAME_LENGTH = 180
_FORBIDDEN_NAME_CHARS = re.compile(r'[<>:"/\\|?*]')


@dataclass(frozen=True)
class DetectedFile:
    """What an accepted upload is: its clean name, real kind and size."""

    name: str
    extension: str
    kind: str
    content_type: str
    size: int
    page_count: int | None = None


def _error(message: str, code: str) -> ServiceError:
    return ServiceError(message, code=code, field="file")


def max_upload_bytes() -> int:
    return int(getattr(settings, "CONGVU_MAX_UPLOAD_BYTES", 20 * MiB))


def sanitize_name(name: str | None) -> str:
    """A safe display name: no directories, control characters or reserved characters.

    Vietnamese letters are kept (NFC). Returns "" when nothing usable is left.
    """
    name = unicodedata.normalize("NFC", str(name or ""))
    # Keep only the last path component, whatever the separator.
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in name)
    name = _FORBIDDEN_NAME_CHARS.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    if name in {"", ".", ".."}:
        return ""
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[: MAX_NAME_LENGTH - len(ext) - 1].rstrip(" .") + "." + ext
        else:
            name = name[:MAX_NAME_LENGTH]
    return name


def _size_of(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        pos = upload.tell()
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
        upload.seek(pos)
    return int(size)


def _head(upload, n: int = 1024) -> bytes:
    upload.seek(0)
    data = upload.read(n)
    upload.seek(0)
    return data or b""


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if b"%PDF-" in head[:1024]:
        return PDF
    return None


def _archive_limits() -> tuple[int, int, int]:
    return (
        int(getattr(settings, "CONGVU_ARCHIVE_MAX_UNCOMPRESSED_BYTES", 200 * MiB)),
        int(getattr(settings, "CONGVU_ARCHIVE_MAX_RATIO", 100)),
        int(getattr(settings, "CONGVU_ARCHIVE_MAX_ENTRIES", 2000)),
    )


def _check_archive(upload, size: int) -> str:
    """The office format of a zip upload (DOCX, XLSX, ODT), after zip-bomb checks."""
    upload.seek(0)
    try:
        archive = zipfile.ZipFile(upload)
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise _error(_("Tệp bị hỏng hoặc không đọc được."), "file_malformed") from exc
    max_total, max_ratio, max_entries = _archive_limits()
    total = sum(info.file_size for info in infos)
    compressed = max(sum(info.compress_size for info in infos), 1)
    too_large = (
        len(infos) > max_entries
        or total > max_total
        # A high ratio is only suspicious for a large content: small XML compresses well.
        or (total > 10 * MiB and total / compressed > max_ratio)
        or any(
            info.file_size > MiB and info.file_size / max(info.compress_size, 1) > max_ratio
            for info in infos
        )
    )
    if too_large:
        raise _error(
            _("Tệp nén có dung lượng giải nén hoặc số thành phần vượt giới hạn cho phép."),
            "archive_too_large",
        )
    names = {info.filename for info in infos}
    kind = None
    if "[Content_Types].xml" in names:
        if any(n.startswith("word/") for n in names):
            kind = DOCX
        elif any(n.startswith("xl/") for n in names):
            kind = XLSX
    elif "mimetype" in names:
        try:
            with archive.open("mimetype") as fh:
                if fh.read(len(ODT_MIMETYPE) + 1).strip() == ODT_MIMETYPE:
                    kind = ODT
        except (zipfile.BadZipFile, OSError, RuntimeError, ValueError) as exc:
            raise _error(_("Tệp bị hỏng hoặc không đọc được."), "file_malformed") from exc
    upload.seek(0)
    if kind is None:
        raise _error(_("Loại tệp không được phép."), "type_not_allowed")
    return kind


def _check_pdf(upload) -> int:
    """Page count of a readable, unencrypted PDF."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    upload.seek(0, io.SEEK_END)
    end = upload.tell()
    upload.seek(max(end - 2048, 0))
    tail = upload.read()
    upload.seek(0)
    if b"%%EOF" not in tail:
        raise _error(_("Tệp PDF bị hỏng hoặc không đầy đủ."), "pdf_malformed")
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            raise _error(
                _("Tệp PDF đã được mã hóa (đặt mật khẩu); hãy gửi tệp không mã hóa."),
                "pdf_encrypted",
            )
        pages = len(reader.pages)
    except ServiceError:
        raise
    except (PdfReadError, Exception) as exc:  # pypdf raises many kinds on broken input
        raise _error(_("Tệp PDF bị hỏng hoặc không đầy đủ."), "pdf_malformed") from exc
    finally:
        upload.seek(0)
    if pages < 1:
        raise _error(_("Tệp PDF bị hỏng hoặc không đầy đủ."), "pdf_malformed")
    return pages


def _check_image(upload) -> None:
    from PIL import Image

    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.verify()
    except Image.DecompressionBombError as exc:
        raise _error(_("Ảnh có kích thước điểm ảnh quá lớn."), "image_too_large") from exc
    except Exception as exc:
        raise _error(_("Tệp ảnh bị hỏng hoặc không đọc được."), "file_malformed") from exc
    finally:
        upload.seek(0)


def _virus_scan(upload) -> None:
    dotted = getattr(settings, "CONGVU_VIRUS_SCANNER", "") or ""
    if not dotted:
        return
    scanner = import_string(dotted)
    upload.seek(0)
    try:
        scanner(upload)
    except ServiceError as exc:
        if not exc.errors:
            exc.errors.append(FieldError(field="file", code=exc.code, message=exc.message))
        raise
    except Exception as exc:
        raise _error(
            _("Tệp không qua được kiểm tra mã độc nên không được nhận."), "virus_detected"
        ) from exc
    finally:
        upload.seek(0)


def file_validate(upload) -> DetectedFile:
    """Check an upload (name, size, real type, structure, virus hook); write nothing.

    Raises ``ServiceError`` with ``field="file"`` and a stable code:
    ``name_required``, ``file_empty``, ``file_too_large``, ``type_not_allowed``,
    ``type_mismatch``, ``file_malformed``, ``pdf_malformed``, ``pdf_encrypted``,
    ``archive_too_large``, ``image_too_large``, ``virus_detected``.
    """
    if upload is None:
        raise _error(_("Hãy chọn tệp."), "file_required")
    name = sanitize_name(getattr(upload, "name", ""))
    stem, dot, ext = name.rpartition(".")
    if not name or not dot or not stem.strip(" ._-"):
        raise _error(_("Tên tệp trống hoặc không hợp lệ."), "name_required")
    extension = ext.lower()
    if extension not in EXTENSIONS:
        raise _error(
            _("Loại tệp không được phép. Chỉ nhận PDF, DOCX, XLSX, ODT, JPG, PNG."),
            "type_not_allowed",
        )
    size = _size_of(upload)
    if size <= 0:
        raise _error(_("Tệp rỗng."), "file_empty")
    limit = max_upload_bytes()
    if size > limit:
        raise _error(
            _("Tệp quá lớn: tối đa %(mb)s MB.") % {"mb": f"{limit / MiB:g}"}, "file_too_large"
        )
    sniffed = _sniff(_head(upload))
    if sniffed is None:
        raise _error(
            _("Nội dung tệp không phải PDF, DOCX, XLSX, ODT, JPG hay PNG."), "type_not_allowed"
        )
    kind = _check_archive(upload, size) if sniffed == "zip" else sniffed
    if EXTENSIONS[extension] != kind:
        raise _error(
            _("Phần mở rộng .%(ext)s không khớp với nội dung tệp.") % {"ext": extension},
            "type_mismatch",
        )
    pages = None
    if kind == PDF:
        pages = _check_pdf(upload)
    elif kind in (JPEG, PNG):
        _check_image(upload)
    _virus_scan(upload)
    upload.seek(0)
    return DetectedFile(
        name=name,
        extension=extension,
        kind=kind,
        content_type=CONTENT_TYPES[kind],
        size=size,
        page_count=pages,
    )
