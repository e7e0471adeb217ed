"""Bad uploads through the real registration page: refused with the reason, nothing left behind.

tests/files/test_validation.py checks ``file_validate`` case by case. Here each
bad file goes the whole way a clerk's upload goes (multipart POST to
/app/van-ban-den/vao-so/, Django's upload handlers, the form, the
``incoming_register`` service and ``file_store`` in its transaction), and
afterwards there must be no document, no StoredFile row, no audit record of a
stored file and no blob in the storage.

The page answers 400 and re-renders the form with the Vietnamese message of
the refusal next to the file field (checked by matching the message of
``file_validate`` for the same bytes). The
API (a one-stop officer handing in a supplement, multipart POST to
/api/v1/dossiers/<id>/supplement-answer/) answers 400 with the stable code on
field ``file``, and the dossier's earlier files stay as they were.
"""

from __future__ import annotations

import html
import io
import re
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from congvu.audit.models import AuditRecord
from congvu.core.errors import ServiceError
from congvu.files.models import StoredFile
from congvu.files.validation import file_validate
from congvu.incoming.models import IncomingDocument
from congvu.registry.models import DocumentType
from tests.factories import PositionFactory, UnitFactory
from tests.onestop.conftest import (  # noqa: F401 - fixtures of a received dossier
    _memory_sms,
    applicant,
    citizen,
    commune,
    officer,
    procedure,
    received,
    submit,
    version,
)

from . import builders as b

pytestmark = pytest.mark.django_db
URL = "/app/van-ban-den/vao-so/"


def xlsx_bomb(uncompressed_mb: int = 40) -> bytes:
    """A real workbook with one extra member of zeros that inflates about 1000:1."""
    out = io.BytesIO(b.xlsx_bytes("Số đến"))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/bomb.bin", b"\0" * (uncompressed_mb * 1024 * 1024))
    return out.getvalue()


