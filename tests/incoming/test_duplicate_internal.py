"""The duplicate check on vào sổ of an internal copy, and issuer matching across sources.

The same document can arrive twice: as an edXML package (issuer: an outside
organisation with the sender's agency code) and as an internal copy (issuer:
the Unit). Whichever is vào sổ second must be flagged.
"""

import datetime

import pytest
from rest_framework.test import APIClient

from congvu.core.errors import ServiceError
from congvu.incoming import services
from congvu.incoming.constants import Source, Status
from congvu.incoming.models import IncomingDocument
from congvu.registry.models import IssuedNumber
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

CODE = "000.00.31.H57"
DATE = datetime.date(2026, 3, 2)
NOTATION = "01/UBND-VHXH"


@pytest.fixture
def sender(db):
    return UnitFactory(commune=True, name="Ủy ban nhân dân xã Đại Điền", code=CODE)


@pytest.fixture
def internal_copy(sender, commune, cong_van):
    def make(notation=NOTATION, outgoing_unit=None):
        return services.incoming_receive_internal(
            outgoing_unit=outgoing_unit or sender,
            recipient_unit=commune,
            number_notation=notation,
            document_date=DATE,
            document_type=cong_van,
            subject="V/v tổ chức Ngày hội văn hóa",
        )

    return make


@pytest.fixture
def register_package(clerk, commune, cong_van):
    """Vào sổ as ``exchange.package_register`` does: the issuer is the package's sender."""

    def make(name="UBND xã Đại Điền", code=CODE, **kwargs):
        issuer = services.external_org_create(actor=clerk, name=name, code=code)
        return services.incoming_register(
            actor=clerk,
            unit=commune,
            number_notation=NOTATION,
            document_date=DATE,
            document_type=cong_van,
            subject="V/v tổ chức Ngày hội văn hóa",
            issuer_external=issuer,
            source=Source.EDXML,
            **kwargs,
        )

    return make


def test_internal_copy_after_the_package_is_refused_then_confirmed(
    clerk, internal_copy, register_package
):
    first = register_package()  # the sender's name in the package differs from the Unit's
    copy = internal_copy()
    with pytest.raises(ServiceError) as exc:
        services.incoming_register_pending(actor=clerk, document=copy)
    assert exc.value.code == "duplicate_suspected"
    assert exc.value.errors[0].field == "confirm_duplicate"
    assert "văn bản số 01/UBND-VHXH của UBND xã Đại Điền" in exc.value.message
    assert f"đã vào sổ với số đến {first.arrival_number_display}" in exc.value.message
    copy.refresh_from_db()
    assert copy.status == Status.PENDING and copy.arrival_number is None
    assert IssuedNumber.objects.count() == 1  # no number taken by the refusal

    done = services.incoming_register_pending(actor=clerk, document=copy, confirm_duplicate=True)
    assert done.status == Status.REGISTERED
    assert done.arrival_number == first.arrival_number + 1  # gap-free register


def test_package_after_the_internal_copy_is_refused(clerk, internal_copy, register_package):
    copy = services.incoming_register_pending(actor=clerk, document=internal_copy())
    with pytest.raises(ServiceError) as exc:
        register_package()
    assert exc.value.code == "duplicate_suspected"
    assert f"đã vào sổ với số đến {copy.arrival_number_display}" in exc.value.message
    assert IncomingDocument.objects.count() == 1
    assert IssuedNumber.objects.count() == 1
    again = register_package(confirm_duplicate=True)
    assert again.arrival_number == copy.arrival_number + 1


def test_a_subunit_without_code_is_its_agency(clerk, sender, internal_copy, register_package):
    # A phòng without its own code sends edXML under its agency's code (as exchange does).
    office = UnitFactory(name="Phòng Văn hóa - Xã hội", parent=sender, code="")
    services.incoming_register_pending(actor=clerk, document=internal_copy(outgoing_unit=office))
    with pytest.raises(ServiceError) as exc:
        register_package()
    assert exc.value.code == "duplicate_suspected"


def test_another_agency_code_with_another_name_is_no_duplicate(
    clerk, internal_copy, register_package
):
    services.incoming_register_pending(actor=clerk, document=internal_copy())
    other = register_package(name="UBND xã Tân Hòa", code="000.00.31.H58")
    assert other.arrival_number == 2


def test_same_name_without_any_code_still_matches(clerk, commune, internal_copy, register_package):
    nameless = UnitFactory(commune=True, name="Ủy ban nhân dân xã Phú Lộc", code="")
    services.incoming_register_pending(actor=clerk, document=internal_copy(outgoing_unit=nameless))
    with pytest.raises(ServiceError) as exc:
        register_package(name="ỦY BAN NHÂN DÂN XÃ PHÚ LỘC", code="")
    assert exc.value.code == "duplicate_suspected"


