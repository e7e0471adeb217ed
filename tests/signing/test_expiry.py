"""Expiry warnings: the banner, and one notice per key per threshold (30, 7, 1 days)."""

import datetime
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

import pytest

from congvu.audit.models import AuditRecord
from congvu.signatures import pki, services
from congvu.signatures.expiry import NOTICE_ACTION, expiry_notices_send, thresholds
from congvu.signatures.models import KeyKind
from tests.factories import PositionFactory, UserFactory
from tests.outgoing.conftest import make_commune
from tests.signing.conftest import PASSWORD, trust

DAY = datetime.timedelta(days=1)


@pytest.fixture
def unit_admin(commune):
    user = UserFactory(email="quantri@thanhphu.example.vn")
    PositionFactory(user=user, unit=commune.unit, unit_admin=True)
    return user


def key_ending_in(admin, ca, commune, days, *, user=None):
    if user is not None and not user.email:
        user.email = f"{user.username}@thanhphu.example.vn"
        user.save(update_fields=["email"])
    trust(ca)
    return services.signing_key_register(
        actor=admin,
        unit=commune.unit,
        kind=KeyKind.PERSON if user else KeyKind.AGENCY,
        user=user,
        pkcs12_data=pki.issue_pkcs12(ca, "Lê Văn Ký", commune.unit.name, PASSWORD, days=days),
        password=PASSWORD,
        image=pki.signature_png("ky"),
    )


def run(capture, now=None):
    with capture(execute=True):
        return expiry_notices_send(now=now)


def notices(key):
    return list(
        AuditRecord.objects.filter(action=NOTICE_ACTION, object_id=str(key.pk))
        .order_by("seq")
        .values_list("after__threshold", flat=True)
    )


@pytest.mark.django_db
def test_once_per_threshold_to_holder_and_unit_admin(
    admin, ca, commune, unit_admin, django_capture_on_commit_callbacks
):
    key = key_ending_in(admin, ca, commune, 10, user=commune.leader)
    now = timezone.now()
    assert run(django_capture_on_commit_callbacks, now) == 1
    assert notices(key) == [30]
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == sorted([commune.leader.email, unit_admin.email])
    assert "sắp hết hạn" in mail.outbox[0].subject
    assert reverse("signatures:key_detail", args=[key.pk]) in mail.outbox[0].body
    # The same day again, and the next days before the 7-day mark: nothing new.
    assert run(django_capture_on_commit_callbacks, now) == 0
    assert run(django_capture_on_commit_callbacks, now + DAY) == 0
    assert notices(key) == [30]
    # Seven days left, then one day left: one notice each.
    assert run(django_capture_on_commit_callbacks, now + 3 * DAY + DAY / 2) == 1
    assert run(django_capture_on_commit_callbacks, now + 4 * DAY) == 0
    assert run(django_capture_on_commit_callbacks, now + 9 * DAY + DAY / 2) == 1
    assert run(django_capture_on_commit_callbacks, now + 9 * DAY + DAY * 0.7) == 0
    assert notices(key) == [30, 7, 1]
    assert len(mail.outbox) == 3
    # Expired: no more notices.
    assert run(django_capture_on_commit_callbacks, now + 11 * DAY) == 0


@pytest.mark.django_db
def test_far_revoked_and_other_units_keys_are_left_alone(
    admin, ca, commune, unit_admin, django_capture_on_commit_callbacks
):
    far = key_ending_in(admin, ca, commune, 200, user=commune.leader)
    revoked = key_ending_in(admin, ca, commune, 5)
    services.signing_key_revoke(actor=admin, signing_key=revoked, reason="thay khóa")
    other = make_commune("An Qui")
    PositionFactory(unit=other.unit, unit_admin=True, user__email="khac@anqui.example.vn")
    agency = key_ending_in(admin, ca, other, 5)
    assert run(django_capture_on_commit_callbacks) == 1
    assert notices(far) == [] and notices(revoked) == []
    assert notices(agency) == [7]
    assert [m.to for m in mail.outbox] == [["khac@anqui.example.vn"]]


@pytest.mark.django_db
def test_warning_period_is_a_setting(
    settings, admin, ca, commune, django_capture_on_commit_callbacks
):
    settings.CONGVU_SIGNING_KEY_WARNING_DAYS = 60
    assert thresholds() == (60, 7, 1)
    key = key_ending_in(admin, ca, commune, 45, user=commune.leader)
    assert run(django_capture_on_commit_callbacks) == 1
    assert notices(key) == [60]


