"""poppler's ``pdfsig``, trusting the test CA through an NSS database, agrees with congvu.

``certutil`` (Debian ``libnss3-tools``) makes the database; ``pdfsig -nssdir``
reads its trust from it, as a desktop reader would from the user's store.
"""

import re
import subprocess

import pytest

from congvu.files.services import file_open_verified
from congvu.signatures.pades import AGENCY_FIELD, SIGNER_FIELD
from tests.outgoing.helpers import issued


@pytest.fixture
def nssdb(tmp_path, ca):
    """An NSS database in which the test CA is a trusted issuer."""
    db = tmp_path / "nssdb"
    db.mkdir()
    (tmp_path / "ca.pem").write_text(ca.pem)
    subprocess.run(["certutil", "-N", "-d", f"sql:{db}", "--empty-password"], check=True)
    subprocess.run(
        [
            "certutil",
            "-A",
            "-d",
            f"sql:{db}",
            "-n",
            "congvu test CA",
            "-t",
            "CT,C,C",
            "-i",
            str(tmp_path / "ca.pem"),
        ],
        check=True,
    )
    return f"sql:{db}"


def pdfsig(data: bytes, tmp_path, nssdb) -> str:
    path = tmp_path / "signed.pdf"
    path.write_bytes(data)
    done = subprocess.run(
        ["pdfsig", "-nssdir", nssdb, str(path)], capture_output=True, text=True, check=False
    )
    return done.stdout + done.stderr


def signatures(out: str) -> list[str]:
    """pdfsig's report cut into one block per signature, in file order."""
    return re.split(r"^Signature #\d+:$", out, flags=re.MULTILINE)[1:]


@pytest.mark.django_db
def test_pdfsig_trusts_both_signatures_of_an_issued_document(signing, tmp_path, nssdb):
    doc = issued(signing)
    with file_open_verified(doc.issued_file) as handle:
        data = handle.read()
    blocks = signatures(pdfsig(data, tmp_path, nssdb))
    assert len(blocks) == 2
    assert f"Signature Field Name: {SIGNER_FIELD}" in blocks[0]
    assert f"Signature Field Name: {AGENCY_FIELD}" in blocks[1]
    for block in blocks:
        assert "Signature Validation: Signature is Valid." in block, block
        assert "Certificate Validation: Certificate is Trusted." in block, block


@pytest.mark.django_db
def test_pdfsig_without_the_ca_does_not_trust_them(signing, tmp_path):
    doc = issued(signing)
    with file_open_verified(doc.issued_file) as handle:
        data = handle.read()
    empty = tmp_path / "empty"
    empty.mkdir()
    subprocess.run(["certutil", "-N", "-d", f"sql:{empty}", "--empty-password"], check=True)
    out = pdfsig(data, tmp_path, f"sql:{empty}")
    assert out.count("Signature Validation: Signature is Valid.") == 2
    assert "Certificate is Trusted." not in out


@pytest.mark.django_db
def test_pdfsig_reports_one_altered_byte(signing, tmp_path, nssdb):
    doc = issued(signing)
    with file_open_verified(doc.issued_file) as handle:
        data = bytearray(handle.read())
    at = data.index(b"stream", 200) + 40  # inside the page's content, under both signatures
    data[at] = (data[at] + 1) % 256
    blocks = signatures(pdfsig(bytes(data), tmp_path, nssdb))
    assert len(blocks) == 2
    for block in blocks:
        assert "Signature is Valid." not in block, block
        assert "Digest Mismatch." in block or "Signature is Invalid." in block, block
