"""Attachments in separate files carry the agency's signature, top right of page 1, no image."""

import io
import subprocess

from django.core.files.base import ContentFile

import pytest

from congvu.files.models import StoredFile
from congvu.files.services import file_open_verified, file_store
from congvu.outgoing import services as outgoing
from congvu.signatures import pki
from congvu.signatures.attachments import (
    ATTACHMENT_PURPOSE,
    SIGNED_ATTACHMENT_PURPOSE,
    signed_attachments,
)
from congvu.signatures.pades import AGENCY_FIELD, attachment_time_text
from congvu.signatures.validation import validate_pdf
from tests.outgoing.helpers import approved
from tests.outgoing.layout import runs

A4 = (595.28, 841.89)
MM = 72 / 25.4


def attachment_pdf(text: str = "Phụ lục danh sách") -> bytes:
    """A one-page A4 PDF with a line of text near the middle (not where the signature goes)."""
    from weasyprint import HTML

    page = "<style>@page { size: A4; margin: 20mm }</style>"
    return HTML(string=f"{page}<p style='margin-top:100mm'>{text}</p>").write_pdf()


def attach(commune, doc, data: bytes, name: str = "phu-luc.pdf"):
    return file_store(
        actor=commune.specialist,
        upload=ContentFile(data, name=name),
        owner=doc,
        purpose=ATTACHMENT_PURPOSE,
    )


def read(stored) -> bytes:
    with file_open_verified(stored) as handle:
        return handle.read()


def widget_rect(data: bytes) -> tuple[float, ...]:
    from pyhanko.pdf_utils.reader import PdfFileReader

    (sig,) = PdfFileReader(io.BytesIO(data)).embedded_signatures
    return tuple(float(v) for v in sig.sig_field["/Rect"])


@pytest.mark.django_db
def test_pdf_attachment_gets_the_agency_signature_top_right(signing, tmp_path):
    files = {}

    def prepare(draft):
        files["pdf"] = attach(signing, draft, attachment_pdf())
        attach(signing, draft, pki.seal_png(), name="so-do.png")  # not a PDF: not signed

    doc = approved(signing, prepare=prepare)
    original = files["pdf"]
    doc = outgoing.document_issue(actor=signing.clerk, document=doc)

    (signed,) = signed_attachments(doc)
    assert signed.purpose == SIGNED_ATTACHMENT_PURPOSE and signed.original_name == "phu-luc.pdf"
    data = read(signed)
    (report,) = validate_pdf(data)
    assert report.field == AGENCY_FIELD and report.ok, report
    assert report.signer == signing.unit.name
    # The original stays as uploaded.
    assert validate_pdf(read(StoredFile.objects.get(pk=original.pk))) == []

    # Top right of page 1: against the right margin, near the top edge.
    x0, y0, x1, y1 = widget_rect(data)
    assert A4[0] - 20 * MM <= x1 <= A4[0] - 10 * MM
    assert A4[1] - 12 * MM <= y1 <= A4[1]
    assert x0 > A4[0] / 2
    # Its text: the agency, the main document's số, ký hiệu and the ISO 8601 time.
    top = [r for r in runs(data) if r.bottom < 25 * MM]
    words = " ".join(r.text for r in top)
    assert signing.unit.name in words
    assert doc.number_notation in words
    assert attachment_time_text(doc.issued_at) in words
    # No image: nothing red or blue is drawn in the box.
    assert not coloured_pixels(data, tmp_path, (x0, y0, x1, y1))


def coloured_pixels(data: bytes, tmp_path, rect) -> int:
    from PIL import Image

    path = tmp_path / "a.pdf"
    path.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "72", "-f", "1", "-l", "1", "-singlefile", path, tmp_path / "a"],
        check=True,
    )
    page = Image.open(tmp_path / "a.png").convert("RGB")
    x0, y0, x1, y1 = (round(v) for v in rect)
    count = 0
    for x in range(x0, x1):
        for y in range(page.height - y1, page.height - y0):
            r, g, b = page.getpixel((x, y))
            if max(r, g, b) - min(r, g, b) > 80:
                count += 1
    return count


@pytest.mark.django_db
def test_internal_recipient_receives_the_signed_attachment(signing):
    from congvu.incoming.models import IncomingDocument
    from tests.outgoing.conftest import make_commune

    other = make_commune("An Qui")
    doc = approved(
        signing,
        prepare=lambda draft: attach(signing, draft, attachment_pdf()),
        recipients=[{"unit": other.unit}],
    )
    outgoing.document_issue(actor=signing.clerk, document=doc)
    incoming = IncomingDocument.objects.get(unit=other.unit)
    received = list(
        StoredFile.objects.filter(
            owner_type="incoming.incomingdocument", owner_id=str(incoming.pk)
        ).order_by("pk")
    )
    assert [f.original_name for f in received][1:] == ["phu-luc.pdf"]
    reports = validate_pdf(read(received[1]))
    assert [r.field for r in reports] == [AGENCY_FIELD] and reports[0].ok


@pytest.mark.django_db
def test_without_pades_attachments_are_not_signed(settings, signing):
    settings.CONGVU_SIGNER = "noop"
    doc = approved(signing, prepare=lambda draft: attach(signing, draft, attachment_pdf()))
    doc = outgoing.document_issue(actor=signing.clerk, document=doc)
    assert signed_attachments(doc) == []


def test_issued_page_and_api_list_the_signed_attachment(signing, client):
    from rest_framework.test import APIClient

    doc = approved(signing, prepare=lambda draft: attach(signing, draft, attachment_pdf()))
    outgoing.document_issue(actor=signing.clerk, document=doc)
    signed = StoredFile.objects.get(
        owner_type="outgoing.outgoingdocument",
        owner_id=str(doc.pk),
        purpose=SIGNED_ATTACHMENT_PURPOSE,
    )
    client.force_login(signing.clerk)
    page = client.get(f"/app/van-ban-di/{doc.pk}/").content.decode()
    assert "Tải bản phát hành (PDF)" in page
    assert f'href="/app/tep/{signed.pk}/"' in page and "phu-luc.pdf" in page
    assert client.get(f"/app/tep/{signed.pk}/").status_code == 200
    api = APIClient()
    api.force_authenticate(signing.clerk)
    listed = api.get(f"/api/v1/outgoing-documents/{doc.pk}/").json()["issued_attachments"]
    assert [(f["id"], f["original_name"]) for f in listed] == [(signed.pk, "phu-luc.pdf")]
