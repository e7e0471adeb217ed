"""An issued công văn carries the leader's and the agency's valid PAdES signatures."""

import io
import subprocess

import pytest

from congvu.core.errors import ServiceError
from congvu.files.services import file_open_verified
from congvu.outgoing.constants import Status
from congvu.outgoing.models import OutgoingDocument
from congvu.signatures import pki
from congvu.signatures.pades import AGENCY_FIELD, SIGNER_FIELD
from congvu.signatures.validation import validate_pdf
from tests.outgoing.helpers import approved, issued
from tests.outgoing.layout import runs
from tests.signing.conftest import register_keys


def issued_pdf(commune) -> bytes:
    doc = issued(commune)
    with file_open_verified(doc.issued_file) as handle:
        return handle.read()


@pytest.mark.django_db
def test_issued_document_has_two_valid_signatures(signing):
    data = issued_pdf(signing)
    reports = validate_pdf(data)
    assert [r.field for r in reports] == [SIGNER_FIELD, AGENCY_FIELD]
    assert all(r.ok for r in reports), reports
    assert reports[0].signer == "Nguyễn Thị Hồng Nhung"
    assert reports[1].signer == signing.unit.name
    assert all(r.signed_at is not None for r in reports)


def pdfsig(data: bytes, tmp_path) -> str:
    path = tmp_path / "signed.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout


@pytest.mark.django_db
def test_pdfsig_reports_both_signatures_valid(signing, tmp_path):
    out = pdfsig(issued_pdf(signing), tmp_path)
    assert out.count("Signature Validation: Signature is Valid.") == 2, out
    assert f"Signature Field Name: {SIGNER_FIELD}" in out
    assert f"Signature Field Name: {AGENCY_FIELD}" in out
    assert "Signer Certificate Common Name: Nguyễn Thị Hồng Nhung" in out
    assert "Total document signed" in out


@pytest.mark.django_db
def test_one_altered_byte_breaks_verification(signing, tmp_path):
    data = bytearray(issued_pdf(signing))
    # A byte inside the first signed range (the document's own content stream).
    at = data.index(b"stream", 200) + 40
    data[at] = (data[at] + 1) % 256
    reports = validate_pdf(bytes(data))
    assert reports and not any(r.ok for r in reports)
    assert not reports[0].intact
    assert "Signature is Valid." not in pdfsig(bytes(data), tmp_path)


@pytest.mark.django_db
def test_content_added_after_signing_shows_as_broken(signing):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(issued_pdf(signing)))
    writer.add_stream_to_page(
        0, writer.add_object(generic.StreamObject(stream_data=b"0 0 m 100 100 l S"))
    )
    out = io.BytesIO()
    writer.write(out)
    reports = validate_pdf(out.getvalue())
    assert len(reports) == 2
    assert all(r.intact for r in reports)  # the signed bytes are untouched...
    assert not any(r.ok for r in reports)  # ...but what is shown is no longer what was signed


@pytest.mark.django_db
def test_untrusted_root_is_not_valid(signing):
    data = issued_pdf(signing)
    reports = validate_pdf(data, roots=[])
    assert reports and all(r.intact and not r.trusted and not r.ok for r in reports)


@pytest.mark.django_db
def test_unsigned_pdf_has_no_signature(signing):
    from congvu.outgoing.services.issuance import render_pdf

    doc = approved(signing)
    assert validate_pdf(render_pdf(doc)) == []


@pytest.mark.django_db
def test_leader_without_a_key_cannot_approve_for_signing(settings, admin, ca, commune):
    from congvu.outgoing import services as outgoing
    from tests.outgoing.helpers import drafted

    settings.CONGVU_SIGNER = "pades"
    register_keys(admin, ca, commune, person=False)
    doc = drafted(commune)
    outgoing.draft_submit(actor=commune.specialist, document=doc, reviewers=[commune.leader])
    with pytest.raises(ServiceError) as err:
        outgoing.draft_approve_for_signing(actor=commune.leader, document=doc)
    assert err.value.code == "signer_key_missing"
    assert [e.field for e in err.value.errors] == ["signer"]
    assert "chứng thư số" in err.value.message
    assert OutgoingDocument.objects.get(pk=doc.pk).status == Status.IN_REVIEW


