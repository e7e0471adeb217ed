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
