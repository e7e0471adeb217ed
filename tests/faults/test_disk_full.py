"""The disk fills up while a file is being stored.

The app runs with a file-size limit (RLIMIT_FSIZE), so the write of the blob
fails with a real EFBIG from the kernel half way through, as it would with
ENOSPC on a full disk. The user gets a clear message (507 from the API, a
form error on the page), and nothing is half written: no file row, no
partial blob, no number taken.
"""

from __future__ import annotations

from congvu.files.models import StoredFile
from congvu.incoming.models import IncomingDocument
from congvu.outgoing.constants import Status
from congvu.outgoing.models import OutgoingDocument
from congvu.registry.models import DocumentType, IssuedNumber
from tests.files.builders import pdf_bytes
from tests.outgoing.conftest import make_commune
from tests.outgoing.helpers import approved

from .conftest import csrf_token
from .invariants import assert_files_consistent, assert_numbers_contiguous

# Smaller than an issued PDF (about 16 KB) and than the scan uploaded below.
LIMIT = 8 * 1024
FULL = "Kho lưu trữ tệp đã đầy"


def test_disk_full_while_storing(faults_env):
    commune = make_commune("Thạnh Phú")
    doc = approved(commune)
    app = faults_env.app(fsize_limit=LIMIT)

    # Issuing stores the signed PDF: refused, the number goes back to the register.
    api = app.api(commune.clerk)
    response = api.post(f"{app.url}/api/v1/outgoing-documents/{doc.pk}/issue/", timeout=120)
    assert response.status_code == 507, response.text[:2000]
    body = response.json()
    assert body["code"] == "storage_full"
    assert FULL in body["message"]
    assert body["errors"][0]["field"] == "file"
    doc.refresh_from_db()
    assert (doc.status, doc.number) == (Status.APPROVED, None)
    assert not IssuedNumber.objects.exists()

    # Registering a scanned document through the page: the form says why.
    scan = pdf_bytes(pages=2, title="Công văn quét " * 1000)
    assert len(scan) > LIMIT
    http = app.session(commune.clerk)
    url = f"{app.url}/app/van-ban-den/vao-so/"
    page = http.post(
        url,
        data={
            "csrfmiddlewaretoken": csrf_token(http, url),
            "unit": commune.unit.pk,
            "issuer_name": "Sở Nội vụ tỉnh Vĩnh Long",
            "number_notation": "77/SNV-VP",
            "document_date": "2026-11-20",
            "document_type": DocumentType.objects.get(code="cong-van").pk,
            "subject": "V/v báo cáo biên chế năm 2026",
            "urgency": 0,
            "secrecy": 0,
        },
        files={"files": ("77-SNV-VP.pdf", scan, "application/pdf")},
        timeout=120,
        allow_redirects=False,
    )
    assert page.status_code == 400, page.status_code
    assert FULL in page.text
    assert not IncomingDocument.objects.exists()

    # Nothing half written: no row, no blob, no number.
    assert not StoredFile.objects.exists()
    assert faults_env.blobs() == set()
    assert_files_consistent(faults_env.media)
    assert_numbers_contiguous()
    assert OutgoingDocument.objects.get(pk=doc.pk).issued_file_id is None
