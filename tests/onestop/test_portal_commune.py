"""Online dossiers go to the commune the citizen picks, received by that commune's one-stop desk."""

import datetime
import re
from decimal import Decimal

from django.core.cache import cache
from django.urls import reverse

import pytest

from congvu.accounts.constants import Role
from congvu.core.errors import ServiceError
from congvu.onestop import routing, selectors, services
from congvu.onestop.models import Dossier
from congvu.org.constants import UnitKind
from congvu.procedures.models import (
    Procedure,
    ProcedureField,
    ProcedureVersion,
    ProcessDefinition,
    RequiredPaper,
)
from tests.factories import PositionFactory, UnitFactory, UserFactory
from tests.files.builders import pdf_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def make_procedure(levels=("Cấp xã",), code="1.001193"):
    field, _ = ProcedureField.objects.get_or_create(name="Hộ tịch")
    procedure = Procedure.objects.create(code=code, field=field, name="Đăng ký khai sinh")
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        valid_from=datetime.date(2025, 7, 1),
        name="Đăng ký khai sinh",
        levels=list(levels),
        online_level="partial",
        duration_value=Decimal("3"),
        duration_unit="working_days",
    )
    RequiredPaper.objects.create(version=version, order=1, name="Tờ khai đăng ký khai sinh")
    return procedure


def make_commune(name, kind=UnitKind.COMMUNE, *, desk=True, code=None, **extra):
    """A commune's People's Committee with (or without) its Trung tâm and a one-stop officer."""
    commune = UnitFactory(kind=kind, name=name, short_name="UBND", **extra)
    if not desk:
        return commune, None, None
    centre = UnitFactory(
        kind=UnitKind.SUBUNIT,
        parent=commune,
        name="Trung tâm Phục vụ hành chính công",
        short_name="TTPVHCC",
        **({"code": code} if code else {}),
    )
    officer = PositionFactory(unit=centre, role=Role.ONESTOP_OFFICER, title="Một cửa").user
    return commune, centre, officer


@pytest.fixture
def place():
    thanh_phu, desk, officer = make_commune("Ủy ban nhân dân xã Thạnh Phú", code="000.00.41.H62")
    chairman = PositionFactory(unit=thanh_phu, role=Role.LEADER_HEAD, title="Chủ tịch").user
    dai_dien, other_desk, other_officer = make_commune("Ủy ban nhân dân xã Đại Điền")
    an_hoi, *_ = make_commune("Ủy ban nhân dân phường An Hội", kind=UnitKind.WARD)
    return {
        "commune": thanh_phu,
        "desk": desk,
        "officer": officer,
        "chairman": chairman,
        "other": dai_dien,
        "other_officer": other_officer,
        "ward": an_hoi,
    }


@pytest.fixture
def citizen():
    return UserFactory(
        citizen=True,
        full_name="Lê Thị Hồng Nhung",
        phone="0912345678",
        id_number="083195000123",
        email="nhung@example.vn",
    )


def form_data(procedure, commune, **overrides):
    paper = procedure.versions.get().papers.get()
    data = {
        "type": "person",
        "name": "Lê Thị Hồng Nhung",
        "phone": "0912345678",
        "subject": "Khai sinh cho con",
        "result_delivery": "office",
        f"paper_{paper.pk}": upload("to-khai.pdf", pdf_bytes()),
    }
    if commune is not None:
        data["commune"] = commune.pk
    data.update(overrides)
    return data


def post(client, procedure, data, **headers):
    url = reverse("onestop_portal:submit", args=[procedure.code])
    return client.post(url, data, headers=headers)


def test_the_picker_lists_communes_with_a_desk_sorted_by_place_name(place):
    procedure = make_procedure()
    make_commune("Ủy ban nhân dân xã An Qui", desk=False)  # nobody receives there
    make_commune("Ủy ban nhân dân xã Bình Thới", closed=True)  # merged away in 2025
    choices = routing.communes_offering(procedure)
    assert [c.label for c in choices] == ["Phường An Hội", "Xã Đại Điền", "Xã Thạnh Phú"]
    chosen = next(c for c in choices if c.commune == place["commune"])
    assert chosen.desk == place["desk"]
    assert chosen.place == "Thạnh Phú"
    assert "xa thanh phu" in chosen.folded


def test_a_commune_takes_only_procedures_of_its_level_or_with_its_own_process(place):
    district_level = make_procedure(levels=("Cấp huyện",), code="2.000001")
    assert routing.communes_offering(district_level) == []
    # xã Thạnh Phú set up an internal process for it at its desk: only it offers it.
    ProcessDefinition.objects.create(
        procedure=district_level, unit=place["desk"], valid_from=datetime.date(2025, 7, 1)
    )
    assert [c.commune for c in routing.communes_offering(district_level)] == [place["commune"]]


