"""Unit admin: saves go through the services and leave audit records."""

import datetime

import pytest

from congvu.audit.models import AuditRecord
from congvu.org.constants import UnitKind
from congvu.org.models import Unit
from tests.factories import PositionFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sysadmin_client(client):
    position = PositionFactory(system_admin=True, user__is_staff=True, user__is_superuser=True)
    client.force_login(position.user)
    client.user = position.user
    return client


def form_data(**overrides):
    data = {
        "kind": UnitKind.OFFICE,
        "name": "Phòng Nội vụ",
        "short_name": "PNV",
        "code": "",
        "admin_code": "",
        "parent": "",
        "address": "",
        "phone": "",
        "email": "",
        "valid_from": "2025-07-01",
        "valid_to": "",
    }
    data.update(overrides)
    return data


def test_changelist_and_search(sysadmin_client):
    UnitFactory(name="Phòng Tư pháp", short_name="PTP")

    response = sysadmin_client.get("/admin/org/unit/", {"q": "Tư pháp"})

    assert response.status_code == 200
    assert "Phòng Tư pháp" in response.content.decode()


def test_add_goes_through_service(sysadmin_client):
    parent = UnitFactory(kind=UnitKind.COMMUNE)

    response = sysadmin_client.post(
        "/admin/org/unit/add/", form_data(parent=parent.pk, code="000.01.41.H62")
    )

    assert response.status_code == 302
    unit = Unit.objects.get(name="Phòng Nội vụ")
    assert unit.path == f"{parent.path}{unit.pk}/"
    record = AuditRecord.objects.get(action="congvu.org.unit.created", object_id=str(unit.pk))
    assert record.actor_id == sysadmin_client.user.pk


def test_bad_agency_code_is_shown_on_field(sysadmin_client):
    response = sysadmin_client.post("/admin/org/unit/add/", form_data(code="000.0.31.H57"))

    assert response.status_code == 200
    assert "000.00.31.H57" in response.context["adminform"].form.errors["code"][0]
    assert not Unit.objects.filter(name="Phòng Nội vụ").exists()


def test_change_and_close_are_audited(sysadmin_client):
    unit = UnitFactory(name="Phòng Nội vụ", code="", valid_from=datetime.date(2018, 1, 1))

    response = sysadmin_client.post(
        f"/admin/org/unit/{unit.pk}/change/",
        form_data(name="Phòng Nội vụ huyện", valid_from="2018-01-01", valid_to="2025-06-30"),
    )

    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.name == "Phòng Nội vụ huyện"
    assert unit.valid_to == datetime.date(2025, 6, 30)
    actions = list(
        AuditRecord.objects.filter(object_id=str(unit.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["congvu.org.unit.updated", "congvu.org.unit.closed"]


def test_add_predecessors_reorganises(sysadmin_client):
    old = UnitFactory(kind=UnitKind.COMMUNE, code="", valid_from=datetime.date(2018, 1, 1))
    new = UnitFactory(kind=UnitKind.COMMUNE, code="", valid_from=datetime.date(2025, 7, 1))

    response = sysadmin_client.post(
        f"/admin/org/unit/{new.pk}/change/",
        form_data(
            kind=UnitKind.COMMUNE,
            name=new.name,
            short_name=new.short_name,
            add_predecessors=[old.pk],
        ),
    )

    assert response.status_code == 302
    old.refresh_from_db()
    assert old.valid_to == datetime.date(2025, 6, 30)
    assert list(new.predecessors.all()) == [old]
    assert AuditRecord.objects.filter(action="congvu.org.unit.succeeded").count() == 1


def test_closed_unit_kind_cannot_change(sysadmin_client):
    unit = UnitFactory(closed=True, code="", name="Phòng cũ")

    response = sysadmin_client.post(
        f"/admin/org/unit/{unit.pk}/change/",
        form_data(
            kind=UnitKind.SUBUNIT, name="Phòng cũ", valid_from="2018-01-01", valid_to="2025-06-30"
        ),
    )

    assert response.status_code == 200
    assert "kind" in response.context["adminform"].form.errors
    unit.refresh_from_db()
    assert unit.kind == UnitKind.OFFICE


def test_unit_admin_sees_only_own_subtree(client):
    commune = UnitFactory(kind=UnitKind.COMMUNE, name="Ủy ban nhân dân xã Một")
    UnitFactory(parent=commune, name="Phòng Kinh tế xã Một")
    UnitFactory(kind=UnitKind.COMMUNE, name="Ủy ban nhân dân xã Hai")
    position = PositionFactory(unit_admin=True, unit=commune, user__is_staff=True)
    from django.contrib.auth.models import Permission

    position.user.user_permissions.add(Permission.objects.get(codename="view_unit"))
    client.force_login(position.user)

    response = client.get("/admin/org/unit/")

    assert response.status_code == 200
    names = {u.name for u in response.context["cl"].result_list}
    assert names == {"Ủy ban nhân dân xã Một", "Phòng Kinh tế xã Một"}


def test_the_predecessors_are_offered_in_vietnamese_order(sysadmin_client):
    import html
    import re

    names = ["Ấp", "Bình", "Điền", "Đông", "Zeta"]
    for name in reversed(names):
        UnitFactory(name=f"UBND xã {name}")
    body = sysadmin_client.get("/admin/org/unit/add/").content.decode()
    select = re.search(r'<select name="add_predecessors"[^>]*>(.*?)</select>', body, re.S)
    labels = [html.unescape(x).strip() for x in re.findall(r">([^<]*)</option>", select.group(1))]
    assert [x for x in labels if x.startswith("UBND xã ")] == [f"UBND xã {n}" for n in names]
