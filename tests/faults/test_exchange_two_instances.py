"""Two congvu instances, two databases, one hub: a signed document both ways, statuses, recall, replacement.

Instance A is the test database, served by gunicorn, which also runs the hub
(``/truc/v1/``). Instance B is a second database cloned from the migrated
test database. The officials' actions of each instance run in this process
on that instance's database (the outbox then sends from here, as the web
process would); each instance's receiving job is a real ``congvu
run_periodic --only exchange-poll`` process with that instance's database
and hub token. B's receiving process is SIGKILLed between keeping a package
and acknowledging it, then started again: nothing lost, nothing doubled.
Statuses 01, 03, 04, 05 (first progress entry) and 06 come back; a recall
gets 15; a replacement of a registered document marks that document.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
import uuid

from django.db import connection, connections
from django.utils import timezone

import psycopg
import pytest

from congvu.exchange.constants import PackageState, SignatureState
from congvu.exchange.models import DeliveryStatus, ReceivedPackage, SentPackage
from congvu.exchange.services import agency_save, package_register
from congvu.hub.models import HubMessage
from congvu.hub.services import hub_agency_add
from congvu.incoming import services as incoming
from congvu.signatures import pki
from congvu.signatures.services import trust_anchor_add
from tests.factories import PositionFactory
from tests.outgoing.conftest import make_commune
from tests.outgoing.helpers import issued
from tests.signing.conftest import register_keys

from .conftest import Process, wait_for_marker

A_CODE, A_NAME = "000.31.10.H56", "UBND xã Thạnh Phú"
B_CODE, B_NAME = "000.32.10.H56", "UBND xã An Qui"
HUB_LEASE = 3


def _admin_connection():
    conf = connection.settings_dict
    return psycopg.connect(
        host=conf["HOST"] or "127.0.0.1",
        port=conf["PORT"] or 5432,
        user=conf["USER"] or None,
        password=conf["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


@pytest.fixture
def database_b(faults_env):
    """A second instance's database: a copy of the migrated, empty test database."""
    source = connection.settings_dict["NAME"]
    name = f"{source}_b_{uuid.uuid4().hex[:6]}"
    connections.close_all()
    with _admin_connection() as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    yield name
    connections.close_all()
    with _admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def on(database: str):
    """Run as the instance whose database is ``database`` (this thread's connection)."""
    saved = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = database
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = saved


def url_of(database: str) -> str:
    conf = connection.settings_dict
    return f"postgres://{conf['USER']}@{conf['HOST'] or '127.0.0.1'}:{conf['PORT']}/{database}"


def commune(code, name, peer_code, peer_name, ca):
    c = make_commune(name.removeprefix("UBND xã "))
    c.unit.code = code
    c.unit.save(update_fields=["code"])
    admin = PositionFactory(system_admin=True).user
    trust_anchor_add(actor=admin, name="CA thử", certificate_pem=ca.pem)
    register_keys(admin, ca, c)
    agency_save(
        actor=admin,
        code=peer_code,
        name=peer_name,
        channels=[{"channel": "edxml_axis", "address": peer_code}],
    )
    return c


def replaced(c, document):
    """Thay thế: ``document`` replaced by a new one, approved, signed and issued (sent)."""
    from congvu.outgoing import services as outgoing

    draft = outgoing.document_replace(actor=c.specialist, document=document)
    outgoing.draft_submit(actor=c.specialist, document=draft, reviewers=[c.office_head, c.leader])
    outgoing.review_approve(actor=c.office_head, document=draft, comment="Đồng ý")
    outgoing.draft_approve_for_signing(actor=c.leader, document=draft, authority_prefix="TM.")
    draft.refresh_from_db()
    return outgoing.document_issue(actor=c.clerk, document=draft)


def codes(document) -> list[str]:
    return list(
        DeliveryStatus.objects.filter(outgoing_document=document)
        .order_by("status_at", "pk")
        .values_list("status_code", flat=True)
    )


