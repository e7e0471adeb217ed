"""edXML fixtures on disk, a throw-away CA and agency key, and a commune with a QCVN code."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import pkcs12

from congvu.exchange import edxml
from congvu.signatures import pki

FIXTURES = Path(__file__).parent / "fixtures"
VALID = sorted((FIXTURES / "valid").glob("*.xml"))
MALFORMED = [
    tuple(line.split())
    for line in (FIXTURES / "malformed" / "codes.txt").read_text().splitlines()
    if line.strip()
]
#: The code the commune of the tests carries (the recipient of the fixtures).
COMMUNE_CODE = "000.31.10.H56"
PROVINCE_CODE = "000.00.00.H56"


def fixture_bytes(name: str) -> bytes:
    for folder in ("valid", "malformed"):
        path = FIXTURES / folder / name
        if path.exists():
            return path.read_bytes()
    raise FileNotFoundError(name)


@pytest.fixture(autouse=True)
def _tmp_storage(_tmp_storage):
    """Each test stores packages and files in its own directory."""
    return _tmp_storage


@pytest.fixture
def ca():
    return pki.make_ca()


@pytest.fixture
def agency_material(ca):
    """(key, certificate, chain) of an agency certificate from the test CA."""
    data = pki.issue_pkcs12(ca, "UBND tỉnh Vĩnh Long", "UBND tỉnh Vĩnh Long", "pw")
    key, cert, chain = pkcs12.load_key_and_certificates(data, b"pw")
    return key, cert, list(chain)


def sample_message(**changes) -> edxml.EdXMLMessage:
    """A complete document message as congvu writes it."""
    values = {
        "from_": edxml.Organization(
            organ_id=PROVINCE_CODE,
            organ_name="Ủy ban nhân dân tỉnh Vĩnh Long",
            email="vanthu@vinhlong.gov.vn",
        ),
        "to": [edxml.Organization(organ_id=COMMUNE_CODE, organ_name="UBND xã Thạnh Phú")],
        "code": edxml.Code("125", "QĐ-UBND"),
        "promulgation_place": "Vĩnh Long",
        "promulgation_date": datetime.date(2026, 3, 5),
        "document_type": edxml.DocumentTypeInfo(type_name="Quyết định"),
        "subject": "Về việc ban hành Kế hoạch cải cách hành chính năm 2026 & <đặc biệt>",
        "signer": edxml.SignerInfo("KT. CHỦ TỊCH", "Phó Chủ tịch", "Nguyễn Văn An"),
        "due_date": datetime.date(2026, 3, 20),
        "to_places": ["Sở Nội vụ"],
        "other_info": edxml.OtherInfo(priority=2, page_amount=3, appendixes=["Phụ lục I"]),
        "response_for": [edxml.ResponseFor(COMMUNE_CODE, "12/UBND-VP", datetime.date(2026, 1, 2))],
        "steering_type": 0,
        "document_id": f"{PROVINCE_CODE},2026,125/QĐ-UBND",
        "trace_headers": [
            edxml.TraceHeader(
                PROVINCE_CODE, datetime.datetime(2026, 3, 5, 2, 15, tzinfo=datetime.UTC)
            )
        ],
        "business": edxml.Business(
            doc_type=3,
            reason="Thay thế do sai sót",
            document_id=f"{PROVINCE_CODE},2026,125/QĐ-UBND",
            staff=edxml.StaffInfo("Văn phòng", "Trần Thị Bình", "0912345678", "b@x.vn"),
            replacements=[edxml.ReplacementInfo("000.00.00.H56,2026,120/QĐ-UBND", [COMMUNE_CODE])],
        ),
        "attachments": [
            edxml.Attachment("qd125", "125-QĐ-UBND.pdf", "application/pdf", b"%PDF-1.7 \x00\xff"),
            edxml.Attachment("pl1", "Phụ lục I.docx", "application/msword", b"PK\x03\x04 data"),
        ],
    }
    values.update(changes)
    return edxml.EdXMLMessage(**values)
