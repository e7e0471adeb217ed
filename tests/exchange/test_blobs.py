"""Blobs under ``exchange/``: deleted with a rolled-back row, orphans swept, sent bytes purged."""

from __future__ import annotations

import datetime
import os

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

import pytest

from congvu.core.errors import ServiceError
from congvu.exchange.maintenance import exchange_orphan_blobs_sweep, sent_packages_purge
from congvu.exchange.models import SentPackage
from congvu.exchange.services import package_receive
from congvu.exchange.services.sending import _prepared, sent_bytes

from .conftest import fixture_bytes

pytestmark = pytest.mark.django_db

A, B = "000.31.10.H56", "000.32.10.H56"


def prepared(transport_id: str, raw: bytes = b"<edXML/>") -> SentPackage:
    return _prepared(
        transport_id=transport_id,
        build=lambda: raw,
        kind=SentPackage.Kind.STATUS,
        sender_code=A,
        recipient_code=B,
    )


def age(name: str, days: int) -> None:
    when = (timezone.now() - datetime.timedelta(days=days)).timestamp()
    os.utime(default_storage.path(name), (when, when))


def test_a_sent_package_rolled_back_leaves_no_blob():
    names = []
    with pytest.raises(RuntimeError), transaction.atomic():
        row = prepared("m-1")
        names.append(row.storage_name)
        assert default_storage.exists(row.storage_name)
        raise RuntimeError("the row never commits")
    assert not SentPackage.objects.exists()
    assert not default_storage.exists(names[0])


def test_a_second_build_under_the_same_id_keeps_one_row_and_one_blob():
    first = prepared("m-2", b"<edXML>1</edXML>")
    again = prepared("m-2", b"<edXML>2</edXML>")
    assert again == first
    _dirs, files = default_storage.listdir(first.storage_name.rsplit("/", 1)[0])
    assert len(files) == 1


def test_the_sweep_deletes_old_blobs_no_package_names_under_exchange():
    received = package_receive(raw=fixture_bytes("vnpt_prefixed.xml"), source="edxml_axis")
    sent = prepared("m-3")
    old_orphan = default_storage.save("exchange/sent/2026/01/orphan.xml", ContentFile(b"x"))
    old_received_orphan = default_storage.save("exchange/2026/01/orphan.xml", ContentFile(b"y"))
    fresh_orphan = default_storage.save("exchange/2026/02/fresh.xml", ContentFile(b"z"))
    for name in (received.storage_name, sent.storage_name, old_orphan, old_received_orphan):
        age(name, 2)
    assert exchange_orphan_blobs_sweep() == 2
    assert not default_storage.exists(old_orphan)
    assert not default_storage.exists(old_received_orphan)
    assert default_storage.exists(fresh_orphan)  # still in its grace period
    assert default_storage.exists(received.storage_name)
    assert default_storage.exists(sent.storage_name)


def test_sent_bytes_are_purged_after_the_retention(settings):
    settings.CONGVU_EXCHANGE_SENT_RETENTION_DAYS = 30
    old, recent, unsent = prepared("m-4"), prepared("m-5"), prepared("m-6")
    SentPackage.objects.filter(pk=old.pk).update(
        sent_at=timezone.now() - datetime.timedelta(days=31)
    )
    SentPackage.objects.filter(pk=recent.pk).update(
        sent_at=timezone.now() - datetime.timedelta(days=29)
    )
    with django_capture():
        assert sent_packages_purge() == 1
    old.refresh_from_db()
    assert old.purged_at is not None and old.sha256  # the row stays as the record
    assert not default_storage.exists(old.storage_name)
    assert default_storage.exists(recent.storage_name)
    assert default_storage.exists(unsent.storage_name)
    with pytest.raises(ServiceError) as exc:
        sent_bytes(old)
    assert exc.value.code == "purged"
    assert sent_packages_purge() == 0


def test_a_retention_of_zero_keeps_sent_bytes(settings):
    settings.CONGVU_EXCHANGE_SENT_RETENTION_DAYS = 0
    row = prepared("m-7")
    SentPackage.objects.filter(pk=row.pk).update(
        sent_at=timezone.now() - datetime.timedelta(days=3650)
    )
    assert sent_packages_purge() == 0
    assert default_storage.exists(row.storage_name)


def django_capture():
    """Run on_commit callbacks at once (the test's transaction never commits)."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


def test_the_periodic_job_sweeps_and_purges(settings):
    """``exchange-blobs`` is a periodic job like the others: embedded mode runs it too."""
    from django.core.management import call_command

    settings.CONGVU_EXCHANGE_SENT_RETENTION_DAYS = 30
    orphan = default_storage.save("exchange/sent/2026/01/orphan.xml", ContentFile(b"x"))
    age(orphan, 2)
    row = prepared("m-8")
    SentPackage.objects.filter(pk=row.pk).update(
        sent_at=timezone.now() - datetime.timedelta(days=40)
    )
    with django_capture():
        call_command("run_periodic", only=["exchange-blobs"])
    assert not default_storage.exists(orphan)
    row.refresh_from_db()
    assert row.purged_at is not None
