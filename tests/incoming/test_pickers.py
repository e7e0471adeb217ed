"""People pickers: name, position and unit; accent-insensitive search; the head preselected
for Trình; a leader does not assign himself as handler."""

from __future__ import annotations

import html
import re

import pytest

from congvu.core.errors import ServiceError
from congvu.incoming import services
from congvu.incoming.constants import Status
from congvu.incoming.models import Assignment
from tests.factories import PositionFactory

pytestmark = pytest.mark.django_db


def _options(body: str, name: str) -> list[tuple[str, str, bool]]:
    """(value, label, selected) of the <select name=...> options."""
    select = re.search(rf'<select name="{name}".*?</select>', body, re.S).group(0)
    return [
        (m.group(1), html.unescape(m.group(3)).strip(), bool(m.group(2)))
        for m in re.finditer(r'<option value="([^"]*)"( selected)?>(.*?)</option>', select, re.S)
    ]


@pytest.fixture
def people(commune, office):
    # Created before the head on purpose: by name or by creation the deputy would come first.
    deputy = PositionFactory(
        deputy=True, unit=commune, user__full_name="Đặng Văn An", title="Phó Chủ tịch"
    ).user
    head = PositionFactory(
        leader=True, unit=commune, user__full_name="Trương Thị Yến", title="Chủ tịch"
    ).user
    staff = PositionFactory(unit=office, user__full_name="Lê Thành Công", title="Chuyên viên").user
    return {"deputy": deputy, "head": head, "staff": staff}


def test_present_picker_shows_position_and_unit_and_preselects_the_head(
    client, clerk, register_doc, people
):
    doc = register_doc()
    client.force_login(clerk)
    body = client.get(f"/app/van-ban-den/{doc.pk}/trinh/").content.decode()
    options = _options(body, "to_user")
    labels = {label for _v, label, _s in options}
    assert "Trương Thị Yến — Chủ tịch, UBND xã An Thạnh" in labels
    assert "Đặng Văn An — Phó Chủ tịch, UBND xã An Thạnh" in labels
    assert "Lê Thành Công — Chuyên viên, Văn phòng HĐND và UBND" in labels
    selected = [value for value, _l, sel in options if sel]
    assert selected == [str(people["head"].pk)]


def test_present_picker_search_ignores_accents(client, clerk, register_doc, people):
    doc = register_doc()
    client.force_login(clerk)
    body = client.get(f"/app/van-ban-den/{doc.pk}/trinh/", {"tim": "pho chu tich"}).content
    values = [v for v, _l, _s in _options(body.decode(), "to_user") if v]
    assert values == [str(people["deputy"].pk)]
    body = client.get(f"/app/van-ban-den/{doc.pk}/trinh/", {"tim": "cong van phong"}).content
    values = [v for v, _l, _s in _options(body.decode(), "to_user") if v]
    assert values == [str(people["staff"].pk)]


def test_without_a_leader_nobody_is_preselected(client, clerk, register_doc, office):
    PositionFactory(unit=office, user__full_name="An Văn Đầu", title="Chuyên viên")
    doc = register_doc()
    client.force_login(clerk)
    body = client.get(f"/app/van-ban-den/{doc.pk}/trinh/").content.decode()
    options = _options(body, "to_user")
    assert options[0][0] == "" and not any(sel for v, _l, sel in options if v)


def test_a_leader_cannot_assign_himself_as_handler(clerk, register_doc, people, office):
    doc = register_doc()
    head = people["head"]
    for main, coordinators in ((head, []), (office, [head])):
        with pytest.raises(ServiceError) as info:
            services.incoming_direct(
                actor=head,
                document=doc,
                instruction="Tự xử lý",
                main=main,
                coordinators=coordinators,
            )
        assert info.value.code == "self_assignment"
    doc.refresh_from_db()
    assert doc.status == Status.REGISTERED
    assert not Assignment.objects.filter(document=doc).exists()
    # Nhận để biết is not handling: he may keep himself informed.
    services.incoming_direct(
        actor=head, document=doc, instruction="Giao VP", main=office, informed=[head]
    )


def test_the_direction_page_does_not_offer_the_leader_himself(client, register_doc, people):
    doc = register_doc()
    head = people["head"]
    client.force_login(head)
    url = f"/app/van-ban-den/{doc.pk}/chi-dao/"
    body = client.get(url).content.decode()
    values = [v for v, _l, _s in _options(body, "main")]
    assert f"p:{people['staff'].pk}" in values
    assert f"p:{head.pk}" not in values
    response = client.post(url, {"instruction": "Tôi xử lý", "main": f"p:{head.pk}"})
    assert response.status_code == 400
    assert not Assignment.objects.filter(document=doc).exists()