def test_two_instances_exchange_both_ways_and_survive_a_killed_receiver(
    faults_env, database_b, settings, monkeypatch
):
    # The hub (gunicorn) offers an unacknowledged package again after a few seconds.
    monkeypatch.setenv("HUB_LEASE_SECONDS", str(HUB_LEASE))
    # This process reads the packages the receiving processes stored (same media root).
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(faults_env.media)},
        },
    }
    a_db = connection.settings_dict["NAME"]
    ca = pki.make_ca()
    settings.CONGVU_SIGNER = "pades"
    a = commune(A_CODE, A_NAME, B_CODE, B_NAME, ca)
    _row, token_a = hub_agency_add(code=A_CODE, name=A_NAME)
    _row, token_b = hub_agency_add(code=B_CODE, name=B_NAME)
    with on(database_b):
        b = commune(B_CODE, B_NAME, A_CODE, A_NAME, ca)

    hub = faults_env.app()
    hub_url = f"{hub.url}/truc/v1/"
    settings.CONGVU_EXCHANGE_TRANSPORT = "hub"
    settings.CONGVU_EXCHANGE_ENDPOINT = hub_url
    settings.CONGVU_EXCHANGE_AGENCIES = {A_CODE: token_a, B_CODE: token_b}

    def poll(database, code, token, *, pause_at=""):
        extra = {
            "DATABASE_URL": url_of(database),
            "EXCHANGE_TRANSPORT": "hub",
            "EXCHANGE_ENDPOINT": hub_url,
            "EXCHANGE_AGENCIES": f"{code}={token}",
        }
        marker = faults_env.marker()
        if pause_at:
            extra.update(CONGVU_FAULT_PAUSE_AT=pause_at, CONGVU_FAULT_MARKER=marker)
        command = [sys.executable, "-m", "congvu.manage", "run_periodic", "--only", "exchange-poll"]
        log = faults_env.tmp / f"poll-{uuid.uuid4().hex[:6]}.log"
        process = Process(command, env=faults_env.base_env(**extra), log=log)
        faults_env.processes.append(process)
        if pause_at:
            wait_for_marker(marker, process)
            return process
        try:
            assert process.popen.wait(timeout=90) == 0, process.output()
        except subprocess.TimeoutExpired:
            pytest.fail(f"poll did not end:\n{process.output()}")
        return process

    # --- A → B: issued and sent from A's outbox.
    document = issued(a, recipients=[{"external_name": B_NAME}])
    assert SentPackage.objects.get(outgoing_document=document).sent_at is not None

    # B's receiver dies after keeping the package, before acknowledging it.
    poll(database_b, B_CODE, token_b, pause_at="exchange.poll.after_receive").kill()
    [message] = HubMessage.objects.filter(kind="edoc")
    assert message.acknowledged_at is None
    with on(database_b):
        [kept] = ReceivedPackage.objects.filter(kind="edoc")
        assert kept.state == PackageState.ACCEPTED
    # Restarted once the hub's lease ran out: the same package, kept once, now acknowledged.
    while HubMessage.objects.get(pk=message.pk).leased_until > timezone.now():
        time.sleep(0.2)
    poll(database_b, B_CODE, token_b)
    assert HubMessage.objects.get(pk=message.pk).acknowledged_at is not None
    with on(database_b):
        [package] = ReceivedPackage.objects.filter(kind="edoc")
        assert package.pk == kept.pk and package.signature_state == SignatureState.TRUSTED
        assert package.summary["code"] == document.number_notation
        received = package_register(actor=b.clerk, package=package)
        incoming.incoming_present(actor=b.clerk, document=received, to_user=b.leader)
        incoming.incoming_direct(
            actor=b.leader, document=received, instruction="Tham mưu", main=b.office
        )
        incoming.incoming_progress(actor=b.office_head, document=received, note="Đang làm")
        incoming.incoming_complete(actor=b.office_head, document=received, note="Xong")
        sent = SentPackage.objects.filter(kind="status", sent_at__isnull=False)
        assert sorted(sent.values_list("status_code", flat=True)) == [
            "01",
            "03",
            "04",
            "05",
            "06",
        ]
    poll(a_db, A_CODE, token_a)
    assert codes(document) == ["01", "03", "04", "05", "06"]
    assert set(
        DeliveryStatus.objects.filter(outgoing_document=document).values_list(
            "recipient_code", flat=True
        )
    ) == {B_CODE}

    # --- A recalls it: B's copy is recalled on receipt, 15 comes back.
    from congvu.incoming.constants import Status
    from congvu.outgoing.services import document_recall

    # In the same round A issues a second document, which it replaces once B registered it.
    document_recall(actor=a.clerk, document=document, reason="Sai thẩm quyền")
    second = issued(a, recipients=[{"external_name": B_NAME}])
    poll(database_b, B_CODE, token_b)
    with on(database_b):
        received.refresh_from_db()
        assert received.status == Status.RECALLED
        assert received.recall_reason == "Sai thẩm quyền"
        second_package = ReceivedPackage.objects.get(summary__code=second.number_notation)
        second_received = package_register(actor=b.clerk, package=second_package)
    replacement = replaced(a, second)
    poll(database_b, B_CODE, token_b)
    with on(database_b):
        from congvu.exchange.selectors import incoming_notices

        new = ReceivedPackage.objects.get(summary__code=replacement.number_notation)
        assert new.replaces == second_package and new.state == PackageState.ACCEPTED
        [notice] = incoming_notices(b.clerk, second_received)["replaced_by"]
        assert notice["package"] == new
    poll(a_db, A_CODE, token_a)
    assert codes(document) == ["01", "03", "04", "05", "06", "15"]
    assert codes(second) == ["01", "03"]
    assert codes(replacement) == ["01"]

    # --- B → A: the other way.
    with on(database_b):
        reply = issued(b, recipients=[{"external_name": A_NAME}])
        reply_number = reply.number_notation
    poll(a_db, A_CODE, token_a)
    [back] = ReceivedPackage.objects.filter(kind="edoc")
    assert back.sender_code == B_CODE and back.signature_state == SignatureState.TRUSTED
    assert back.summary["code"] == reply_number
    package_register(actor=a.clerk, package=back)
    poll(database_b, B_CODE, token_b)
    with on(database_b):
        from congvu.outgoing.models import OutgoingDocument

        assert codes(OutgoingDocument.objects.get(pk=reply.pk)) == ["01", "03"]
        # The document and its revoke (kept as a duplicate of it, never registered),
        # the second document and its replacement.
        assert ReceivedPackage.objects.filter(kind="edoc", duplicate_of__isnull=True).count() == 3
    # Every package the hub took was acknowledged; none twice in either database.
    assert not HubMessage.objects.filter(acknowledged_at__isnull=True).exists()
    assert ReceivedPackage.objects.filter(kind="edoc").count() == 1
    with on(database_b):
        # document + its revoke, second, its replacement: each kept once.
        assert ReceivedPackage.objects.filter(kind="edoc").count() == 4
