"""Refusals happen before anything is written, each with a stable code and field ``file``."""

import io

from django.core.files import File

import pytest

from congvu.core.errors import ServiceError
from congvu.files.validation import file_validate, sanitize_name

from . import builders as b


def refused(name, data) -> ServiceError:
    with pytest.raises(ServiceError) as exc:
        file_validate(b.upload(name, data))
    assert exc.value.errors and exc.value.errors[0].field == "file"
    assert exc.value.message
    return exc.value


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("anh.pdf", b.image_bytes),  # a PNG called .pdf
        ("tai-lieu.docx", lambda: b.xlsx_bytes("a")),  # a workbook called .docx
        ("bang.xlsx", lambda: b.docx_bytes("a")),
        ("anh.png", lambda: b.image_bytes("JPEG")),
        ("van-ban.odt", lambda: b.docx_bytes("a")),
        ("anh.jpg", b.pdf_bytes),
    ],
)
def test_wrong_content_with_an_allowed_extension_is_refused(name, build):
    assert refused(name, build()).code == "type_mismatch"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("script.pdf", b"#!/bin/sh\necho hi\n"),
        ("page.docx", b"<html><body>x</body></html>"),
        ("archive.docx", b"PK\x03\x04" + b"\0" * 40),
    ],
)
def test_content_that_is_no_allowed_type_is_refused(name, data):
    assert refused(name, data).code in {"type_not_allowed", "file_malformed"}


def test_a_plain_zip_named_docx_is_refused():
    data = b._zip([("readme.txt", b"hello")])
    assert refused("x.docx", data).code == "type_not_allowed"


def test_an_odt_needs_its_mimetype_entry():
    data = b._zip([("mimetype", b"application/vnd.oasis.opendocument.spreadsheet")])
    assert refused("x.odt", data).code == "type_not_allowed"


@pytest.mark.parametrize("name", ["virus.exe", "macro.docm", "trang.html", "khong-duoi"])
def test_extension_outside_the_list_is_refused(name):
    assert refused(name, b.pdf_bytes()).code in {"type_not_allowed", "name_required"}


def test_truncated_pdf_is_malformed():
    data = b.pdf_bytes()
    assert refused("cut.pdf", data[: len(data) // 2]).code == "pdf_malformed"


def test_garbage_after_a_pdf_header_is_malformed():
    assert (
        refused("bad.pdf", b"%PDF-1.7\n" + b"garbage " * 50 + b"\n%%EOF\n").code == "pdf_malformed"
    )


def test_encrypted_pdf_is_refused():
    assert refused("secret.pdf", b.encrypted_pdf_bytes()).code == "pdf_encrypted"


def test_zip_bomb_is_refused_before_reading_members():
    assert refused("bomb.docx", b.zip_bomb_docx(40)).code == "archive_too_large"


def test_archive_with_too_many_entries_is_refused(settings):
    settings.CONGVU_ARCHIVE_MAX_ENTRIES = 10
    extra = [(f"word/media/{i}.xml", b"<x/>") for i in range(20)]
    assert refused("many.docx", b.docx_bytes("a", extra=extra)).code == "archive_too_large"


def test_archive_over_the_uncompressed_total_is_refused(settings):
    settings.CONGVU_ARCHIVE_MAX_UNCOMPRESSED_BYTES = 1024
    assert refused("big.docx", b.docx_bytes("a" * 5000)).code == "archive_too_large"


def test_oversize_upload_is_refused(settings):
    settings.CONGVU_MAX_UPLOAD_BYTES = 1000
    error = refused("big.png", b.image_bytes(size=(400, 400)) + b"\0" * 2000)
    assert error.code == "file_too_large"


def test_empty_file_is_refused():
    assert refused("empty.pdf", b"").code == "file_empty"


def test_broken_image_is_refused():
    data = b.image_bytes()
    assert refused("broken.png", data[:30]).code == "file_malformed"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\system32\\a.pdf", "a.pdf"),
        ("/tmp/x/Quyết định số 12.pdf", "Quyết định số 12.pdf"),
        ("Báo\x00cáo\r\n tháng 11.pdf", "Báo cáo tháng 11.pdf"),
        ("  .hidden.pdf  ", "hidden.pdf"),
        ('Tờ "trình" <mới>?.docx', "Tờ _trình_ _mới__.docx"),
        ("Ủy ban nhân dân xã Thạnh Phú.pdf", "Ủy ban nhân dân xã Thạnh Phú.pdf"),
        # Decomposed (NFD) Vietnamese is normalised to NFC.
        ("Nguye\u0302\u0303n.pdf", "Nguyễn.pdf"),
    ],
)
def test_names_are_sanitised_and_keep_vietnamese(raw, clean):
    assert sanitize_name(raw) == clean


def test_long_names_keep_their_extension():
    name = sanitize_name("Trích yếu rất dài " * 40 + ".pdf")
    assert name.endswith(".pdf") and len(name) <= 180


@pytest.mark.parametrize("name", ["", "   ", "..", "../", ".pdf", "\x00\x01.pdf", "///"])
def test_empty_names_are_refused(name):
    # Django's own upload class refuses some of these names already; a plain File does not.
    with pytest.raises(ServiceError) as exc:
        file_validate(File(io.BytesIO(b.pdf_bytes()), name=name))
    assert exc.value.code == "name_required"


def test_accepted_name_is_the_sanitised_one():
    detected = file_validate(b.upload("../Công văn\t01.pdf", b.pdf_bytes()))
    assert detected.name == "Công văn 01.pdf"
    assert detected.page_count == 1


def refuse_everything(fileobj):
    fileobj.read(4)
    raise RuntimeError("EICAR test signature found")


def accept_everything(fileobj):
    assert fileobj.read(4) == b"%PDF"


def test_virus_scanner_hook_refuses(settings):
    settings.CONGVU_VIRUS_SCANNER = f"{__name__}.refuse_everything"
    assert refused("a.pdf", b.pdf_bytes()).code == "virus_detected"


def test_virus_scanner_hook_sees_the_content_and_accepts(settings):
    settings.CONGVU_VIRUS_SCANNER = f"{__name__}.accept_everything"
    assert file_validate(b.upload("a.pdf", b.pdf_bytes())).kind == "pdf"
