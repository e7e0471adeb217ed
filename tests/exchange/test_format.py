"""edXML build and parse: every fixture round-trips, every malformed one is refused with its code."""

from __future__ import annotations

import base64
import datetime
import io
import zipfile

import pytest
from lxml import etree

from congvu.exchange import edxml
from congvu.exchange.edxml.codes import NS

from .conftest import COMMUNE_CODE, MALFORMED, VALID, fixture_bytes, sample_message


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_every_fixture_round_trips(path):
    message = edxml.parse(path.read_bytes())
    rebuilt = edxml.build(message) if message.kind == "edoc" else edxml.build_status(message)
    assert edxml.parse(rebuilt) == message
    # And what we write is stable: writing it again gives the same bytes.
    again = edxml.parse(rebuilt)
    assert (edxml.build(again) if again.kind == "edoc" else edxml.build_status(again)) == rebuilt


def test_what_we_write_round_trips():
    message = sample_message()
    assert edxml.parse(edxml.build(message)) == message


def test_written_package_has_the_shape_the_axis_expects():
    root = etree.fromstring(edxml.build(sample_message()))
    assert root.tag == f"{{{NS}}}edXML" and root.prefix is None
    envelope = root[0]
    assert envelope.prefix == "edXML"
    # Every element inside the envelope carries the edXML: prefix.
    assert {el.prefix for el in envelope.iter() if isinstance(el.tag, str)} == {"edXML"}
    assert etree.QName(root[1]).localname == "AttachmentEncoded"


