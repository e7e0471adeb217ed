"""From package to văn bản đến and back: registration, return with status 02, our own packages."""

from __future__ import annotations

import datetime
import io

import pytest

from congvu.audit.models import AuditRecord
from congvu.core.errors import ServiceError, TransitionNotAllowed
from congvu.exchange import edxml
from congvu.exchange.constants import PackageState, SignatureState
from congvu.exchange.models import ReceivedPackage
from congvu.exchange.services import (
    outgoing_to_package,
    package_receive,
    package_register,
    package_return,
    package_to_incoming,
    status_reply,
)
from congvu.incoming.constants import Source
from congvu.incoming.services.files import document_files
from tests.factories import PositionFactory, UnitFactory

from .conftest import COMMUNE_CODE, PROVINCE_CODE, sample_message

pytestmark = pytest.mark.django_db


def pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def commune():
    return UnitFactory(commune=True, name="UBND xã Thạnh Phú", code=COMMUNE_CODE)


@pytest.fixture
def clerk(commune):
    return PositionFactory(clerk=True, unit=commune).user


def received(**changes):
    attachments = [
        edxml.Attachment("qd", "125-QĐ-UBND.pdf", "application/pdf", pdf_bytes()),
        edxml.Attachment("old", "ghi-chu.doc", "application/msword", b"\xd0\xcf\x11\xe0 old"),
    ]
    message = sample_message(attachments=attachments, **changes)
    return package_receive(raw=edxml.build(message), source="edxml_axis")


def test_the_draft_carries_what_the_package_says(clerk, commune):
    draft = package_to_incoming(actor=clerk, package=received())
    assert draft.unit == commune
    assert draft.number_notation == "125/QĐ-UBND"
    assert draft.document_date == datetime.date(2026, 3, 5)
    assert draft.document_type.code == "quyet-dinh"
    assert draft.issuer_code == PROVINCE_CODE
    assert draft.signer_name == "Nguyễn Văn An"
    assert draft.urgency == 2
    assert draft.deadline == datetime.date(2026, 3, 20)
    assert [f.name for f in draft.files] == ["125-QĐ-UBND.pdf"]
    # The .doc is not accepted by the files app: it stays in the raw package, named.
    assert [name for name, _reason in draft.skipped] == ["ghi-chu.doc"]


def test_registering_makes_an_edxml_incoming_document(clerk, commune):
    package = received()
    document = package_register(actor=clerk, package=package)
    assert document.source == Source.EDXML
    assert document.arrival_number == 1
    assert document.unit == commune
    assert document.issuer_external.code == PROVINCE_CODE
    assert document.number_notation == "125/QĐ-UBND"
    assert [f.original_name for f in document_files(document)] == ["125-QĐ-UBND.pdf"]
    package.refresh_from_db()
    assert package.state == PackageState.REGISTERED
    assert package.incoming_document == document
    assert package.handled_by == clerk
    assert AuditRecord.objects.filter(action="congvu.exchange.package.registered").count() == 1
    with pytest.raises(TransitionNotAllowed):
        package_register(actor=clerk, package=package)


def test_only_the_receiving_units_clerk_registers(commune):
    package = received()
    other_clerk = PositionFactory(clerk=True, unit=UnitFactory(commune=True)).user
    specialist = PositionFactory(unit=commune).user
    for actor in (other_clerk, specialist):
        with pytest.raises(ReceivedPackage.DoesNotExist):  # out of scope: a 404 upstream
            package_register(actor=actor, package=package)
    package.refresh_from_db()
    assert package.state == PackageState.ACCEPTED


def test_return_then_status_02_goes_back(clerk, commune):
    package = received()
    with pytest.raises(ServiceError) as err:
        package_return(actor=clerk, package=package, reason=" ")
    assert err.value.code == "required"
    package = package_return(actor=clerk, package=package, reason="Gửi nhầm đơn vị")
    assert package.state == PackageState.RETURNED
    reply = edxml.parse(status_reply(package=package, code="02"))
    assert isinstance(reply, edxml.StatusMessage)
    assert reply.status_code == "02"
    assert reply.from_.organ_id == COMMUNE_CODE
    assert reply.response_for.organ_id == PROVINCE_CODE
    assert reply.response_for.code == "125/QĐ-UBND"
    assert reply.response_for.document_id == f"{PROVINCE_CODE},2026,125/QĐ-UBND"
    assert reply.description == "Gửi nhầm đơn vị"
    with pytest.raises(ServiceError) as err:
        status_reply(package=package, code="42")
    assert err.value.code == "invalid_status_code"