def test_the_api_refuses_self_assignment_with_its_code(client, register_doc, people):
    doc = register_doc()
    head = people["head"]
    client.force_login(head)
    response = client.post(
        f"/api/v1/incoming-documents/{doc.pk}/direct/",
        {"instruction": "Tôi xử lý", "main_user": head.pk},
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert "self_assignment" in response.content.decode()


def test_a_title_that_names_the_unit_does_not_repeat_it(commune):
    from congvu.incoming.people import person_label
    from tests.factories import UnitFactory

    economy = UnitFactory(name="Phòng Kinh tế", parent=commune)
    position = PositionFactory(
        unit=economy, user__full_name="Võ Minh Tâm", title="Chuyên viên Phòng Kinh tế"
    )
    assert person_label(position.user, position) == "Võ Minh Tâm — Chuyên viên Phòng Kinh tế"
    # Accents and case do not matter; a title without the unit still gets it.
    position.title = "chuyên viên phong kinh te"
    assert person_label(position.user, position) == "Võ Minh Tâm — chuyên viên phong kinh te"
    position.title = "Chuyên viên"
    assert person_label(position.user, position) == "Võ Minh Tâm — Chuyên viên, Phòng Kinh tế"
    chair = PositionFactory(
        unit=commune, user__full_name="Trương Thị Yến", title="Chủ tịch UBND xã An Thạnh"
    )
    assert person_label(chair.user, chair) == "Trương Thị Yến — Chủ tịch UBND xã An Thạnh"


def test_the_direction_page_does_not_offer_the_receiving_body_as_handler(
    client, register_doc, people, commune, office
):
    doc = register_doc()
    client.force_login(people["head"])
    url = f"/app/van-ban-den/{doc.pk}/chi-dao/"
    body = client.get(url).content.decode()
    main = [v for v, _l, _s in _options(body, "main")]
    assert f"u:{office.pk}" in main
    assert f"u:{commune.pk}" not in main
    assert f'name="coordinators" value="u:{commune.pk}"' not in body
    assert f'name="coordinators" value="u:{office.pk}"' in body
    # Being told (nhận để biết) is still possible.
    assert f'name="informed" value="u:{commune.pk}"' in body
    response = client.post(url, {"instruction": "Xử lý", "main": f"u:{commune.pk}"})
    assert response.status_code == 400
    assert not Assignment.objects.filter(document=doc).exists()


def test_the_service_refuses_the_receiving_body_as_main_or_coordinator(
    register_doc, people, commune, office
):
    doc = register_doc()
    head = people["head"]
    for kwargs, field in (
        ({"main": commune}, "main"),
        ({"main": office, "coordinators": [commune]}, "coordinators"),
    ):
        with pytest.raises(ServiceError) as info:
            services.incoming_direct(actor=head, document=doc, instruction="Xử lý", **kwargs)
        assert info.value.code == "own_unit"
        assert info.value.errors[0].field == field
        assert commune.name in info.value.message
    assert not Assignment.objects.filter(document=doc).exists()
    created = services.incoming_direct(
        actor=head, document=doc, instruction="Xử lý", main=office, informed=[commune]
    )
    assert {(a.role, a.unit_id) for a in created} == {("main", office.pk), ("info", commune.pk)}


def test_searching_people_on_the_direction_page_keeps_what_was_typed(
    client, register_doc, people, office
):
    doc = register_doc()
    client.force_login(people["head"])
    url = f"/app/van-ban-den/{doc.pk}/chi-dao/"
    typed = {
        "instruction": "Giao Văn phòng tham mưu báo cáo trước ngày 15",
        "main": f"u:{office.pk}",
        "coordinators": [f"p:{people['deputy'].pk}"],
        "tim": "le thanh",
        "tim_nut": "1",
    }
    response = client.post(url, typed)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Giao Văn phòng tham mưu báo cáo trước ngày 15</textarea>" in body
    main = _options(body, "main")
    # Filtered by the search, except what was already chosen, which stays chosen.
    assert [v for v, _l, s in main if s] == [f"u:{office.pk}"]
    assert f"p:{people['staff'].pk}" in [v for v, _l, _s in main]
    assert f"p:{people['head'].pk}" not in [v for v, _l, _s in main]
    deputy = f'value="p:{people["deputy"].pk}"'
    assert re.search(rf'name="coordinators" {deputy}[^>]*checked', body)
    assert 'name="tim" id="id_tim" value="le thanh"' in body
    assert not Assignment.objects.filter(document=doc).exists()
    # The same form without the search button directs.
    del typed["tim_nut"]
    assert client.post(url, typed).status_code == 302
    assert Assignment.objects.filter(document=doc, unit=office, role="main").exists()
