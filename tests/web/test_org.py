"""Organisation tree by date, and the unit page."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

import pytest

from congvu.org.constants import UnitKind
from tests.factories import PositionFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reform():
    """A district closed on 30/06/2025 and the commune that replaced two of its communes."""
    province = UnitFactory(kind=UnitKind.PROVINCE, name="UBND tỉnh Vĩnh Long", short_name="UBND")
    district = UnitFactory(
        kind=UnitKind.DISTRICT,
        name="UBND huyện Thạnh Phú",
        parent=province,
        closed=True,
        code="000.00.37.H57",
    )
    old_communes = [
        UnitFactory(kind=UnitKind.COMMUNE, name=name, parent=district, closed=True)
        for name in ("UBND xã An Thạnh", "UBND xã Bình Thạnh")
    ]
    new_commune = UnitFactory(
        kind=UnitKind.COMMUNE,
        name="UBND xã Thạnh Phú",
        parent=province,
        valid_from=datetime.date(2025, 7, 1),
    )
    new_commune.predecessors.set(old_communes)
    return {"province": province, "district": district, "old": old_communes, "new": new_commune}


def tree_names(response) -> list[str]:
    names = []

    def walk(nodes):
        for node in nodes:
            names.append(node.unit.name)
            walk(node.children)

    walk(response.context["forest"])
    return names


def test_today_shows_the_current_structure(client, official, reform):
    client.force_login(official)
    response = client.get(reverse("web:org_tree"))
    names = tree_names(response)
    assert "UBND xã Thạnh Phú" in names
    assert "UBND huyện Thạnh Phú" not in names
    assert "UBND xã An Thạnh" not in names
    assert response.context["is_today"]
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in response.content.decode()


def test_past_date_shows_the_historic_district(client, official, reform):
    client.force_login(official)
    response = client.get(reverse("web:org_tree"), {"ngay": "2024-01-01"})
    assert response.status_code == 200
    names = tree_names(response)
    assert "UBND huyện Thạnh Phú" in names
    assert "UBND xã An Thạnh" in names
    assert "UBND xã Thạnh Phú" not in names
    assert not response.context["is_today"]
    html = response.content.decode()
    assert "Đây là cơ cấu trong quá khứ." in html
    assert "000.00.37.H57" in html


def test_tree_is_nested_with_details_and_summary(client, official, reform):
    client.force_login(official)
    response = client.get(reverse("web:org_tree"), {"ngay": "2024-01-01"})
    [province] = [n for n in response.context["forest"] if n.unit == reform["province"]]
    [district] = [n for n in province.children if n.unit == reform["district"]]
    assert {n.unit.name for n in district.children} == {"UBND xã An Thạnh", "UBND xã Bình Thạnh"}
    html = response.content.decode()
    assert '<ul class="tree"' in html
    # Province and district have children: expandable; communes are leaves.
    assert len(re.findall(r"<details", html)) == 2
    assert len(re.findall(r"<summary>", html)) == 2


def test_unit_under_a_closed_parent_is_still_shown(client, official):
    """A unit that outlived its parent becomes a root rather than disappearing."""
    parent = UnitFactory(closed=True)
    child = UnitFactory(parent=parent, name="Phòng còn hoạt động")
    client.force_login(official)
    names = tree_names(client.get(reverse("web:org_tree")))
    assert child.name in names
    assert parent.name not in names


def test_invalid_date_falls_back_to_today_with_an_error(client, official, reform):
    client.force_login(official)
    response = client.get(reverse("web:org_tree"), {"ngay": "không phải ngày"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["is_today"]
    assert "UBND xã Thạnh Phú" in tree_names(response)


def test_date_in_vietnamese_format_is_accepted(client, official, reform):
    client.force_login(official)
    response = client.get(reverse("web:org_tree"), {"ngay": "01/01/2024"})
    assert response.context["day"] == datetime.date(2024, 1, 1)


def test_unit_detail_shows_history_people_and_children(client, official, reform):
    district = reform["district"]
    district.address = "Khu phố 1, thị trấn Thạnh Phú"
    district.phone = "0275 3870 000"
    district.email = "ubnd@thanhphu.example.vn"
    district.save()
    client.force_login(official)

    response = client.get(reverse("web:unit_detail", args=[district.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "UBND huyện Thạnh Phú",
        "Khu phố 1, thị trấn Thạnh Phú",
        "0275 3870 000",
        "ubnd@thanhphu.example.vn",
        "000.00.37.H57",
        "Từ 01/01/2018 đến 30/06/2025",
        "không còn hiệu lực",
    ):
        assert text in html, text
    assert set(response.context["detail"].children) == set(reform["old"])

    old = reform["old"][0]
    response = client.get(reverse("web:unit_detail", args=[old.pk]))
    assert response.context["detail"].successors == [reform["new"]]
    assert reverse("web:unit_detail", args=[reform["new"].pk]) in response.content.decode()

    response = client.get(reverse("web:unit_detail", args=[reform["new"].pk]))
    assert set(response.context["detail"].predecessors) == set(reform["old"])


def test_unit_detail_lists_people_in_post(client, official):
    unit = UnitFactory()
    chair = PositionFactory(leader=True, unit=unit, user__full_name="Phạm Văn Chủ Tịch")
    PositionFactory(unit=unit, ended=True, user__full_name="Người Đã Nghỉ")
    client.force_login(official)
    response = client.get(reverse("web:unit_detail", args=[unit.pk]))
    assert response.context["detail"].positions == [chair]
    html = response.content.decode()
    assert "Phạm Văn Chủ Tịch" in html
    assert "Người Đã Nghỉ" not in html


def test_unit_detail_404_for_unknown_unit(client, official):
    client.force_login(official)
    assert client.get(reverse("web:unit_detail", args=[999999])).status_code == 404


NAMES = ["Ấp", "Bình", "Điền", "Đông", "Zeta"]


def test_the_tree_lists_siblings_in_vietnamese_order(client, official):
    root = UnitFactory(name="UBND huyện Thử")
    for name in reversed(NAMES):
        child = UnitFactory(name=f"Phòng {name}", parent=root)
        UnitFactory(name=f"Tổ {name}", parent=child)
    client.force_login(official)
    ours = [x for n in NAMES for x in (f"Phòng {n}", f"Tổ {n}")]
    names = tree_names(client.get(reverse("web:org_tree")))
    assert [n for n in names if n in ours] == ours


def test_the_unit_page_lists_its_children_in_vietnamese_order(client, official):
    root = UnitFactory(name="UBND huyện Thử")
    for name in reversed(NAMES):
        UnitFactory(name=f"Phòng {name}", parent=root)
    closed = UnitFactory(name="Phòng Ánh", parent=root, closed=True)
    client.force_login(official)
    response = client.get(reverse("web:unit_detail", args=[root.pk]))
    # Those in force first, in Vietnamese order; the closed one after them.
    assert [u.name for u in response.context["detail"].children] == [
        *(f"Phòng {n}" for n in NAMES),
        closed.name,
    ]