@pytest.mark.parametrize(("name", "code"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_fixture_is_refused_with_its_code(name, code):
    with pytest.raises(edxml.EdXMLError) as err:
        edxml.parse(fixture_bytes(f"{name}.xml"))
    assert err.value.code == code
    assert err.value.message  # a Vietnamese reason for the văn thư


def test_vnpt_fixture_fields_are_read():
    m = edxml.parse(fixture_bytes("vnpt_prefixed.xml"))
    assert m.from_.organ_id == "000.00.00.H56"
    assert [t.organ_id for t in m.to] == [COMMUNE_CODE, "000.32.10.H56"]
    assert m.code.text == "125/QĐ-UBND"
    assert m.promulgation_date == datetime.date(2026, 3, 5)
    assert m.signer.full_name == "Nguyễn Văn An"
    assert m.other_info.priority == 1
    assert m.to_places == ["Sở Nội vụ", "Lưu: VT"]
    assert m.business.doc_type == 0 and m.business.staff.staff == "Trần Thị Bình"
    assert m.trace_headers[0].timestamp == datetime.datetime(2026, 3, 5, 2, 15, tzinfo=datetime.UTC)
    [attachment] = m.attachments
    assert attachment.name == "125-QD-UBND.pdf"
    assert attachment.data.startswith(b"%PDF-1.4")
    assert m.message_id == "000.00.00.H56,2026,125/QĐ-UBND"


def test_missing_optional_parts_are_tolerated():
    m = edxml.parse(fixture_bytes("no_namespace_minimal.xml"))
    assert m.subject.startswith("Thông báo")
    assert m.attachments == [] and m.business is None and m.trace_headers == []
    assert m.other_info.priority == 0 and m.signer.full_name == ""


def test_revoke_with_iso_dates_is_read():
    m = edxml.parse(fixture_bytes("revoke_iso_dates.xml"))
    assert m.promulgation_date == datetime.date(2026, 3, 5)
    assert m.business.doc_type == 1
    assert [(r.organ_id, r.receiver_type) for r in m.business.document_info.receivers] == [
        ("000.32.10.H56", 0),
        (COMMUNE_CODE, 1),
    ]
    assert m.business.replacements[0].organ_ids == [COMMUNE_CODE, "000.32.10.H56"]


def test_status_messages_are_read():
    s = edxml.parse(fixture_bytes("status_registered.xml"))
    assert isinstance(s, edxml.StatusMessage)
    assert s.status_code == "03" and s.response_for.code == "45/UBND-VP"
    assert s.staff.staff == "Phạm Văn Đông"
    assert edxml.parse(fixture_bytes("status_single_digit.xml")).status_code == "01"


def test_status_codes_are_data_and_configurable(settings):
    from congvu.exchange.edxml.codes import status_meaning

    status = edxml.StatusMessage(
        from_=edxml.Organization(COMMUNE_CODE), status_code="07", response_for=edxml.ResponseFor()
    )
    with pytest.raises(edxml.EdXMLError) as err:
        edxml.parse(edxml.build_status(status))
    assert err.value.code == "edxml_bad_value:StatusCode"
    settings.CONGVU_EDXML_STATUS_CODES = {"07": "Đã chuyển đơn vị khác"}
    assert edxml.parse(edxml.build_status(status)).status_code == "07"
    assert status_meaning("07") == "Đã chuyển đơn vị khác"
    assert status_meaning("03") == "Đã tiếp nhận (vào sổ)"


def test_entities_are_never_expanded():
    # Even without a DOCTYPE check, no entity text may reach the message.
    data = fixture_bytes("xxe.xml")
    with pytest.raises(edxml.EdXMLError) as err:
        edxml.parse(data)
    assert err.value.code == "edxml_dtd_forbidden"
    from congvu.exchange.edxml.safexml import _parser

    root = etree.fromstring(data, _parser())
    assert "root:" not in "".join(root.itertext())


def test_oversized_and_deep_packages_are_refused(settings):
    settings.CONGVU_EDXML_MAX_BYTES = 1000
    with pytest.raises(edxml.EdXMLError) as err:
        edxml.parse(fixture_bytes("vnpt_prefixed.xml"))
    assert err.value.code == "edxml_too_large"
    settings.CONGVU_EDXML_MAX_BYTES = 10_000_000
    deep = b"<edXML>" + b"<a>" * 100 + b"</a>" * 100 + b"</edXML>"
    with pytest.raises(edxml.EdXMLError) as err:
        edxml.parse(deep)
    assert err.value.code == "edxml_too_deep"


def test_empty_input_is_malformed():
    with pytest.raises(edxml.EdXMLError) as err:
        edxml.parse(b"")
    assert err.value.code == "edxml_malformed"


def test_zipped_attachments_of_the_vnpt_sdk_are_unwrapped():
    m = edxml.parse(fixture_bytes("vnpt_sdk_zipped.xml"))
    [attachment] = m.attachments
    assert attachment.content_id == "5f1c2d3e-0a1b-4c5d-8e9f-001122334455"
    assert attachment.name == "52-SKHCN-VP.pdf"
    assert attachment.data.startswith(b"%PDF-1.4")
    assert m.document_id == "000.00.14.H56,2026,52/SKHCN-VP"


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "kept_as_sent"),
    [
        # A DOCX is itself a zip of several parts: never unwrapped.
        ("bao-cao.docx", _zip({"[Content_Types].xml": b"x", "word/document.xml": b"y"}), True),
        # A real .zip attachment stays a zip.
        ("ho-so.zip", _zip({"a.pdf": b"%PDF-1.4"}), True),
        # One member of another type: not a wrapper of this file.
        ("to-trinh.pdf", _zip({"khac.txt": b"hello"}), True),
        # The wrapper the SDK writes: unwrapped.
        ("to-trinh.pdf", _zip({"uuid.pdf": b"%PDF-1.4 inside"}), False),
    ],
)
def test_only_a_one_file_wrapper_is_unwrapped(settings, name, data, kept_as_sent):
    settings.CONGVU_EDXML_ZIP_ATTACHMENTS = False  # write ``data`` as is
    message = sample_message(attachments=[edxml.Attachment("a", name, "x/y", data)])
    [read] = edxml.parse(edxml.build(message)).attachments
    assert (read.data == data) is kept_as_sent
    if not kept_as_sent:
        assert read.data == b"%PDF-1.4 inside"


def test_attachments_are_written_zipped_or_plain_by_setting(settings):
    message = sample_message()
    zipped = edxml.build(message)
    settings.CONGVU_EDXML_ZIP_ATTACHMENTS = False
    plain = edxml.build(message)
    assert base64.b64encode(message.attachments[0].data) in plain
    assert base64.b64encode(message.attachments[0].data) not in zipped
    assert edxml.parse(zipped) == edxml.parse(plain) == message


def test_a_damaged_wrapper_is_a_corrupt_attachment(settings):
    settings.CONGVU_EDXML_ZIP_ATTACHMENTS = False
    good = _zip({"uuid.pdf": b"%PDF-1.4 " + b"x" * 200})
    # Flip a byte inside the member's data: the CRC no longer matches.
    damaged = good[:45] + bytes([good[45] ^ 0xFF]) + good[46:]
    message = sample_message(attachments=[edxml.Attachment("a", "t.pdf", "x/y", damaged)])
    with pytest.raises(edxml.EdXMLError) as err:
        edxml.parse(edxml.build(message))
    assert err.value.code == "edxml_attachment_corrupt"
