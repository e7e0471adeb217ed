"""The queue page (/app/su-kien/) and the ``congvu outbox`` command."""

from __future__ import annotations

import html
from datetime import timedelta

from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

import pytest

from congvu.audit.models import AuditRecord
from congvu.events import dispatch as dispatcher
from congvu.events.models import Delivery, DeliveryStatus
from congvu.events.services import publish

from .handlers import PING

pytestmark = pytest.mark.django_db


@pytest.fixture
def dead(recorder, outbox_settings):
    """One dead letter (message 1) and one delivered message (2)."""
    recorder.on(PING)
    recorder.fail.add(1)
    with transaction.atomic():
        publish(PING, {"n": 1}, key="test:1")
        publish(PING, {"n": 2}, key="test:2")
    now = timezone.now()
    for minutes in (0, 5, 10):
        dispatcher.dispatch(now=now + timedelta(minutes=minutes))
    delivery = Delivery.objects.get(status=DeliveryStatus.DEAD)
    recorder.fail.clear()
    return delivery


@pytest.fixture
def admin(actor_factory):
    return actor_factory("system_admin")


def page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_administrators_see_the_queue_and_the_dead_letter(client, admin, dead):
    client.force_login(admin)
    body = page(client, "/app/su-kien/")
    assert "Hàng đợi sự kiện" in body
    assert "Nơi nhận từ chối sự kiện 1" in body
    assert f"/app/su-kien/luot-chuyen/{dead.pk}/thu-lai/" in body
    # The default view is what still needs work: the delivered message is not listed.
    assert "test:2" not in body
    assert "test:2" in page(client, "/app/su-kien/", trang_thai="done")
    assert "test:1" not in page(client, "/app/su-kien/", trang_thai="done")
    assert "test:1" in page(client, "/app/su-kien/", trang_thai="dead", loai=PING)
    assert "test:1" not in page(client, "/app/su-kien/", trang_thai="all", doi_tuong="test:2")

    detail = page(client, f"/app/su-kien/{dead.message_id}/")
    assert str(dead.message.message_id) in detail
    assert '"n": 1' in detail
    assert "Traceback" in detail and "RuntimeError" in detail