def truncated_pdf() -> bytes:
    data = b.pdf_bytes(pages=3)
    return data[: len(data) // 2]


# (case, file name, bytes builder, declared Content-Type, expected code)
CASES = [
    (
        "html-named-pdf",
        "bao-cao.pdf",
        lambda: b"<html><body><script>alert(1)</script></body></html>",
        "application/pdf",
        "type_not_allowed",
    ),
    ("executable", "cai-dat.exe", lambda: b"MZ\x90\x00" + b"\0" * 200, "application/pdf", None),
    ("png-declared-pdf", "quet.pdf", b.image_bytes, "application/pdf", "type_mismatch"),
    ("docx-named-xlsx", "bang.xlsx", lambda: b.docx_bytes("a"), "application/pdf", "type_mismatch"),
    ("truncated-pdf", "cat-ngang.pdf", truncated_pdf, "application/pdf", "pdf_malformed"),
    ("encrypted-pdf", "mat-khau.pdf", b.encrypted_pdf_bytes, "application/pdf", "pdf_encrypted"),
    (
        "malformed-pdf",
        "hong.pdf",
        lambda: b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\nendobj\n%%EOF\n",
        "application/pdf",
        "pdf_malformed",
    ),
    (
        "zip-bomb-docx",
        "bom.docx",
        lambda: b.zip_bomb_docx(40),
        "application/zip",
        "archive_too_large",
    ),
    ("zip-bomb-xlsx", "bom.xlsx", lambda: xlsx_bomb(40), "application/zip", "archive_too_large"),
    (
        "broken-zip-docx",
        "hong.docx",
        lambda: b"PK\x03\x04" + b"\xff" * 300,
        "application/zip",
        None,
    ),
    ("name-is-only-an-extension", ".pdf", b.pdf_bytes, "application/pdf", "name_required"),
]


@pytest.fixture
def scene():
    town = UnitFactory(commune=True, name="Ủy ban nhân dân xã An Thạnh")
    clerk = PositionFactory(clerk=True, unit=town, clearance=1).user
    return {
        "commune": town,
        "clerk": clerk,
        "cong_van": DocumentType.objects.get(code="cong-van"),
    }


def form_data(scene, **extra) -> dict:
    data = {
        "unit": scene["commune"].pk,
        "issuer_name": "Sở Nội vụ tỉnh Vĩnh Long",
        "number_notation": "77/SNV-VP",
        "document_date": "2026-11-20",
        "document_type": scene["cong_van"].pk,
        "subject": "V/v báo cáo biên chế năm 2026",
        "urgency": "0",
        "secrecy": "0",
    }
    data.update(extra)
    return data


def field_errors(page: str, name: str) -> str:
    """The error list Django renders for field ``name`` (empty if there is none)."""
    match = re.search(
        rf'<ul class="errorlist"[^>]*id="id_{name}_error"[^>]*>(.*?)</ul>', page, re.S
    )
    return match[1] if match else ""


def expected_refusal(name: str, data: bytes) -> ServiceError:
    with pytest.raises(ServiceError) as exc:
        file_validate(SimpleUploadedFile(name, data))
    return exc.value


def blobs(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def assert_nothing_left(media):
    assert not IncomingDocument.objects.exists()
    assert not StoredFile.objects.exists()
    assert not AuditRecord.objects.filter(action="congvu.files.storedfile.create").exists()
    assert blobs(media) == []


@pytest.mark.parametrize(
    ("case", "name", "build", "content_type", "code"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_upload_is_refused_with_its_reason_and_leaves_nothing(
    client, scene, _tmp_storage, case, name, build, content_type, code
):
    data = build()
    refusal = expected_refusal(name, data)
    if code is not None:
        assert refusal.code == code
    client.force_login(scene["clerk"])
    upload = SimpleUploadedFile(name, data, content_type=content_type)
    response = client.post(URL, {**form_data(scene), "files": upload})
    assert response.status_code == 400, "the form is shown again as a 400, not a redirect"
    page = html.unescape(response.content.decode())
    assert refusal.message in field_errors(page, "files"), "the reason is next to the field"
    assert_nothing_left(_tmp_storage)


def test_file_over_the_limit_is_refused(client, scene, settings, _tmp_storage):
    settings.CONGVU_MAX_UPLOAD_BYTES = 4096
    data = b.pdf_bytes(pages=1, title="Công văn quét " * 600)
    assert len(data) > 4096
    client.force_login(scene["clerk"])
    upload = SimpleUploadedFile("lon.pdf", data, content_type="application/pdf")
    response = client.post(URL, {**form_data(scene), "files": upload})
    assert response.status_code == 400
    assert "Tệp quá lớn: tối đa" in field_errors(html.unescape(response.content.decode()), "files")
    assert expected_refusal("lon.pdf", data).code == "file_too_large"
    assert_nothing_left(_tmp_storage)


def test_request_body_over_the_server_limit_is_a_400(client, scene, settings, _tmp_storage):
    """Above DATA_UPLOAD_MAX_MEMORY_SIZE for the non-file fields Django answers 400 itself."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client.force_login(scene["clerk"])
    response = client.post(URL, form_data(scene, subject="Trích yếu rất dài " * 200))
    assert response.status_code == 400
    assert_nothing_left(_tmp_storage)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("../../../etc/Công văn 12.pdf", "Công văn 12.pdf"),
        ("..\\..\\Windows\\Tờ trình.pdf", "Tờ trình.pdf"),
        ("Báo\x00cáo\x1b[31m tháng\t11.pdf", "Báocáo[31m tháng11.pdf"),
        ('Tờ "trình" <mới>?.pdf', "Tờ _trình_ _mới__.pdf"),
    ],
)
def test_path_tricks_and_control_characters_never_reach_the_storage(
    client, scene, _tmp_storage, raw, shown
):
    """A name is display text only: directories and control characters are dropped (first by
    Django's multipart parser, then by ``sanitize_name``), and the blob gets a random name
    inside the storage, so no name can write elsewhere or inject into a header."""
    client.force_login(scene["clerk"])
    upload = SimpleUploadedFile(raw, b.pdf_bytes(), content_type="application/pdf")
    response = client.post(URL, {**form_data(scene), "files": upload})
    assert response.status_code == 302
    stored = StoredFile.objects.get()
    assert stored.original_name == shown
    assert not any(ch in stored.original_name for ch in "/\\\x00\r\n\x1b")
    (blob,) = blobs(_tmp_storage)
    assert blob.resolve().is_relative_to(_tmp_storage.resolve())
    assert blob.name.endswith(".pdf") and shown.split(".")[0] not in blob.name
    download = client.get(f"/app/tep/{stored.pk}/")
    assert download.status_code == 200
    assert (
        "\n" not in download["Content-Disposition"] and "\r" not in download["Content-Disposition"]
    )


def test_a_name_that_splits_the_part_header_is_refused(client, scene, _tmp_storage):
    """CR/LF in a file name would end the multipart header early: the name is refused."""
    client.force_login(scene["clerk"])
    upload = SimpleUploadedFile("Báo cáo\r\nX-Injected: 1\r\n.pdf", b.pdf_bytes())
    response = client.post(URL, {**form_data(scene), "files": upload})
    assert response.status_code == 400
    assert "Tên tệp trống hoặc không hợp lệ." in html.unescape(response.content.decode())
    assert_nothing_left(_tmp_storage)


@pytest.fixture
def awaiting_supplement(received, officer):  # noqa: F811 - fixtures imported above
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_login(officer)
    response = api.post(
        f"/api/v1/dossiers/{received.pk}/request-supplement/",
        {"items": ["Giấy chứng sinh bản chính"], "reason": "Bản chụp không rõ"},
        format="json",
    )
    assert response.status_code == 200, response.content[:500]
    return received, api


@pytest.mark.parametrize(
    ("case", "name", "build", "content_type", "code"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_upload_through_the_api_is_a_400_with_its_code(
    awaiting_supplement, _tmp_storage, case, name, build, content_type, code
):
    dossier, api = awaiting_supplement
    files_before = list(StoredFile.objects.values_list("pk", "sha256"))
    blobs_before = sorted(blobs(_tmp_storage))
    data = build()
    refusal = expected_refusal(name, data)
    response = api.post(
        f"/api/v1/dossiers/{dossier.pk}/supplement-answer/",
        {
            "name": "Giấy chứng sinh bản chính",
            "file": SimpleUploadedFile(name, data, content_type=content_type),
        },
        format="multipart",
    )
    assert response.status_code == 400, response.content[:500]
    body = response.json()
    assert body["code"] == refusal.code
    assert code is None or body["code"] == code
    assert body["message"] == refusal.message
    assert [e["field"] for e in body["errors"]] == ["file"]
    assert list(StoredFile.objects.values_list("pk", "sha256")) == files_before
    assert sorted(blobs(_tmp_storage)) == blobs_before


def test_every_refusal_code_has_a_vietnamese_message():
    """Each refusal tested above names the file field and speaks Vietnamese."""
    for _case, name, build, _ct, code in CASES:
        refusal = expected_refusal(name, build())
        assert refusal.errors[0].field == "file"
        assert refusal.code and (code is None or refusal.code == code)
        assert any(
            ch in refusal.message for ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
        )