@pytest.fixture
def issuing(settings):
    """A commune with a QCVN code, its agency key from a trusted CA, PAdES signing on."""
    from congvu.signatures import pki
    from congvu.signatures.services import trust_anchor_add
    from tests.outgoing.conftest import make_commune
    from tests.signing.conftest import register_keys

    settings.CONGVU_SIGNER = "pades"
    c = make_commune("Thạnh Phú")
    c.unit.code = COMMUNE_CODE
    c.unit.save(update_fields=["code"])
    admin = PositionFactory(system_admin=True).user
    ca = pki.make_ca()
    trust_anchor_add(actor=admin, name="CA thử", certificate_pem=ca.pem)
    register_keys(admin, ca, c)
    return c


def test_an_issued_document_becomes_a_signed_package(issuing):
    from congvu.exchange.services import document_id_for
    from congvu.exchange.services.packages import package_bytes
    from tests.outgoing.helpers import issued

    document = issued(issuing, recipients=[{"external_name": "Sở Nội vụ tỉnh Vĩnh Long"}])
    data = outgoing_to_package(document=document, recipient="000.00.12.H56")
    info = edxml.verify(data)
    assert info is not None and info.digest_method.endswith("sha256")
    message = edxml.parse(data)
    assert message.from_.organ_id == COMMUNE_CODE
    assert [t.organ_id for t in message.to] == ["000.00.12.H56"]
    assert message.code.text == document.number_notation
    assert message.subject == document.subject
    # The name as the officials' directory holds it (User.full_name), never blank.
    assert message.signer.full_name == document.signer.full_name != ""
    assert message.business.doc_type == 0
    assert message.document_id == document_id_for(
        COMMUNE_CODE, document.issued_at.year, document.number_notation
    )
    [attachment] = message.attachments
    from congvu.files.services import file_open_verified

    with file_open_verified(document.issued_file) as fh:
        assert attachment.data == fh.read()
    # What we send, another congvu receives: signed by a trusted agency key.
    UnitFactory(commune=True, code="000.00.12.H56")
    package = package_receive(raw=data, source="edxml_axis")
    assert package.state == PackageState.ACCEPTED
    assert package.signature_state == SignatureState.TRUSTED
    assert package_bytes(package) == data


def test_a_document_not_issued_cannot_be_packaged(issuing):
    from tests.outgoing.helpers import drafted

    with pytest.raises(ServiceError) as err:
        outgoing_to_package(document=drafted(issuing), recipient="000.00.12.H56")
    assert err.value.code == "not_issued"


def test_a_bad_recipient_code_is_refused(issuing):
    from tests.outgoing.helpers import issued

    document = issued(issuing, recipients=[{"external_name": "Sở Nội vụ"}])
    with pytest.raises(edxml.EdXMLError) as err:
        outgoing_to_package(document=document, recipient="SO-NOI-VU")
    assert err.value.code == "edxml_bad_agency_code"


def test_a_likely_duplicate_is_flagged_before_registering(clerk):
    package_register(actor=clerk, package=received())
    # The same document sent again under another DocumentId: the register's duplicate check.
    again = received(document_id="khac", business=None)
    with pytest.raises(ServiceError) as err:
        package_register(actor=clerk, package=again)
    assert err.value.code == "duplicate_suspected"
    again.refresh_from_db()
    assert again.state == PackageState.ACCEPTED
    document = package_register(actor=clerk, package=again, confirm_duplicate=True)
    assert document.arrival_number == 2


def test_the_internal_copy_still_waiting_is_no_duplicate_of_the_package(clerk, commune):
    # The sender is also a unit of this congvu: its internal copy waits (no số đến) while the
    # package arrives too. Nothing is vào sổ yet, so nothing is a duplicate.
    from congvu.incoming.services import incoming_receive_internal
    from congvu.registry.models import DocumentType

    province = UnitFactory(name="Ủy ban nhân dân tỉnh Vĩnh Long")
    incoming_receive_internal(
        outgoing_unit=province,
        recipient_unit=commune,
        number_notation="125/QĐ-UBND",
        document_date=datetime.date(2026, 3, 5),
        document_type=DocumentType.objects.get(code="cong-van"),
        subject="Về việc ban hành Kế hoạch cải cách hành chính năm 2026",
    )
    document = package_register(actor=clerk, package=received(business=None))
    assert document.arrival_number == 1


def test_the_duplicate_warning_of_a_package_names_the_registered_document(client, clerk):
    first = package_register(actor=clerk, package=received())
    again = received(document_id="khac", business=None)
    client.force_login(clerk)
    resp = client.post(f"/app/lien-thong/{again.pk}/vao-so/", {"xac_nhan": "1"})
    page = resp.content.decode()
    assert resp.status_code == 400
    assert (
        "văn bản số 125/QĐ-UBND của Ủy ban nhân dân tỉnh Vĩnh Long, đã vào sổ với số đến "
        f"{first.arrival_number_display}" in page
    )
    assert "số đến 125/QĐ-UBND" not in page