def test_the_desk_holding_the_procedures_process_wins_over_another_desk(place):
    procedure = make_procedure()
    # One-stop officers sit at the commune itself too; the process starts at the Trung tâm.
    PositionFactory(unit=place["commune"], role=Role.ONESTOP_OFFICER, title="Một cửa")
    choice = routing.commune_choice(procedure, place["commune"].pk)
    assert choice.desk == place["commune"]  # the closest desk without a process
    ProcessDefinition.objects.create(
        procedure=procedure, unit=place["desk"], valid_from=datetime.date(2025, 7, 1)
    )
    assert routing.commune_choice(procedure, place["commune"].pk).desk == place["desk"]


def test_the_form_preselects_nothing_and_filters_without_accents(client, place, citizen):
    procedure = make_procedure()
    client.force_login(citizen)
    page = client.get(reverse("onestop_portal:submit", args=[procedure.code])).content.decode()
    radios = re.findall(r'<input type="radio" name="commune"[^>]*>', page)
    assert len(radios) == 3
    assert not any("checked" in r for r in radios)
    assert all("required" in r for r in radios)
    # Sorted by place name, shown as the division ("Xã Thạnh Phú"), not the agency.
    labels = re.findall(r'name="commune" value="\d+" required> ([^<]+)</label>', page)
    assert labels == ["Phường An Hội", "Xã Đại Điền", "Xã Thạnh Phú"]
    # The local filter matches on folded text and its script is served from this site.
    assert 'data-folded="xa thanh phu uy ban nhan dan xa thanh phu"' in page
    assert 'src="/static/onestop/portal-submit.js"' in page
    assert 'id="commune-filter"' in page


def test_no_commune_chosen_is_refused_naming_the_field(client, place, citizen):
    procedure = make_procedure()
    client.force_login(citizen)
    response = post(client, procedure, form_data(procedure, None))
    assert response.status_code == 400
    assert "Nơi nộp hồ sơ: hãy chọn xã, phường hoặc đặc khu." in response.content.decode()
    assert not Dossier.objects.exists()


def test_a_commune_without_a_desk_is_refused(client, place, citizen):
    procedure = make_procedure()
    lonely, *_ = make_commune("Ủy ban nhân dân xã An Qui", desk=False)
    client.force_login(citizen)
    response = post(client, procedure, form_data(procedure, lonely))
    assert response.status_code == 400
    assert (
        "Nơi nộp hồ sơ: xã, phường, đặc khu này không tiếp nhận thủ tục này trực tuyến."
        in response.content.decode()
    )
    with pytest.raises(ServiceError) as refused:
        services.dossier_submit_to_commune(
            actor=citizen,
            procedure=procedure,
            commune=lonely,
            applicant={"name": "A", "phone": "0912345678"},
            papers=[],
        )
    assert (refused.value.code, refused.value.errors[0].field) == (
        "commune_not_offering",
        "commune",
    )
    assert not Dossier.objects.exists()


def test_the_dossier_reaches_the_communes_one_stop_officer(client, place, citizen):
    procedure = make_procedure()
    client.force_login(citizen)
    response = post(client, procedure, form_data(procedure, place["commune"]))
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.receiving_unit == place["desk"]
    assert dossier.code.startswith("000.00.41.H62-")  # the desk's code
    assert list(selectors.desk_queue(place["officer"])) == [dossier]
    assert list(selectors.desk_queue(place["other_officer"])) == []
    # The confirmation and the dossier page name the commune.
    page = client.get(response["Location"]).content.decode()
    assert f"Đã nộp hồ sơ tới Xã Thạnh Phú. Mã hồ sơ của bạn là {dossier.code}" in page
    assert re.search(r"<dt>Nơi nộp hồ sơ</dt><dd>Xã Thạnh Phú</dd>", page)
    mine = client.get(reverse("onestop_portal:my_dossiers")).content.decode()
    assert "· Xã Thạnh Phú</div>" in mine


def test_the_look_up_page_names_the_commune(client, place, citizen):
    procedure = make_procedure()
    client.force_login(citizen)
    post(client, procedure, form_data(procedure, place["ward"]))
    dossier = Dossier.objects.get()
    client.logout()
    response = client.post(
        reverse("onestop_portal:track"), {"code": dossier.code, "phone": "0912 345 678"}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert re.search(r"<dt>Nơi nộp hồ sơ</dt><dd>Phường An Hội</dd>", page)


def test_commune_of_finds_the_commune_above_a_desk(place):
    assert routing.commune_of(place["desk"]) == place["commune"]
    assert routing.commune_of(place["commune"]) == place["commune"]
    assert routing.commune_of(UnitFactory(kind=UnitKind.PROVINCE)) is None
