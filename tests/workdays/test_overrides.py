import datetime

from django.urls import reverse

import pytest

from congvu.audit.models import AuditRecord
from congvu.core.errors import PermissionDenied, ServiceError, TransitionNotAllowed
from congvu.workdays.calendar import add_working_days, is_working_day, working_days_between
from congvu.workdays.models import CalendarOverride
from congvu.workdays.services import override_create, override_revoke
from tests.factories import PositionFactory, UnitFactory

from .factories import CalendarOverrideFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def admin_user():
    return PositionFactory(role="system_admin").user


def test_extra_day_off_everywhere(admin_user):
    assert is_working_day(D(2026, 12, 31))
    override_create(
        actor=admin_user, date=D(2026, 12, 31), kind="day_off", reason="Nghỉ thêm theo Thông báo"
    )
    assert not is_working_day(D(2026, 12, 31))
    assert add_working_days(D(2026, 12, 30), 1) == D(2027, 1, 4)  # 1/1 holiday, then a weekend


def test_unit_specific_make_up_day_applies_to_the_unit_and_below(admin_user):
    province = UnitFactory(name="UBND tỉnh Vĩnh Long")
    commune = UnitFactory(name="UBND xã Thạnh Phú", parent=province)
    other = UnitFactory(name="UBND tỉnh khác")
    saturday = D(2026, 12, 5)
    override_create(
        actor=admin_user, date=saturday, kind="work_day", reason="Làm bù", unit=province
    )
    assert is_working_day(saturday, unit=province)
    assert is_working_day(saturday, unit=commune)
    assert is_working_day(saturday, unit=commune.pk)
    assert not is_working_day(saturday, unit=other)
    assert not is_working_day(saturday)
    assert working_days_between(D(2026, 12, 4), D(2026, 12, 7), unit=commune) == 2


def test_the_deepest_unit_wins_over_everywhere(admin_user):
    province = UnitFactory()
    commune = UnitFactory(parent=province)
    day = D(2026, 12, 31)
    override_create(actor=admin_user, date=day, kind="day_off", reason="Nghỉ toàn quốc")
    override_create(
        actor=admin_user, date=day, kind="work_day", reason="Trực tiếp dân", unit=commune
    )
    assert not is_working_day(day)
    assert not is_working_day(day, unit=province)
    assert is_working_day(day, unit=commune)


def test_an_override_can_cancel_a_national_holiday(admin_user):
    override_create(
        actor=admin_user, date=D(2026, 8, 31), kind="work_day", reason="Điều chỉnh lịch"
    )
    assert is_working_day(D(2026, 8, 31))


def test_revoked_overrides_stop_counting_and_stay_in_history(admin_user):
    override = override_create(
        actor=admin_user, date=D(2026, 12, 31), kind="day_off", reason="Nghỉ thêm"
    )
    assert not is_working_day(D(2026, 12, 31))
    override_revoke(actor=admin_user, override=override, reason="Nhầm ngày")
    assert is_working_day(D(2026, 12, 31))
    override.refresh_from_db()
    assert override.revoked_at is not None and override.revoked_by == admin_user
    assert CalendarOverride.objects.count() == 1
    with pytest.raises(TransitionNotAllowed):
        override_revoke(actor=admin_user, override=override)
    actions = set(
        AuditRecord.objects.filter(object_id=str(override.pk)).values_list("action", flat=True)
    )
    assert actions == {"congvu.workdays.override.create", "congvu.workdays.override.revoke"}


def test_one_active_override_per_day_and_scope(admin_user):
    override_create(actor=admin_user, date=D(2026, 12, 31), kind="day_off", reason="a")
    with pytest.raises(ServiceError) as exc:
        override_create(actor=admin_user, date=D(2026, 12, 31), kind="work_day", reason="b")
    assert exc.value.code == "override_exists"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"kind": "holiday"}, "invalid_kind"),
        ({"reason": "  "}, "reason_required"),
    ],
)
def test_invalid_overrides_are_refused(admin_user, kwargs, code):
    values = {"date": D(2026, 12, 31), "kind": "day_off", "reason": "Lý do"} | kwargs
    with pytest.raises(ServiceError) as exc:
        override_create(actor=admin_user, **values)
    assert exc.value.code == code


def test_who_may_change_the_calendar():
    unit = UnitFactory()
    sub = UnitFactory(parent=unit)
    unit_admin = PositionFactory(role="unit_admin", unit=unit).user
    specialist = PositionFactory(role="specialist", unit=unit).user
    with pytest.raises(PermissionDenied):
        override_create(actor=unit_admin, date=D(2026, 12, 31), kind="day_off", reason="x")
    with pytest.raises(PermissionDenied):
        override_create(
            actor=specialist, date=D(2026, 12, 31), kind="day_off", reason="x", unit=unit
        )
    created = override_create(
        actor=unit_admin, date=D(2026, 12, 31), kind="day_off", reason="x", unit=sub
    )
    assert created.created_by == unit_admin
    assert CalendarOverride.objects.restrict(specialist, "view").filter(pk=created.pk).exists()
    assert not CalendarOverride.objects.restrict(specialist, "change").exists()


def test_rows_written_outside_the_service_also_refresh_the_cache():
    assert is_working_day(D(2026, 12, 31))
    row = CalendarOverrideFactory(date=D(2026, 12, 31))
    assert not is_working_day(D(2026, 12, 31))
    CalendarOverrideFactory(date=D(2026, 12, 30), revoked=True)
    assert is_working_day(D(2026, 12, 30))
    row.delete()
    assert is_working_day(D(2026, 12, 31))


def test_admin_adds_through_the_service_and_cannot_delete(client):
    superuser = PositionFactory(
        role="system_admin", user__is_superuser=True, user__is_staff=True
    ).user
    client.force_login(superuser)
    url = reverse("admin:workdays_calendaroverride_add")
    assert client.get(url).status_code == 200
    resp = client.post(url, {"date": "2026-12-31", "kind": "day_off", "reason": "Nghỉ thêm"})
    assert resp.status_code == 302, resp.context["adminform"].form.errors
    override = CalendarOverride.objects.get()
    assert override.created_by == superuser
    assert AuditRecord.objects.filter(action="congvu.workdays.override.create").exists()
    assert not is_working_day(D(2026, 12, 31))

    delete = reverse("admin:workdays_calendaroverride_delete", args=[override.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:workdays_calendaroverride_changelist")
    resp = client.post(changelist, {"action": "revoke_selected", "_selected_action": [override.pk]})
    assert resp.status_code == 302
    override.refresh_from_db()
    assert override.revoked_at is not None
    assert is_working_day(D(2026, 12, 31))


def test_a_rolled_back_override_is_forgotten_by_the_cache(admin_user):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        override_create(actor=admin_user, date=D(2026, 12, 31), kind="day_off", reason="Thử")
        assert not is_working_day(D(2026, 12, 31))  # read (and cached) inside the transaction
        raise RuntimeError
    assert is_working_day(D(2026, 12, 31))
