"""Danh bạ: accent-insensitive search, unit filter, HTMX partial, person page."""

from django.urls import reverse

import pytest

from tests.factories import PositionFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    district = UnitFactory(name="UBND huyện Thử")
    office = UnitFactory(name="Phòng Tư pháp", parent=district)
    other = UnitFactory(name="UBND xã Khác")
    return {
        "dang": PositionFactory(
            unit=office,
            title="Trưởng phòng",
            user__full_name="Đặng Văn Thành",
            user__phone="0912 345 678",
            user__email="thanh.dv@thanhphu.example.vn",
        ).user,
        "nguyen": PositionFactory(unit=district, user__full_name="Nguyễn Thị Hoa").user,
        "other": PositionFactory(unit=other, user__full_name="Lý Văn Đông").user,
        "district": district,
        "office": office,
    }


def people(response):
    return list(response.context["page"].object_list)


def test_lists_name_positions_phone_email(client, official, staff):
    client.force_login(official)
    response = client.get(reverse("web:directory"))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Đặng Văn Thành",
        "Trưởng phòng – ",
        "Phòng Tư pháp",
        "0912 345 678",
        "thanh.dv@thanhphu.example.vn",
    ):
        assert text in html, text


def test_search_is_accent_insensitive(client, official, staff):
    client.force_login(official)
    response = client.get(reverse("web:directory"), {"q": "dang van"})
    assert people(response) == [staff["dang"]]
    response = client.get(reverse("web:directory"), {"q": "ĐẶNG VĂN THÀNH"})
    assert people(response) == [staff["dang"]]
    response = client.get(reverse("web:directory"), {"q": "van"})
    assert set(people(response)) == {staff["dang"], staff["other"]}


def test_unit_filter_includes_sub_units(client, official, staff):
    client.force_login(official)
    response = client.get(reverse("web:directory"), {"don_vi": staff["district"].pk})
    assert set(people(response)) == {staff["dang"], staff["nguyen"]}
    response = client.get(reverse("web:directory"), {"don_vi": staff["office"].pk, "q": "hoa"})
    assert people(response) == []


def test_citizens_are_not_in_the_directory(client, official, staff):
    UserFactory(citizen=True, full_name="Đặng Công Dân")
    client.force_login(official)
    response = client.get(reverse("web:directory"), {"q": "dang"})
    assert people(response) == [staff["dang"]]


def test_full_page_has_live_search_markup(client, official, staff):
    client.force_login(official)
    html = client.get(reverse("web:directory")).content.decode()
    assert 'hx-trigger="input changed delay:300ms, search"' in html
    assert 'hx-target="#directory-results"' in html
    assert '<div id="directory-results">' in html
    assert "<html" in html


def test_htmx_request_gets_only_the_results(client, official, staff):
    client.force_login(official)
    response = client.get(
        reverse("web:directory"), {"q": "dang van"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="directory-results"' not in html
    assert "Đặng Văn Thành" in html
    assert "Nguyễn Thị Hoa" not in html
    assert 'hx-swap-oob="true"' in html
    assert "HX-Request" in response["Vary"]


def test_directory_is_paginated(client, official, staff, monkeypatch):
    monkeypatch.setattr("congvu.web.views.DIRECTORY_PAGE_SIZE", 2)
    client.force_login(official)
    response = client.get(reverse("web:directory"), {"q": "van"})
    assert response.context["total"] == 2
    response = client.get(reverse("web:directory"))
    assert response.context["page"].paginator.num_pages == 2  # 4 officials, incl. the viewer
    second = client.get(reverse("web:directory"), {"trang": 2})
    assert len(people(second)) == 2
    assert not set(people(second)) & set(people(response))


def test_people_are_in_vietnamese_order_across_pages(client, official, staff, monkeypatch):
    PositionFactory(unit=staff["office"], user__full_name="Trương Công Danh")
    PositionFactory(unit=staff["office"], user__full_name="Vũ Văn Ba")
    monkeypatch.setattr("congvu.web.views.DIRECTORY_PAGE_SIZE", 3)
    client.force_login(official)
    names = []
    for number in (1, 2):
        names += [
            p.full_name for p in people(client.get(reverse("web:directory"), {"trang": number}))
        ]
    assert names == [
        "Đặng Văn Thành",
        "Lý Văn Đông",
        "Nguyễn Thị Hoa",
        "Trần Thị Chuyên Viên",
        "Trương Công Danh",
        "Vũ Văn Ba",
    ]


def test_person_detail(client, official, staff):
    ended = PositionFactory(user=staff["dang"], ended=True, title="Chuyên viên cũ")
    client.force_login(official)
    response = client.get(reverse("web:person_detail", args=[staff["dang"].pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đặng Văn Thành" in html
    assert "Trưởng phòng" in html
    assert "0912 345 678" in html
    assert list(response.context["past_positions"]) == [ended]


def test_person_detail_404_for_unknown_and_for_citizens(client, official):
    client.force_login(official)
    assert client.get(reverse("web:person_detail", args=[999999])).status_code == 404
    citizen = UserFactory(citizen=True)
    assert client.get(reverse("web:person_detail", args=[citizen.pk])).status_code == 404


def test_the_unit_filter_keeps_the_tree_with_siblings_in_vietnamese_order(client, actor_factory):
    import html as html_lib
    import re

    from tests.factories import UnitFactory

    root = UnitFactory(name="UBND huyện Thử")
    for name in ("Zeta", "Đông", "Điền", "Bình", "Ấp"):
        UnitFactory(name=f"Phòng {name}", parent=root)
    client.force_login(actor_factory("specialist", unit=root))
    body = client.get("/app/danh-ba/").content.decode()
    select = re.search(r'<select name="don_vi"[^>]*>(.*?)</select>', body, re.S).group(1)
    labels = [
        html_lib.unescape(x).strip() for x in re.findall(r"<option[^>]*>(.*?)</option>", select)
    ]
    ours = [label for label in labels if "Thử" in label or "Phòng" in label]
    assert ours == ["UBND huyện Thử"] + [
        f"— Phòng {n}" for n in ("Ấp", "Bình", "Điền", "Đông", "Zeta")
    ]
