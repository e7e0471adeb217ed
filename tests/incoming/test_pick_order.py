"""Pick lists of the incoming pages in Vietnamese order ("Đ" after "D", not after "Z")."""

import datetime
import html
import re

import pytest

from congvu.registry.models import DocumentType
from tests.factories import PositionFactory, UnitFactory

from .factories import ExternalOrganizationFactory

pytestmark = pytest.mark.django_db

NAMES = ["Ấp", "Bình", "Điền", "Đông", "Zeta"]


def options(body: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', body, re.S).group(1)
    return [
        html.unescape(label).strip() for label in re.findall(r"<option[^>]*>(.*?)</option>", select)
    ]


def test_the_register_form_lists_issuers_and_types_in_vietnamese_order(client, clerk):
    for name in reversed(NAMES):
        ExternalOrganizationFactory(name=name)
    for i, name in enumerate(("Zeta mẫu", "Điều lệ mẫu", "Đề án mẫu")):
        DocumentType.objects.create(code=f"mau-{i}", name=name, abbreviation="X", order=999)
    client.force_login(clerk)
    body = client.get("/app/van-ban-den/vao-so/").content.decode()
    assert [label for label in options(body, "issuer_external") if label in NAMES] == NAMES
    # The order the administrators set first (these come last), then the name.
    assert options(body, "document_type")[-3:] == ["Đề án mẫu", "Điều lệ mẫu", "Zeta mẫu"]


def test_direction_lists_units_and_people_in_vietnamese_order(client, commune, leader, cong_van):
    from congvu.incoming import services

    for name in reversed(NAMES):
        unit = UnitFactory(name=f"Phòng {name}", parent=commune)
        PositionFactory(unit=unit, user__full_name=f"Nguyễn {name}")
    doc = services.incoming_receive_internal(
        outgoing_unit=UnitFactory(commune=True),
        recipient_unit=commune,
        number_notation="7/UBND",
        document_date=datetime.date(2026, 3, 2),
        document_type=cong_van,
        subject="V/v thử thứ tự",
    )
    clerk = PositionFactory(clerk=True, unit=commune).user
    services.incoming_register_pending(actor=clerk, document=doc)
    services.incoming_present(actor=clerk, document=doc, to_user=leader)
    client.force_login(leader)
    body = client.get(f"/app/van-ban-den/{doc.pk}/chi-dao/").content.decode()
    labels = options(body, "main")
    units = [label for label in labels if label.startswith("Phòng ")]
    ours = {f"Nguyễn {n}" for n in NAMES}
    people = [label.split(" — ")[0] for label in labels if label.split(" — ")[0] in ours]
    assert units == [f"Phòng {n}" for n in NAMES]
    assert people == [f"Nguyễn {n}" for n in NAMES]


def test_the_agencies_page_lists_them_in_vietnamese_order_page_by_page(client, clerk):
    for name in reversed(NAMES):
        ExternalOrganizationFactory(name=name)
    for i in range(50):  # a first page of 50 before ours ("A…" before "Ấp")
        ExternalOrganizationFactory(name=f"An {i:02d}")
    client.force_login(clerk)
    first = client.get("/app/van-ban-den/co-quan-ngoai/").context["page"]
    assert [org.name for org in first.object_list] == [f"An {i:02d}" for i in range(50)]
    second = client.get("/app/van-ban-den/co-quan-ngoai/", {"trang": 2}).context["page"]
    assert [org.name for org in second.object_list] == NAMES
    assert first.paginator.count == 55


def test_the_agencies_api_lists_them_in_vietnamese_order(clerk):
    from rest_framework.test import APIClient

    for name in reversed(NAMES):
        ExternalOrganizationFactory(name=name)
    api = APIClient()
    api.force_login(clerk)
    data = api.get("/api/v1/external-organizations/", {"limit": 3}).json()
    assert data["count"] == 5 and [r["name"] for r in data["results"]] == NAMES[:3]
    data = api.get("/api/v1/external-organizations/", {"limit": 3, "offset": 3}).json()
    assert [r["name"] for r in data["results"]] == NAMES[3:]
