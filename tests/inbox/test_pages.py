"""The inbox page with HTMX tabs, notifications, and the deadlines page."""

import datetime

from django.urls import reverse
from django.utils import timezone

import pytest

from congvu.inbox.models import Notification
from congvu.workdays.calendar import add_working_days
from tests.incoming.factories import AssignmentFactory, IncomingDocumentFactory

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_inbox_page_tabs_and_scope(client, commune, other):
    mine = IncomingDocumentFactory(unit=commune.unit, pending=True, subject="Công văn của xã mình")
    IncomingDocumentFactory(unit=other.unit, pending=True, subject="Công văn xã khác")
    client.force_login(commune.clerk)
    response = client.get(reverse("inbox:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-count="register">1<' in html
    assert "Công văn của xã mình" in html
    assert "Công văn xã khác" not in html
    assert f'data-item="incoming-{mine.pk}"' in html


def test_htmx_tab_switch_returns_the_list_only(client, commune):
    IncomingDocumentFactory(unit=commune.unit, subject="Văn bản chờ trình thử")
    client.force_login(commune.clerk)
    response = client.get(reverse("inbox:home") + "?tab=present", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Văn bản chờ trình thử" in html
    assert "<html" not in html


def test_home_page_links_to_inbox(client, commune):
    client.force_login(commune.specialist)
    html = client.get(reverse("web:home")).content.decode()
    assert reverse("inbox:home") in html


def test_notification_shown_and_marked_read(client, commune, other):
    note = NotificationFactory(user=commune.specialist, title="Nhắc việc thử")
    foreign = NotificationFactory(user=other.specialist, title="Thông báo người khác")
    client.force_login(commune.specialist)
    html = client.get(reverse("inbox:home")).content.decode()
    assert "Nhắc việc thử" in html and "Thông báo người khác" not in html
    response = client.post(reverse("inbox:notification_read", args=[note.pk]))
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None
    assert "Nhắc việc thử" not in client.get(reverse("inbox:home")).content.decode()
    assert client.post(reverse("inbox:notification_read", args=[foreign.pk])).status_code == 404
    foreign.refresh_from_db()
    assert foreign.read_at is None


def test_marking_read_twice_is_refused(client, commune):
    note = NotificationFactory(user=commune.specialist, read=True)
    client.force_login(commune.specialist)
    response = client.post(reverse("inbox:notification_read", args=[note.pk]), follow=True)
    assert "đã được đánh dấu đã đọc" in response.content.decode()
    assert Notification.objects.get(pk=note.pk).read_at == note.read_at


def test_deadlines_page_for_the_leader(client, commune, other):
    today = timezone.localdate()
    overdue = IncomingDocumentFactory(
        unit=commune.unit,
        directed=True,
        deadline=today - datetime.timedelta(days=4),
        subject="Báo cáo đã quá hạn",
    )
    soon = IncomingDocumentFactory(
        unit=commune.unit,
        directed=True,
        deadline=add_working_days(today, 2),
        subject="Báo cáo sắp đến hạn",
    )
    IncomingDocumentFactory(
        unit=commune.unit,
        directed=True,
        deadline=add_working_days(today, 20),
        subject="Báo cáo còn xa",
    )
    IncomingDocumentFactory(
        unit=commune.unit,
        completed=True,
        deadline=today - datetime.timedelta(days=4),
        subject="Báo cáo đã xong",
    )
    IncomingDocumentFactory(
        unit=other.unit,
        directed=True,
        deadline=today - datetime.timedelta(days=4),
        subject="Báo cáo xã khác",
    )
    client.force_login(commune.leader)
    html = client.get(reverse("inbox:deadlines") + "?so_ngay=3").content.decode()
    overdue_part, _sep, soon_part = html.partition('data-section="due_soon"')
    assert f'data-doc="{overdue.pk}"' in overdue_part
    assert f'data-doc="{soon.pk}"' in soon_part
    for text in ("Báo cáo còn xa", "Báo cáo đã xong", "Báo cáo xã khác"):
        assert text not in html


def test_deadlines_page_for_a_specialist_lists_no_unit(client, commune):
    AssignmentFactory(document__unit=commune.unit, user=commune.specialist)
    client.force_login(commune.specialist)
    html = client.get(reverse("inbox:deadlines")).content.decode()
    assert "Bạn không phụ trách đơn vị nào." in html


def test_home_counters_open_the_inbox_tab(client, commune):
    IncomingDocumentFactory(unit=commune.unit, pending=True)
    client.force_login(commune.clerk)
    html = client.get(reverse("web:home")).content.decode()
    assert f'href="{reverse("inbox:home")}?tab=register"' in html
    assert f'href="{reverse("inbox:home")}?tab=issue"' in html
