"""load_demo: the Thạnh Phú demo, idempotent, every role, printed accounts."""

import datetime
import io

from django.contrib.auth import authenticate
from django.core.management import call_command
from django.utils import timezone

import pytest

from congvu.accounts.constants import Role, UserKind
from congvu.accounts.models import Delegation, Position, User
from congvu.audit.models import AuditRecord
from congvu.demo.data import DEMO_PASSWORD
from congvu.org.constants import UnitKind
from congvu.org.models import Unit

pytestmark = pytest.mark.django_db

END = datetime.date(2025, 6, 30)
NEW_COMMUNES = {"Thạnh Phú", "Quới Điền", "Đại Điền", "Thạnh Hải", "An Qui", "Thạnh Phong"}


def counts():
    return {
        "units": Unit.objects.count(),
        "links": Unit.predecessors.through.objects.count(),
        "users": User.objects.count(),
        "positions": Position.objects.count(),
        "delegations": Delegation.objects.count(),
        "audit": AuditRecord.objects.count(),
    }


@pytest.fixture
def demo():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_second_run_creates_nothing(demo):
    before = counts()

    out = io.StringIO()
    call_command("load_demo", stdout=out)

    assert counts() == before
    assert "tạo mới 0 đơn vị, 0 tài khoản" in out.getvalue()


def test_district_with_34_agencies_and_its_communes(demo):
    district = Unit.objects.get(admin_code="ld:837")
    assert district.name == "Ủy ban nhân dân huyện Thạnh Phú"
    assert district.short_name == "UBND"
    assert (district.valid_from, district.valid_to) == (datetime.date(2018, 1, 1), END)

    children = Unit.objects.filter(parent=district)
    agencies = children.filter(kind__in=[UnitKind.OFFICE, UnitKind.SUBUNIT])
    assert agencies.count() == 34
    assert agencies.filter(kind=UnitKind.OFFICE).count() == 12
    assert all(a.valid_to == END and a.short_name for a in agencies)
    assert len({a.short_name for a in agencies}) == 34
    # Real data: thị trấn Thạnh Phú and 17 xã (18 commune-level units).
    assert children.filter(kind=UnitKind.TOWNSHIP).count() == 1
    assert children.filter(kind=UnitKind.COMMUNE).count() == 17
    assert children.filter(name="Ủy ban nhân dân xã An Thạnh").exists()


def test_new_structure_linked_to_predecessors(demo):
    province = Unit.objects.get(admin_code="p:86")
    assert province.name == "Ủy ban nhân dân tỉnh Vĩnh Long"
    assert province.valid_from == datetime.date(2025, 7, 1)
    assert "lp:83" in set(province.predecessors.values_list("admin_code", flat=True))

    old_communes = set(
        Unit.objects.filter(
            parent__admin_code="ld:837", kind__in=[UnitKind.COMMUNE, UnitKind.TOWNSHIP]
        )
    )
    communes = Unit.objects.filter(
        admin_code__in=[f"w:{c}" for c in (29182, 29191, 29194, 29221, 29224, 29227)]
    )
    assert {c.name.removeprefix("Ủy ban nhân dân xã ") for c in communes} == NEW_COMMUNES
    linked = set()
    for commune in communes:
        assert commune.parent == province
        assert commune.valid_to is None
        linked |= set(commune.predecessors.all())
        assert {s.short_name for s in Unit.objects.filter(parent=commune)} == {
            "VP",
            "PKT",
            "VHXH",
            "TTPVHCC",
        }
    assert linked == old_communes


def test_demo_agency_codes_are_well_formed_and_unique(demo):
    from congvu.org.constants import AGENCY_CODE_RE

    codes = list(Unit.objects.exclude(code="").values_list("code", flat=True))
    assert len(codes) >= 34 + 18 + 6 * 5 + 2
    assert len(codes) == len(set(codes))
    assert all(AGENCY_CODE_RE.match(c) for c in codes)


def test_every_role_in_both_eras(demo):
    current = Position.objects.filter(valid_to__isnull=True)
    past = Position.objects.filter(valid_to=END)
    assert set(current.values_list("role", flat=True)) == set(Role.values)
    assert set(past.values_list("role", flat=True)) == set(Role.values) - {Role.SYSTEM_ADMIN}
    assert current.values("unit").distinct().count() >= 4
    assert past.values("unit").distinct().count() >= 3
    assert all(p.unit.is_active_on(p.valid_from) for p in Position.objects.select_related("unit"))


def test_accounts_log_in_and_admin_is_superuser(demo):
    for username in ("vanthu.thanhphu", "chutich.thanhphu", "admin"):
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    citizen = User.objects.get(email="congdan@example.vn")
    assert citizen.kind == UserKind.CITIZEN
    assert citizen.email_verified
    assert citizen.check_password(DEMO_PASSWORD)


def test_active_delegation_from_chairman_to_deputy(demo):
    delegation = Delegation.objects.active(timezone.localdate()).get()
    assert delegation.delegator.username == "chutich.thanhphu"
    assert delegation.delegate.username == "phochutich.thanhphu"
    assert delegation.unit.admin_code == "w:29182"


def test_writes_are_audited_as_system(demo):
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {
        "congvu.org.unit.imported",
        "congvu.org.unit.created",
        "congvu.org.unit.updated",
        "congvu.accounts.user.created",
        "congvu.accounts.position.assigned",
        "congvu.accounts.delegation.created",
    } <= actions
    # The organisation and accounts are written as the system; the demo documents are
    # handled by the demo officials themselves (congvu.demo.documents).
    org_writes = AuditRecord.objects.filter(action__regex=r"^congvu\.(org|accounts)\.")
    assert org_writes.exists()
    assert not org_writes.filter(actor__isnull=False).exists()


def test_prints_the_accounts_table(demo):
    for expected in (
        "vanthu.thanhphu",
        "chutich.thanhphu",
        "admin",
        "congdan@example.vn",
        DEMO_PASSWORD,
    ):
        assert expected in demo
    assert "Văn thư" in demo
