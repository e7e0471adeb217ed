"""Home page (Việc của tôi): positions, counters from data, role sections."""

from django.urls import reverse

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from congvu.accounts.constants import Role
from congvu.audit.services import log_action
from tests.factories import DelegationFactory, PositionFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def counters(response) -> dict[str, int]:
    return {c.key: c.count for c in response.context["counters"]}


def section_keys(response) -> list[str]:
    return [s.key for s in response.context["sections"]]


def get_home(client, user):
    client.force_login(user)
    response = client.get(reverse("web:home"))
    assert response.status_code == 200
    return response


def test_greeting_and_active_positions(client):
    unit = UnitFactory(name="Văn phòng HĐND và UBND")
    position = PositionFactory(clerk=True, unit=unit, user__full_name="Lê Thị Văn Thư")
    PositionFactory(ended=True, user=position.user, title="Chức vụ cũ")
    response = get_home(client, position.user)
    html = response.content.decode()
    assert "Lê Thị Văn Thư" in html
    assert "Văn phòng HĐND và UBND" in html
    assert "Chức vụ cũ" not in html
    assert list(response.context["positions"]) == [position]


def test_delegation_counter_counts_active_delegations_received(client):
    unit = UnitFactory()
    leader = PositionFactory(leader=True, unit=unit).user
    deputy = PositionFactory(deputy=True, unit=unit).user
    assert counters(get_home(client, deputy))["delegations_received"] == 0

    DelegationFactory(delegator=leader, delegate=deputy, unit=unit)
    DelegationFactory(delegator=leader, delegate=deputy, unit=unit, expired=True)
    DelegationFactory(delegator=leader, delegate=deputy, unit=unit, revoked=True)
    response = get_home(client, deputy)
    assert counters(response)["delegations_received"] == 1
    assert 'data-counter="delegations_received"' in response.content.decode()

    assert counters(get_home(client, leader))["delegations_given"] == 1


def test_delegations_given_is_for_leaders_only(client, official):
    assert "delegations_given" not in counters(get_home(client, official))


def test_unit_admin_counts_staff_and_those_without_2fa(client):
    district = UnitFactory()
    office = UnitFactory(parent=district)
    admin = PositionFactory(unit_admin=True, unit=district).user
    with_totp = PositionFactory(unit=office).user
    TOTPDevice.objects.create(user=with_totp, name="điện thoại", confirmed=True)
    unconfirmed = PositionFactory(unit=office).user
    TOTPDevice.objects.create(user=unconfirmed, name="chưa xong", confirmed=False)
    PositionFactory(unit=office, ended=True)  # no longer in post
    PositionFactory()  # another unit, not administered

    values = counters(get_home(client, admin))
    # admin, with_totp and unconfirmed hold active posts in the subtree.
    assert values["unit_staff"] == 3
    assert values["unit_staff_without_2fa"] == 2


def test_admin_counters_are_hidden_from_other_roles(client, official):
    values = counters(get_home(client, official))
    assert "unit_staff" not in values
    assert "audit_today" not in values


def test_system_admin_counts_todays_audit_records(client):
    admin = PositionFactory(system_admin=True).user
    assert counters(get_home(client, admin))["audit_today"] == 0
    unit = UnitFactory()
    log_action(actor=admin, action="congvu.org.unit.create", obj=unit, unit=unit)
    log_action(actor=admin, action="congvu.org.unit.change", obj=unit, unit=unit)
    assert counters(get_home(client, admin))["audit_today"] == 2


@pytest.mark.parametrize(
    ("trait", "section", "title"),
    [
        ("clerk", "clerk", "Văn thư"),
        ("leader", "leader", "Lãnh đạo"),
        ("deputy", "leader", "Lãnh đạo"),
        ("unit_admin", "admin", "Quản trị"),
        ("system_admin", "admin", "Quản trị"),
    ],
)
def test_each_role_sees_its_section(client, trait, section, title):
    user = PositionFactory(**{trait: True}).user
    response = get_home(client, user)
    assert section_keys(response) == [section]
    assert f'<h2 id="section-{section}">{title}</h2>' in response.content.decode()


@pytest.mark.parametrize(
    ("role", "section", "title"),
    [(Role.SPECIALIST, "specialist", "Chuyên viên"), (Role.ONESTOP_OFFICER, "onestop", "Một cửa")],
)
def test_specialist_and_onestop_sections(client, actor_factory, role, section, title):
    response = get_home(client, actor_factory(role))
    assert section_keys(response) == [section]
    assert f'<h2 id="section-{section}">{title}</h2>' in response.content.decode()


def test_person_with_two_roles_sees_both_sections(client):
    position = PositionFactory(clerk=True)
    PositionFactory(user=position.user, role=Role.ONESTOP_OFFICER, title="Cán bộ một cửa")
    assert section_keys(get_home(client, position.user)) == ["clerk", "onestop"]


def test_official_without_position_sees_a_hint(client):
    user = UserFactory()
    response = get_home(client, user)
    assert "chưa có chức vụ nào" in response.content.decode()
    assert section_keys(response) == []


def test_delegate_gets_the_delegators_section_while_delegation_runs(client):
    unit = UnitFactory()
    head = PositionFactory(leader=True, unit=unit).user
    specialist = PositionFactory(unit=unit).user
    DelegationFactory(delegator=head, delegate=specialist, unit=unit)
    assert "leader" in section_keys(get_home(client, specialist))
