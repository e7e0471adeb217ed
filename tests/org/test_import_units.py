"""import_units: province 86 with its pre-2025 units, idempotent."""

import datetime
import io

from django.core.management import call_command

import pytest

from congvu.audit.models import AuditRecord
from congvu.org.constants import UnitKind
from congvu.org.models import Unit

pytestmark = pytest.mark.django_db

#: platform.md §3: the 6 communes that replaced huyện Thạnh Phú, by legacy ward code.
THANH_PHU_SUCCESSION = {
    29182: {29182, 29200, 29212, 29233},  # Thạnh Phú ← TT Thạnh Phú, An Thạnh, Bình Thạnh, Mỹ An
    29191: {29191, 29197, 29206},  # Quới Điền ← Quới Điền, Mỹ Hưng, Hòa Lợi
    29194: {29185, 29188, 29194, 29203},  # Đại Điền ← Phú Khánh, Đại Điền, Tân Phong, Thới Thạnh
    29221: {29209, 29221},  # Thạnh Hải ← An Điền, Thạnh Hải
    29224: {29215, 29218, 29224},  # An Qui ← An Thuận, An Quy, An Nhơn
    29227: {29227, 29230},  # Thạnh Phong ← Giao Thạnh, Thạnh Phong
}


def run(*args):
    out = io.StringIO()
    call_command("import_units", *args, stdout=out)
    return out.getvalue()


def test_new_structure_without_legacy():
    output = run("--province", "86")

    province = Unit.objects.get(admin_code="p:86")
    assert province.kind == UnitKind.PROVINCE
    assert province.name == "Ủy ban nhân dân tỉnh Vĩnh Long"
    assert province.valid_from == datetime.date(2025, 7, 1)
    assert province.valid_to is None
    assert province.code == ""
    wards = Unit.objects.filter(parent=province)
    assert wards.count() == 124
    assert wards.filter(kind=UnitKind.WARD).count() == 19
    assert wards.filter(kind=UnitKind.COMMUNE).count() == 105
    assert all(u.path == f"{province.path}{u.pk}/" and u.depth == 1 for u in wards)
    assert not Unit.objects.filter(admin_code__startswith="l").exists()
    assert "125" in output


def test_legacy_builds_old_units_and_links():
    run("--province", "86", "--legacy")

    old_provinces = Unit.objects.filter(admin_code__in=["lp:83", "lp:84", "lp:86"])
    assert {u.name for u in old_provinces} == {
        "Ủy ban nhân dân tỉnh Bến Tre",
        "Ủy ban nhân dân tỉnh Trà Vinh",
        "Ủy ban nhân dân tỉnh Vĩnh Long",
    }
    new_province = Unit.objects.get(admin_code="p:86")
    assert set(new_province.predecessors.all()) == set(old_provinces)

    district = Unit.objects.get(admin_code="ld:837")
    assert district.kind == UnitKind.DISTRICT
    assert district.valid_to == datetime.date(2025, 6, 30)
    assert district.parent.admin_code == "lp:83"
    communes = Unit.objects.filter(parent=district)
    # 18 commune-level units, as the package (and platform.md's mapping) has
    # them: thị trấn Thạnh Phú and 17 xã.
    assert communes.count() == 18
    assert communes.filter(kind=UnitKind.COMMUNE).count() == 17
    assert list(communes.filter(kind=UnitKind.TOWNSHIP).values_list("name", flat=True)) == [
        "Ủy ban nhân dân thị trấn Thạnh Phú"
    ]
    assert all(c.valid_to == datetime.date(2025, 6, 30) for c in communes)
    assert all(c.path.startswith(district.path) and c.depth == 2 for c in communes)

    for new_code, old_codes in THANH_PHU_SUCCESSION.items():
        commune = Unit.objects.get(admin_code=f"w:{new_code}")
        assert commune.kind == UnitKind.COMMUNE
        assert {p.admin_code for p in commune.predecessors.all()} == {f"lw:{c}" for c in old_codes}
    names = set(
        Unit.objects.filter(admin_code__in=[f"w:{c}" for c in THANH_PHU_SUCCESSION]).values_list(
            "name", flat=True
        )
    )
    assert names == {
        f"Ủy ban nhân dân xã {n}"
        for n in ("Thạnh Phú", "Quới Điền", "Đại Điền", "Thạnh Hải", "An Qui", "Thạnh Phong")
    }


def test_rerun_is_idempotent_and_audited_once():
    run("--province", "86", "--legacy")
    units = Unit.objects.count()
    links = Unit.predecessors.through.objects.count()
    records = AuditRecord.objects.filter(action="congvu.org.unit.imported")
    assert records.count() == 1
    assert records.get().after["created"]["district"] == 26

    output = run("--province", "86", "--legacy")

    assert Unit.objects.count() == units
    assert Unit.predecessors.through.objects.count() == links
    assert records.count() == 1
    assert "tạo mới: 0, cập nhật: 0" in output


def test_rerun_repairs_renamed_unit_but_keeps_operator_fields():
    run("--province", "86")
    unit = Unit.objects.get(admin_code="w:29182")
    Unit.objects.filter(pk=unit.pk).update(name="Sai tên", phone="0275 3870 000")

    run("--province", "86")

    unit.refresh_from_db()
    assert unit.name == "Ủy ban nhân dân xã Thạnh Phú"
    assert unit.phone == "0275 3870 000"
    assert Unit.objects.filter(admin_code="w:29182").count() == 1


def test_legacy_added_later_closes_nothing_new():
    run("--province", "86")
    run("--province", "86", "--legacy")

    assert Unit.objects.filter(admin_code__startswith="w:", valid_to__isnull=False).count() == 0
    assert Unit.objects.get(admin_code="w:29182").predecessors.count() == 4


def test_unknown_province_is_an_error():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        run("--province", "99")
    assert not Unit.objects.exists()
