"""Every signature is audited (issue 13): one record per key and signature, in the issuance."""

import hashlib

import pytest

from congvu.audit.models import AuditRecord
from congvu.files.services import file_open_verified
from congvu.signatures.key_audit import SIGN_ACTION
from congvu.signatures.models import KeyKind, SigningKey
from congvu.signatures.pades import AGENCY_FIELD, SIGNER_FIELD
from tests.outgoing.helpers import issued

pytestmark = pytest.mark.django_db


def test_issuance_audits_the_leaders_and_the_agencys_signature(signing):
    doc = issued(signing)
    records = list(AuditRecord.objects.filter(action=SIGN_ACTION).order_by("pk"))
    person = SigningKey.objects.get(kind=KeyKind.PERSON)
    agency = SigningKey.objects.get(kind=KeyKind.AGENCY)
    assert [(r.object_id, r.after["field"]) for r in records] == [
        (str(person.pk), SIGNER_FIELD),
        (str(agency.pk), AGENCY_FIELD),
    ]
    with file_open_verified(doc.issued_file) as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    assert all(r.after["sha256"] == digest for r in records)
    assert all(r.after["document_id"] == doc.pk for r in records)
    assert all(r.actor_id == signing.clerk.pk for r in records)


def test_an_unsigned_issuance_audits_no_signature(signing, settings):
    settings.CONGVU_SIGNER = "noop"
    issued(signing)
    assert not AuditRecord.objects.filter(action=SIGN_ACTION).exists()
