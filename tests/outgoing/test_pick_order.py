"""Pick lists of the outgoing pages in Vietnamese order ("Đ" after "D", not after "Z")."""

import html
import re

import pytest

from congvu.registry.models import DocumentType
from tests.factories import PositionFactory, UnitFactory
from tests.outgoing.helpers import drafted

pytestmark = pytest.mark.django_db

NAMES = ["Ấp", "Bình", "Điền", "Đông", "Zeta"]


def options(body: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', body, re.S).group(1)
    return [
        html.unescape(label).strip()
        for label in re.findall(r"<option[^>]*>(.*?)</option>", select, re.S)
    ]


def test_the_draft_form_lists_units_and_types_in_vietnamese_order(client, commune):
    for name in reversed(NAMES):
        unit = UnitFactory(name=f"Phòng {name}", parent=commune.unit)
        PositionFactory(unit=unit, user=commune.specialist)
    for i, name in enumerate(("Zeta mẫu", "Điều lệ mẫu", "Đề án mẫu")):
        DocumentType.objects.create(code=f"mau-{i}", name=name, abbreviation="X", order=999)
    client.force_login(commune.specialist)
    body = client.get("/app/van-ban-di/soan-thao/").content.decode()
    ours = [f"Phòng {n}" for n in NAMES]
    for field in ("unit", "drafting_unit", "main_units", "info_units"):
        assert [label for label in options(body, field) if label in ours] == ours, field
    # The order the administrators set first (these come last), then the name.
    assert options(body, "document_type")[-3:] == ["Đề án mẫu", "Điều lệ mẫu", "Zeta mẫu"]


def test_the_reviewers_are_listed_in_vietnamese_order(client, commune):
    for name in reversed(NAMES):
        PositionFactory(unit=commune.office, user__full_name=f"Nguyễn {name}")
    doc = drafted(commune)
    client.force_login(commune.specialist)
    body = client.get(f"/app/van-ban-di/{doc.pk}/").content.decode()
    ours = {f"Nguyễn {n}" for n in NAMES}
    for field in ("reviewer_1", "reviewer_2", "reviewer_3"):
        labels = options(body, field)
        assert labels[0] == "— Không chọn —"
        people = [label.split(" — ")[0] for label in labels if label.split(" — ")[0] in ours]
        assert people == [f"Nguyễn {n}" for n in NAMES], field
