"""The demo signs what it issues, with keys load_demo generates (no key file is shipped)."""

import io

from django.core.management import call_command

import pytest

from congvu.files.services import file_open_verified
from congvu.outgoing.constants import Status
from congvu.outgoing.models import OutgoingDocument
from congvu.signatures.models import KeyKind, SigningKey
from congvu.signatures.pades import AGENCY_FIELD, SIGNER_FIELD
from congvu.signatures.validation import validate_pdf


@pytest.mark.django_db
def test_demo_issues_documents_with_two_valid_signatures(settings):
    settings.CONGVU_SIGNER = "pades"
    call_command("load_demo", stdout=io.StringIO())
    issued = OutgoingDocument.objects.filter(issued_file__isnull=False).exclude(
        status=Status.APPROVED
    )
    assert issued.exists()
    assert set(issued.values_list("signed_with", flat=True)) == {"pades"}
    doc = issued.order_by("pk").first()
    with file_open_verified(doc.issued_file) as handle:
        reports = validate_pdf(handle.read())
    assert [r.field for r in reports] == [SIGNER_FIELD, AGENCY_FIELD]
    assert all(r.ok for r in reports), reports
    assert SigningKey.objects.filter(kind=KeyKind.PERSON, user=doc.signer).exists()


@pytest.mark.django_db
def test_demo_has_a_draft_with_a_pdf_waiting_for_the_chairmans_duyet_ky(settings, client):
    """A tester opens "Chờ duyệt ký" as chutich.thanhphu and reads the draft and its PDF."""
    from django.urls import reverse

    from congvu.accounts.models import User
    from congvu.files.selectors import files_of
    from congvu.outgoing.selectors import to_sign

    settings.CONGVU_SIGNER = "pades"
    call_command("load_demo", stdout=io.StringIO())
    chairman = User.objects.get(username="chutich.thanhphu")
    waiting = list(to_sign(actor=chairman))
    with_pdf = [
        d for d in waiting if files_of(d, "attachment").filter(content_type="application/pdf")
    ]
    assert len(with_pdf) == 1, waiting
    doc = with_pdf[0]
    assert doc.status == Status.IN_REVIEW
    assert doc.subject.startswith("Quyết định phê duyệt danh sách hộ được hỗ trợ")
    client.force_login(chairman)
    listed = client.get(reverse("outgoing:list"), {"tab": "sign"}).content.decode()
    assert reverse("outgoing:detail", args=[doc.pk]) in listed
    page = client.get(reverse("outgoing:sign", args=[doc.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "phu-luc-danh-sach.pdf" in html
    assert 'name="content_sha256"' in html  # the approval form is there: he may sign it
