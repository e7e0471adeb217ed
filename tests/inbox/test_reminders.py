"""Daily reminders: one e-mail and one notification per handler with work, once a day."""

import datetime
import io

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

import pytest

from congvu.inbox.models import Notification
from congvu.inbox.tasks import send_daily_reminders
from tests.incoming.factories import AssignmentFactory

pytestmark = pytest.mark.django_db


def run(capture):
    with capture(execute=True):
        return send_daily_reminders.apply().get()


def test_reminder_mail_and_notification_once_a_day(
    commune, other, django_capture_on_commit_callbacks
):
    late = AssignmentFactory(
        document__unit=commune.unit,
        document__number_notation="15/SNV-VP",
        user=commune.specialist,
        deadline=timezone.localdate() - datetime.timedelta(days=2),
    )
    assert run(django_capture_on_commit_callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [commune.specialist.email]
    assert "Nhắc việc" in message.subject
    assert "Cần xử lý: 1" in message.body
    assert "Quá hạn: 1" in message.body
    assert "15/SNV-VP" in message.body and late.document.subject[:20] in message.body
    note = Notification.objects.get(user=commune.specialist)
    assert note.body == message.body and note.read_at is None
    # Nobody else has work: no mail, no notification.
    assert Notification.objects.count() == 1

    assert run(django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 1
    assert Notification.objects.count() == 1


def test_reminder_through_run_periodic(commune, django_capture_on_commit_callbacks):
    AssignmentFactory(document__unit=commune.unit, user=commune.specialist)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_periodic", only=["daily-reminders"], stdout=io.StringIO())
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(user=commune.specialist, kind="daily_reminder").count() == 1