@pytest.mark.django_db
def test_agency_without_a_key_issues_nothing(settings, admin, ca, commune):
    settings.CONGVU_SIGNER = "pades"
    register_keys(admin, ca, commune, agency=False)
    doc = approved(commune)
    with pytest.raises(ServiceError) as err:
        issued_from(doc, commune)
    assert err.value.code == "agency_key_missing"
    doc = OutgoingDocument.objects.get(pk=doc.pk)
    assert doc.status == Status.APPROVED and doc.number is None and not doc.issued_file_id


def issued_from(doc, commune):
    from congvu.outgoing import services

    return services.document_issue(actor=commune.clerk, document=doc)


def widget_rects(data: bytes) -> dict[str, tuple[float, ...]]:
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(data))
    return {
        sig.field_name: tuple(float(v) for v in sig.sig_field["/Rect"])
        for sig in reader.embedded_signatures
    }


@pytest.mark.django_db
def test_images_sit_where_appendix_i_puts_them(signing):
    data = issued_pdf(signing)
    height = 841.89  # A4; pdftotext measures from the top, PDF from the bottom
    words = runs(data)
    title = next(r for r in words if r.text == "CHỦ TỊCH")
    name = next(r for r in words if r.text.startswith(signing.leader.full_name.split()[0]))
    rects = widget_rects(data)
    sx0, sy0, sx1, sy1 = rects[SIGNER_FIELD]
    # The signer's image: between the title line and the name, centred on them.
    assert height - sy1 >= title.bottom
    assert height - sy0 <= name.top
    assert abs((sx0 + sx1) / 2 - title.centre) < 3
    assert abs((sx0 + sx1) / 2 - name.centre) < 3
    # The seal: over about a third of the signer's image, to the left.
    ax0, ay0, ax1, ay1 = rects[AGENCY_FIELD]
    assert ax0 < sx0 < ax1
    overlap = (ax1 - sx0) / (sx1 - sx0)
    assert 0.25 <= overlap <= 0.4
    assert abs((ay0 + ay1) / 2 - (sy0 + sy1) / 2) < 1


@pytest.mark.django_db
def test_seal_text_names_agency_and_vietnam_time(signing):
    doc = issued(signing)
    with file_open_verified(doc.issued_file) as handle:
        data = handle.read()
    words = " ".join(r.text for r in runs(data))
    assert signing.unit.name in words
    assert pki  # generated material, never shipped
    from congvu.signatures.pades import signing_time_text

    assert signing_time_text(doc.issued_at)[:10] in words


@pytest.mark.django_db
def test_rendered_page_shows_red_seal_over_blue_signature(signing, tmp_path):
    from PIL import Image

    data = issued_pdf(signing)
    path = tmp_path / "signed.pdf"
    path.write_bytes(data)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "72",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(path),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    page = Image.open(tmp_path / "p.png").convert("RGB")
    height = page.height
    rects = widget_rects(data)

    def share(rect, test):
        x0, y0, x1, y1 = (round(v) for v in rect)
        pixels = [page.getpixel((x, height - y)) for x in range(x0, x1) for y in range(y0 + 1, y1)]
        return sum(1 for p in pixels if test(*p)) / len(pixels)

    def red(r, g, b):
        return r > 170 and g < 90 and b < 90

    def blue(r, g, b):
        return b > 150 and r < 100

    sx0, sy0, sx1, sy1 = rects[SIGNER_FIELD]
    ax0, ay0, ax1, ay1 = rects[AGENCY_FIELD]
    right_of_seal = (ax1 + 2, sy0, sx1, sy1)
    assert share(right_of_seal, blue) > 0.02  # the signature's strokes
    assert share(right_of_seal, red) == 0
    assert share(rects[AGENCY_FIELD], red) > 0.05  # the seal's rings and star
    left_of_signature = (ax0, ay0, sx0 - 1, ay1)
    assert share(left_of_signature, blue) == 0
