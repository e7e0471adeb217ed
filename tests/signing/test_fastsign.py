"""The proposed signing savings (fastsign.py) sign as well as the current path."""

import contextlib

import pytest

from congvu.files.services import file_open_verified
from congvu.signatures import fastsign, pades, pki
from congvu.signatures.validation import validate_pdf
from tests.outgoing.helpers import issued
from tests.signing.conftest import PASSWORD


@pytest.fixture(autouse=True)
def empty_cache():
    fastsign.clear()
    yield
    fastsign.clear()


def test_a_pkcs12_file_is_opened_once_and_forgotten_on_request(ca):
    data = pki.issue_pkcs12(ca, "Lê Văn Ký", "UBND", PASSWORD)
    first = fastsign.cached_pkcs12_signer(data, PASSWORD.encode())
    assert fastsign.cached_pkcs12_signer(data, PASSWORD.encode()) is first
    other = pki.issue_pkcs12(ca, "Trần Thị Khác", "UBND", PASSWORD)
    assert fastsign.cached_pkcs12_signer(other, PASSWORD.encode()) is not first
    fastsign.forget(data, PASSWORD.encode())
    assert fastsign.cached_pkcs12_signer(data, PASSWORD.encode()) is not first


def test_a_wrong_password_is_not_cached(ca):
    data = pki.issue_pkcs12(ca, "Lê Văn Ký", "UBND", PASSWORD)
    with pytest.raises(Exception):  # noqa: B017 - pyHanko's or cryptography's error, either way no signer
        fastsign.cached_pkcs12_signer(data, b"sai")
    assert fastsign._signers == {}


@pytest.mark.django_db
def test_documents_signed_with_reserved_room_and_cached_keys_validate(signing, monkeypatch):
    from pyhanko.sign.signers.pdf_signer import PdfSigner

    original_sign = PdfSigner.sign_pdf
    rooms = []

    def sign_pdf(self, pdf_out, existing_fields_only=False, bytes_reserved=None, **kw):
        room = fastsign.signature_room(self.default_timestamper is not None)
        rooms.append(room)
        return original_sign(self, pdf_out, existing_fields_only, room, **kw)

    @contextlib.contextmanager
    def signer(material):
        yield fastsign.cached_pkcs12_signer(material.pkcs12, material.password)

    monkeypatch.setattr(PdfSigner, "sign_pdf", sign_pdf)
    monkeypatch.setattr(pades, "_signer", signer)
    for _ in range(2):
        document = issued(signing)
        with file_open_verified(document.issued_file) as handle:
            reports = validate_pdf(handle.read())
        assert [r.field for r in reports] == [pades.SIGNER_FIELD, pades.AGENCY_FIELD]
        assert all(r.ok for r in reports), reports
    assert rooms == [fastsign.ROOM_WITHOUT_TIMESTAMP] * 4
    assert len(fastsign._signers) == 2  # the leader's and the agency's, opened once each