@pytest.mark.django_db
def test_the_job_runs_in_embedded_mode(admin, ca, commune, django_capture_on_commit_callbacks):
    key = key_ending_in(admin, ca, commune, 3, user=commune.leader)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_periodic", only=["signing-key-expiry"], stdout=out)
    assert "signing-key-expiry (congvu.signatures.tasks.signing_key_expiry): OK 1" in out.getvalue()
    assert notices(key) == [7]
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_banner_for_holder_and_unit_admin_only(client, admin, ca, commune, unit_admin):
    key = key_ending_in(admin, ca, commune, 10, user=commune.leader)
    detail = reverse("signatures:key_detail", args=[key.pk])
    for user in (commune.leader, unit_admin):
        client.force_login(user)
        for page in (reverse("web:home"), reverse("accounts:profile")):
            html = client.get(page).content.decode()
            assert 'data-banner="signing-key-expiry"' in html, (user, page)
            assert detail in html
    client.force_login(commune.clerk)
    assert (
        'data-banner="signing-key-expiry"' not in client.get(reverse("web:home")).content.decode()
    )


@pytest.mark.django_db
def test_no_banner_for_a_key_far_from_its_end(client, admin, ca, commune):
    key_ending_in(admin, ca, commune, 200, user=commune.leader)
    client.force_login(commune.leader)
    assert (
        'data-banner="signing-key-expiry"' not in client.get(reverse("web:home")).content.decode()
    )


VN = datetime.timezone(datetime.timedelta(hours=7))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("read_at", "expected"),
    [
        # 23:30 on the 7th, ending 00:30 on the 9th: two days left, not one.
        (datetime.datetime(2026, 12, 7, 23, 30, tzinfo=VN), 2),
        # Just past midnight it is the 8th: one day left.
        (datetime.datetime(2026, 12, 8, 0, 10, tzinfo=VN), 1),
        # On the last day: zero.
        (datetime.datetime(2026, 12, 9, 0, 5, tzinfo=VN), 0),
    ],
)
def test_banner_counts_calendar_days_in_vietnam_time(client, admin, ca, commune, read_at, expected):
    import time_machine

    from congvu.signatures.models import SigningKey

    key = key_ending_in(admin, ca, commune, 30, user=commune.leader)
    end = datetime.datetime(2026, 12, 9, 0, 30, tzinfo=VN)
    SigningKey.objects.filter(pk=key.pk).update(not_before=end - 365 * DAY, not_after=end)
    with time_machine.travel(read_at, tick=False):
        client.force_login(commune.leader)
        html = client.get(reverse("web:home")).content.decode()
    assert f"hết hạn ngày 09/12/2026 (còn {expected} ngày)" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("read_at", "expected"),
    [
        # 24 h 20 min before the end, but the next calendar day is the last: one day left.
        (datetime.datetime(2026, 12, 8, 0, 10, tzinfo=VN), 1),
        # 23:30 on the 7th, ending 00:30 on the 9th: two days left.
        (datetime.datetime(2026, 12, 7, 23, 30, tzinfo=VN), 2),
    ],
)
def test_the_expiry_mail_counts_the_days_left_as_the_banner_does(
    client, admin, ca, commune, read_at, expected, django_capture_on_commit_callbacks
):
    import time_machine

    from congvu.signatures.models import SigningKey

    key = key_ending_in(admin, ca, commune, 30, user=commune.leader)
    end = datetime.datetime(2026, 12, 9, 0, 30, tzinfo=VN)
    SigningKey.objects.filter(pk=key.pk).update(not_before=end - 365 * DAY, not_after=end)
    with time_machine.travel(read_at, tick=False):
        assert run(django_capture_on_commit_callbacks) == 1
        client.force_login(commune.leader)
        html = client.get(reverse("web:home")).content.decode()
    said = f"còn {expected} ngày"
    assert said in mail.outbox[-1].subject
    assert f"hết hạn ngày 09/12/2026 ({said})" in html
    assert notices(key) == [1 if expected == 1 else 7]


@pytest.mark.django_db
def test_a_key_ending_late_on_the_thirtieth_day_is_announced_that_day(
    admin, ca, commune, django_capture_on_commit_callbacks
):
    import time_machine

    from congvu.signatures.models import SigningKey

    key = key_ending_in(admin, ca, commune, 60, user=commune.leader)
    end = datetime.datetime(2027, 1, 6, 23, 30, tzinfo=VN)  # 30 calendar days after the 7th
    SigningKey.objects.filter(pk=key.pk).update(not_before=end - 365 * DAY, not_after=end)
    with time_machine.travel(datetime.datetime(2026, 12, 7, 8, 0, tzinfo=VN), tick=False):
        assert run(django_capture_on_commit_callbacks) == 1
    assert notices(key) == [30] and "còn 30 ngày" in mail.outbox[-1].subject