def test_two_internal_copies_only_the_registered_one_counts(clerk, internal_copy):
    a, b = internal_copy(), internal_copy()
    services.incoming_register_pending(actor=clerk, document=a)  # b is still pending: no warning
    with pytest.raises(ServiceError) as exc:
        services.incoming_register_pending(actor=clerk, document=b)
    assert exc.value.code == "duplicate_suspected"


def test_the_note_is_kept_in_the_processing_log(clerk, internal_copy):
    doc = services.incoming_register_pending(
        actor=clerk, document=internal_copy(), note="Nhận bản giấy kèm theo"
    )
    assert doc.entries.get(action="registered").note == "Nhận bản giấy kèm theo"


def test_page_warns_and_registers_once_confirmed(client, clerk, internal_copy, register_package):
    first = register_package()
    copy = internal_copy()
    client.force_login(clerk)
    url = f"/app/van-ban-den/{copy.pk}/vao-so/"
    page = client.get(url).content.decode()
    assert 'name="confirm_duplicate"' not in page  # asked only once a duplicate is suspected
    resp = client.post(url, {})
    html = resp.content.decode()
    assert resp.status_code == 400
    assert "Có thể trùng văn bản số 01/UBND-VHXH" in html
    assert f"số đến {first.arrival_number_display}" in html
    assert 'name="confirm_duplicate"' in html
    assert f'href="/app/van-ban-den/{first.pk}/"' in html
    copy.refresh_from_db()
    assert copy.arrival_number is None
    # The box left unticked: asked again, still nothing taken.
    resp = client.post(url, {"note": ""})
    assert resp.status_code == 400 and 'name="confirm_duplicate"' in resp.content.decode()
    assert IssuedNumber.objects.count() == 1
    resp = client.post(url, {"confirm_duplicate": "on"})
    assert resp.status_code == 302 and resp["Location"] == f"/app/van-ban-den/{copy.pk}/"
    copy.refresh_from_db()
    assert copy.arrival_number == 2


def test_page_without_duplicate_registers_directly(client, clerk, internal_copy):
    copy = internal_copy()
    client.force_login(clerk)
    resp = client.post(f"/app/van-ban-den/{copy.pk}/vao-so/", {})
    assert resp.status_code == 302
    copy.refresh_from_db()
    assert copy.arrival_number == 1


def test_api_refuses_then_registers_when_confirmed(clerk, internal_copy, register_package):
    first = register_package()
    copy = internal_copy()
    api = APIClient()
    api.force_login(clerk)
    url = f"/api/v1/incoming-documents/{copy.pk}/register/"
    resp = api.post(url, {}, format="json")
    assert resp.status_code == 400
    body = resp.json()
    assert body["code"] == "duplicate_suspected"
    assert body["errors"][0]["field"] == "confirm_duplicate"
    assert f"số đến {first.arrival_number_display}" in body["message"]
    assert IssuedNumber.objects.count() == 1
    resp = api.post(url, {"confirm_duplicate": True}, format="json")
    assert resp.status_code == 200
    assert resp.json()["arrival_number"] == 2


@pytest.fixture
def edxml_package(commune):
    """A real edXML package from ``sender`` to ``commune``, received as the axis delivers it."""
    from congvu.exchange import edxml
    from congvu.exchange.services import package_receive
    from tests.exchange.conftest import sample_message

    commune.code = "000.31.10.H56"
    commune.save(update_fields=["code"])

    def make():
        message = sample_message(
            from_=edxml.Organization(organ_id=CODE, organ_name="UBND xã Đại Điền"),
            to=[edxml.Organization(organ_id=commune.code, organ_name=commune.name)],
            code=edxml.Code("01", "UBND-VHXH"),
            promulgation_date=DATE,
            document_id=f"{CODE},2026,{NOTATION}",
            trace_headers=[],
            response_for=[],
            business=None,
            attachments=[],
        )
        return package_receive(raw=edxml.build(message), source="edxml_axis")

    return make


@pytest.mark.parametrize("package_first", [True, False])
def test_the_reported_scenario_through_exchange(clerk, internal_copy, edxml_package, package_first):
    from congvu.exchange.services import package_register

    package, copy = edxml_package(), internal_copy()
    if package_first:
        first = package_register(actor=clerk, package=package)
        with pytest.raises(ServiceError) as exc:
            services.incoming_register_pending(actor=clerk, document=copy)
        second = services.incoming_register_pending(
            actor=clerk, document=copy, confirm_duplicate=True
        )
    else:
        first = services.incoming_register_pending(actor=clerk, document=copy)
        with pytest.raises(ServiceError) as exc:
            package_register(actor=clerk, package=package)
        second = package_register(actor=clerk, package=package, confirm_duplicate=True)
    assert exc.value.code == "duplicate_suspected"
    assert f"số đến {first.arrival_number_display}" in exc.value.message
    assert (first.arrival_number, second.arrival_number) == (1, 2)