def test_the_retry_button_asks_for_confirmation_and_is_audited(
    client, admin, dead, recorder, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    url = f"/app/su-kien/luot-chuyen/{dead.pk}/thu-lai/"
    # The detail page's button posts without the confirmation: the page asks first.
    response = client.post(url)
    assert response.status_code == 200
    assert "Xác nhận thử lại" in response.content.decode()
    dead.refresh_from_db()
    assert dead.status == DeliveryStatus.DEAD

    calls = len(recorder.calls)
    with django_capture_on_commit_callbacks() as woken:
        response = client.post(url, {"xac_nhan": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"/app/su-kien/{dead.message_id}/"
    assert woken  # the commit wakes a dispatcher
    dead.refresh_from_db()
    assert (dead.status, dead.attempts) == (DeliveryStatus.PENDING, 0)
    assert dispatcher.dispatch().delivered == 1
    dead.refresh_from_db()
    assert dead.status == DeliveryStatus.DONE
    assert len(recorder.calls) == calls + 1
    record = AuditRecord.objects.get(action="congvu.events.delivery.retried")
    assert record.actor_id == admin.pk

    # Nothing left to retry: the page says so and changes nothing.
    response = client.post(url, {"xac_nhan": "1"})
    assert response.status_code == 400
    assert AuditRecord.objects.filter(action="congvu.events.delivery.retried").count() == 1


def test_other_officials_get_404(client, actor_factory, dead):
    client.force_login(actor_factory("unit_admin"))
    assert client.get("/app/su-kien/").status_code == 404
    assert client.get(f"/app/su-kien/{dead.message_id}/").status_code == 404
    url = f"/app/su-kien/luot-chuyen/{dead.pk}/thu-lai/"
    assert client.post(url, {"xac_nhan": "1"}).status_code == 404
    dead.refresh_from_db()
    assert dead.status == DeliveryStatus.DEAD


def test_the_home_page_links_the_queue_for_administrators(client, admin, actor_factory):
    client.force_login(admin)
    assert "/app/su-kien/" in client.get("/app/").content.decode()
    client.force_login(actor_factory("unit_admin"))
    assert "/app/su-kien/" not in client.get("/app/").content.decode()


def test_the_command_lists_retries_and_dispatches(capsys, dead, recorder):
    call_command("outbox")
    assert "dead" in capsys.readouterr().out
    call_command("outbox", "list", "--status", "dead")
    out = capsys.readouterr().out
    assert f"{dead.pk}\tdead\t3\ttests.recorder\t{PING}\ttest:1" in out
    assert "Nơi nhận từ chối sự kiện 1" in out
    with pytest.raises(CommandError):
        call_command("outbox", "retry")
    with pytest.raises(CommandError):
        call_command("outbox", "retry", "999999")
    call_command("outbox", "retry", "--all-dead")
    assert f"{dead.pk}: retry queued" in capsys.readouterr().out
    record = AuditRecord.objects.get(action="congvu.events.delivery.retried")
    assert record.actor_id is None
    call_command("outbox", "dispatch")
    assert "delivered=1" in capsys.readouterr().out
    dead.refresh_from_db()
    assert dead.status == DeliveryStatus.DONE


def test_run_periodic_dispatches_the_outbox(capsys, recorder):
    recorder.on(PING)
    with transaction.atomic():
        publish(PING, {"n": 5}, key="test:5")
    call_command("run_periodic", only=["outbox-dispatch"])
    assert "outbox-dispatch" in capsys.readouterr().out
    assert recorder.seen() == [5]


def test_event_types_read_in_vietnamese_with_their_code_beside(
    client, admin, recorder, outbox_settings
):
    recorder.on("incoming.registered")
    with transaction.atomic():
        publish("incoming.registered", {"document_id": 7}, key="incoming.incomingdocument:7")
    client.force_login(admin)
    body = page(client, "/app/su-kien/", trang_thai="all")
    assert "Vào sổ văn bản đến</a> <small><code>incoming.registered</code></small>" in body
    assert '<option value="document.issued">Ban hành văn bản đi</option>' in body
    # A type a later app declares reads as its description.
    assert "<dt>Sự kiện thử <small><code>test.ping</code></small></dt>" in body
    message = Delivery.objects.get(subscriber="tests.recorder").message_id
    detail = page(client, f"/app/su-kien/{message}/")
    assert "Vào sổ văn bản đến" in detail and "incoming.registered" in detail


def test_an_empty_queue_says_so(client, admin):
    client.force_login(admin)
    body = page(client, "/app/su-kien/")
    assert "Hàng đợi trống: chưa có sự kiện nào được ghi nhận." in body
    assert "<strong>0</strong>" not in body


def test_receivers_and_objects_are_shown_by_what_they_mean(client, admin, recorder):
    """ "Nơi nhận" by its label (code small beside), "Đối tượng" as "Văn bản đi #14", linked."""
    from congvu.events import catalogue

    catalogue.subscribe(PING, recorder.handler, name="tests.labelled", label="Gửi thử đi nơi khác")
    recorder.names.append("tests.labelled")
    with transaction.atomic():
        publish(PING, {"n": 1}, key="outgoing.outgoingdocument:14")
        publish(PING, {"n": 2}, key="test:2")
    client.force_login(admin)
    body = page(client, "/app/su-kien/")
    assert "Gửi thử đi nơi khác <small><code>tests.labelled</code></small>" in body
    assert '<option value="tests.labelled">Gửi thử đi nơi khác</option>' in body
    assert '<a href="/app/van-ban-di/14/">Văn bản đi #14</a>' in body
    assert "outgoing.outgoingdocument:14</td>" not in body
    assert "test:2" in body  # a key of no model is shown as it is
    filtered = page(client, "/app/su-kien/", noi_nhan="tests.labelled")
    assert "Gửi thử đi nơi khác" in filtered


def test_exchange_subscribers_all_have_a_label():
    from congvu.events import catalogue

    names = [s.name for s in catalogue._SUBSCRIBERS.values() if s.name.startswith("exchange.")]
    assert names
    for name in names:
        assert catalogue.subscriber_label(name) != name


def test_every_declared_event_type_has_its_own_label_and_a_new_one_is_read_from_the_catalogue():
    """Labels live in the catalogue beside the type, not in the page: a type an app
    declares with a label reads as that label wherever the page names it."""
    from congvu.events import catalogue

    assert all(t.label for t in catalogue.event_types() if not t.name.startswith("test."))
    catalogue.register_type(
        "test.labelled", fields=("n",), description="Mô tả dài.", label="Sự kiện có nhãn"
    )
    try:
        assert catalogue.event_type_label("test.labelled") == "Sự kiện có nhãn"
        assert catalogue.event_type_label("test.unknown") == "test.unknown"
    finally:
        catalogue._TYPES.pop("test.labelled")
