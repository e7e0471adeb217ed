"""Transport: two agencies exchange a signed document through a real hub over HTTP.

Both agencies live in this test's database (one congvu instance may serve a
district and its communes, each with its own code and hub token); the hub is
pytest-django's live server. The two-process, two-database version is in
tests/faults/test_exchange_two_instances.py.
"""

from __future__ import annotations

from django.utils import timezone

import pytest

from congvu.events.dispatch import dispatch
from congvu.events.models import Delivery
from congvu.events.models import DeliveryStatus as OutboxStatus
from congvu.exchange.constants import PackageState, SignatureState
from congvu.exchange.models import DeliveryStatus, ReceivedPackage, SentPackage
from congvu.exchange.services import package_register, package_return
from congvu.exchange.services.sending import exchange_poll
from congvu.hub.models import HubMessage
from congvu.hub.services import hub_agency_add
from congvu.incoming import services as incoming
from tests.factories import PositionFactory
from tests.outgoing.conftest import make_commune
from tests.outgoing.helpers import issued

pytestmark = pytest.mark.django_db(transaction=True)

A_CODE = "000.31.10.H56"
B_CODE = "000.32.10.H56"
B_NAME = "UBND xã An Qui"


@pytest.fixture
def world(settings, live_server):
    """Commune A (sender, agency key from a trusted CA) and commune B, both on the hub."""
    from congvu.exchange.services import agency_save
    from congvu.signatures import pki
    from congvu.signatures.services import trust_anchor_add
    from tests.signing.conftest import register_keys

    settings.CONGVU_SIGNER = "pades"
    a = make_commune("Thạnh Phú")
    b = make_commune("An Qui")
    for commune, code in ((a, A_CODE), (b, B_CODE)):
        commune.unit.code = code
        commune.unit.save(update_fields=["code"])
    admin = PositionFactory(system_admin=True).user
    ca = pki.make_ca()
    trust_anchor_add(actor=admin, name="CA thử", certificate_pem=ca.pem)
    register_keys(admin, ca, a)
    register_keys(admin, ca, b, person=False)
    agency_save(
        actor=admin,
        code=B_CODE,
        name=B_NAME,
        channels=[{"channel": "edxml_axis", "address": B_CODE}],
    )
    _row, token_a = hub_agency_add(code=A_CODE, name=a.unit.name)
    _row, token_b = hub_agency_add(code=B_CODE, name=b.unit.name)
    settings.CONGVU_EXCHANGE_TRANSPORT = "hub"
    settings.CONGVU_EXCHANGE_ENDPOINT = f"{live_server.url}/truc/v1/"
    settings.CONGVU_EXCHANGE_AGENCIES = {A_CODE: token_a, B_CODE: token_b}
    settings.CONGVU_EXCHANGE_TIMEOUT_SECONDS = 10
    return a, b


def statuses(document) -> list[str]:
    return list(
        DeliveryStatus.objects.filter(outgoing_document=document)
        .order_by("pk")
        .values_list("status_code", flat=True)
    )


def settle() -> None:
    """What the periodic jobs do: deliver due events, take in waiting packages, until quiet."""
    for _ in range(6):
        done = dispatch().as_dict()
        polled = exchange_poll()
        if not polled["received"] and not any(done.get(k) for k in ("done", "retrying")):
            return


def test_a_signed_document_goes_out_and_every_status_comes_back(world):
    a, b = world
    document = issued(a, recipients=[{"external_name": B_NAME}])
    settle()
    [sent] = SentPackage.objects.filter(kind="edoc")
    assert (sent.sender_code, sent.recipient_code, sent.outgoing_document) == (
        A_CODE,
        B_CODE,
        document,
    )
    assert sent.sent_at is not None
    [package] = ReceivedPackage.objects.filter(kind="edoc")
    assert package.state == PackageState.ACCEPTED and package.unit == b.unit
    assert package.signature_state == SignatureState.TRUSTED
    assert package.summary["code"] == document.number_notation
    assert statuses(document) == ["01"]

    received = package_register(actor=b.clerk, package=package)
    settle()
    assert statuses(document) == ["01", "03"]

    incoming.incoming_present(actor=b.clerk, document=received, to_user=b.leader)
    incoming.incoming_direct(
        actor=b.leader, document=received, instruction="Văn phòng tham mưu", main=b.office
    )
    settle()
    assert statuses(document) == ["01", "03", "04"]

    incoming.incoming_complete(actor=b.office_head, document=received, note="Đã thực hiện")
    settle()
    assert statuses(document) == ["01", "03", "04", "06"]
    # Each status once, from B, on A's document; every package acknowledged at the hub.
    rows = DeliveryStatus.objects.filter(outgoing_document=document)
    assert {r.recipient_code for r in rows} == {B_CODE}
    assert not HubMessage.objects.filter(acknowledged_at__isnull=True).exists()
    assert ReceivedPackage.objects.filter(kind="edoc").count() == 1
    assert not Delivery.objects.exclude(status=OutboxStatus.DONE).exists()


def test_a_returned_package_sends_02(world):
    a, b = world
    document = issued(a, recipients=[{"external_name": B_NAME}])
    settle()
    package = ReceivedPackage.objects.get(kind="edoc")
    package_return(actor=b.clerk, package=package, reason="Gửi nhầm nơi nhận")
    settle()
    assert statuses(document) == ["01", "02"]
    assert DeliveryStatus.objects.get(status_code="02").description == "Gửi nhầm nơi nhận"


def test_a_resend_after_a_lost_answer_is_not_a_second_package(world):
    """The outbox retries a send whose answer was lost: same bytes, same id, one package."""
    from congvu.exchange.services.sending import _transmit

    a, _b = world
    issued(a, recipients=[{"external_name": B_NAME}])
    settle()
    sent = SentPackage.objects.get(kind="edoc")
    # As if the answer never came back: the row still says unsent and the outbox tries again.
    SentPackage.objects.filter(pk=sent.pk).update(sent_at=None)
    sent.refresh_from_db()
    _transmit(sent)
    settle()
    assert HubMessage.objects.filter(kind="edoc").count() == 1
    assert ReceivedPackage.objects.filter(kind="edoc").count() == 1


def test_an_unknown_recipient_at_the_hub_is_a_dead_letter_at_once(world, settings):
    a, _b = world
    settings.CONGVU_EXCHANGE_AGENCIES = {A_CODE: settings.CONGVU_EXCHANGE_AGENCIES[A_CODE]}
    HubMessage.objects.all().delete()
    from congvu.hub.models import HubAgency

    HubAgency.objects.filter(code=B_CODE).delete()
    issued(a, recipients=[{"external_name": B_NAME}])
    dispatch()
    delivery = Delivery.objects.get(subscriber="exchange.send_issued")
    assert delivery.status == OutboxStatus.DEAD
    assert "recipient_unknown" in delivery.last_error
    assert SentPackage.objects.get().last_error.startswith("recipient_unknown")


def test_an_unreachable_hub_is_retried(world, settings):
    a, _b = world
    settings.CONGVU_EXCHANGE_ENDPOINT = "http://127.0.0.1:9/truc/v1/"
    settings.CONGVU_EXCHANGE_TIMEOUT_SECONDS = 2
    issued(a, recipients=[{"external_name": B_NAME}])
    dispatch()
    delivery = Delivery.objects.get(subscriber="exchange.send_issued")
    assert delivery.status == OutboxStatus.RETRYING
    assert "hub_unreachable" in delivery.last_error
    assert SentPackage.objects.get().sent_at is None


def test_the_periodic_job_takes_packages_in(world):
    """``exchange-poll`` is a periodic job like the others: embedded mode runs it too."""
    from django.core.management import call_command

    a, _b = world
    issued(a, recipients=[{"external_name": B_NAME}])
    assert not ReceivedPackage.objects.exists()
    call_command("run_periodic", only=["exchange-poll"])
    assert ReceivedPackage.objects.get(kind="edoc").state == PackageState.ACCEPTED


def test_nothing_is_sent_without_a_transport(world, settings):
    a, _b = world
    settings.CONGVU_EXCHANGE_TRANSPORT = ""
    issued(a, recipients=[{"external_name": B_NAME}])
    settle()
    assert not SentPackage.objects.exists()
    assert not HubMessage.objects.exists()
    assert Delivery.objects.get(subscriber="exchange.send_issued").status == OutboxStatus.DONE


def test_a_crash_between_keeping_and_acknowledging_duplicates_nothing(world, settings):
    """The receiver kept the package but died before the acknowledgement: offered again, one row."""
    import datetime

    from congvu.exchange.services import package_receive
    from congvu.exchange.transport import transport_for

    a, _b = world
    issued(a, recipients=[{"external_name": B_NAME}])
    dispatch()
    receiver = transport_for(B_CODE)
    [offered] = receiver.lease(10)
    kept = package_receive(raw=receiver.fetch(offered), source="edxml_axis")
    # ...killed here. The hub's lease runs out and the next poll gets the package again.
    HubMessage.objects.filter(pk=offered.id).update(
        leased_until=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    )
    exchange_poll()
    assert list(ReceivedPackage.objects.filter(kind="edoc")) == [kept]
    assert HubMessage.objects.get(pk=offered.id).acknowledged_at is not None
    assert exchange_poll()["received"] == 0
    assert statuses(kept_document()) == ["01"]


def kept_document():
    from congvu.outgoing.models import OutgoingDocument

    return OutgoingDocument.objects.get(issued_at__isnull=False)


def test_a_recall_reaches_the_registered_copy_and_15_comes_back(world):
    from congvu.incoming.constants import Status
    from congvu.outgoing.services import document_recall

    a, b = world
    document = issued(a, recipients=[{"external_name": B_NAME}])
    settle()
    received = package_register(actor=b.clerk, package=ReceivedPackage.objects.get(kind="edoc"))
    settle()
    document_recall(actor=a.clerk, document=document, reason="Sai thẩm quyền ban hành")
    settle()
    received.refresh_from_db()
    assert received.status == Status.RECALLED
    assert received.recall_reason == "Sai thẩm quyền ban hành"
    revoke = ReceivedPackage.objects.get(kind="edoc", summary__business=1)
    assert revoke.state == PackageState.DUPLICATE and revoke.incoming_document is None
    assert statuses(document) == ["01", "03", "15"]
    # The sender's page reads 13 (our request) then the recipient's 15 in one history.
    from congvu.exchange.selectors import delivery_statuses

    document.refresh_from_db()  # as the page reads it, recalled and with its reason
    (recipient,) = delivery_statuses(a.clerk, document)
    assert [s.status_code for s in recipient["history"]] == ["15", "13", "03", "01"]
    assert recipient["history"][1].meaning == "Yêu cầu lấy lại/thu hồi"
    assert recipient["history"][1].description == "Sai thẩm quyền ban hành"


def test_a_recall_before_registration_sets_the_waiting_package_aside(world):
    from congvu.outgoing.services import document_recall

    a, _b = world
    document = issued(a, recipients=[{"external_name": B_NAME}])
    settle()
    document_recall(actor=a.clerk, document=document, reason="Gửi nhầm")
    settle()
    original = ReceivedPackage.objects.get(kind="edoc", duplicate_of__isnull=True)
    assert original.state == PackageState.RETURNED
    assert "Gửi nhầm" in original.refusal_reason
    assert statuses(document) == ["01", "15"]


def test_a_recall_of_what_never_arrived_is_refused_with_16(world, settings):
    from congvu.outgoing.services import document_recall

    a, _b = world
    settings.CONGVU_EXCHANGE_TRANSPORT = ""
    document = issued(a, recipients=[{"external_name": B_NAME}])
    settings.CONGVU_EXCHANGE_TRANSPORT = "hub"
    document_recall(actor=a.clerk, document=document, reason="Sai sót")
    settle()
    revoke = ReceivedPackage.objects.get(kind="edoc")
    assert revoke.state == PackageState.RECORDED  # never waits for registration
    assert statuses(document) == ["16"]


def test_a_revoke_signed_by_someone_else_recalls_nothing(world):
    """Anyone on the hub can write any From: only the original's signer recalls it."""
    from congvu.exchange import edxml
    from congvu.exchange.services import package_bytes, package_receive
    from congvu.incoming.constants import Status

    a, b = world
    issued(a, recipients=[{"external_name": B_NAME}])
    settle()
    original = ReceivedPackage.objects.get(kind="edoc")
    received = package_register(actor=b.clerk, package=original)
    forged = edxml.parse(package_bytes(original))
    forged.business = edxml.Business(doc_type=1, reason="Giả mạo", document_id=original.message_id)
    forged.signature = None
    revoke = package_receive(raw=edxml.build(forged), source="edxml_axis")  # unsigned
    received.refresh_from_db()
    assert received.status != Status.RECALLED
    assert revoke.state == PackageState.DUPLICATE


def test_a_replacement_is_linked_to_the_package_it_replaces(world):
    from congvu.outgoing import services as outgoing

    a, b = world
    first = issued(a, recipients=[{"external_name": B_NAME}])
    settle()
    old_document = package_register(actor=b.clerk, package=ReceivedPackage.objects.get(kind="edoc"))
    draft = outgoing.document_replace(actor=a.specialist, document=first)
    outgoing.draft_submit(actor=a.specialist, document=draft, reviewers=[a.office_head, a.leader])
    outgoing.review_approve(actor=a.office_head, document=draft, comment="Đồng ý")
    outgoing.draft_approve_for_signing(actor=a.leader, document=draft, authority_prefix="TM.")
    draft.refresh_from_db()
    second = outgoing.document_issue(actor=a.clerk, document=draft)
    settle()
    old = ReceivedPackage.objects.get(summary__code=first.number_notation)
    new = ReceivedPackage.objects.get(summary__code=second.number_notation)
    assert new.replaces == old and new.state == PackageState.ACCEPTED
    assert new.summary["business"] == 3
    # The văn bản đến already registered shows it was replaced, with the replacement's package.
    from congvu.exchange.selectors import incoming_notices

    [notice] = incoming_notices(b.clerk, old_document)["replaced_by"]
    assert notice["package"] == new and notice["visible"]


def test_the_first_progress_entry_sends_05_once(world):
    """Đang xử lý: handling starts with the first progress entry, after the assignment's 04."""
    a, b = world
    document = issued(a, recipients=[{"external_name": B_NAME}])
    settle()
    received = package_register(actor=b.clerk, package=ReceivedPackage.objects.get(kind="edoc"))
    incoming.incoming_present(actor=b.clerk, document=received, to_user=b.leader)
    incoming.incoming_direct(
        actor=b.leader, document=received, instruction="Văn phòng tham mưu", main=b.office
    )
    settle()
    assert statuses(document) == ["01", "03", "04"]
    incoming.incoming_progress(actor=b.office_head, document=received, note="Đang soạn trả lời")
    incoming.incoming_progress(actor=b.office_head, document=received, note="Đã xin ý kiến")
    settle()
    assert statuses(document) == ["01", "03", "04", "05"]
    assert DeliveryStatus.objects.get(status_code="05").meaning


def test_a_send_to_many_recipients_stops_at_its_time_budget_and_resumes(world, settings):
    """Each call may wait a whole timeout: an attempt never starts one it could not finish.

    A budget of 0 s lets one call per attempt through; the outbox comes back
    for the rest, each recipient receives once.
    """
    from congvu.exchange.services import agency_save

    a, _b = world
    admin = PositionFactory(system_admin=True).user
    others = {"000.33.10.H56": "UBND xã Tân Phong", "000.34.10.H56": "UBND xã Mỹ Hòa"}
    for code, name in others.items():
        hub_agency_add(code=code, name=name)
        agency_save(
            actor=admin, code=code, name=name, channels=[{"channel": "edxml_axis", "address": code}]
        )
    settings.CONGVU_EXCHANGE_SEND_BUDGET_SECONDS = 0
    issued(a, recipients=[{"external_name": n} for n in [B_NAME, *others.values()]])
    dispatch()
    delivery = Delivery.objects.get(subscriber="exchange.send_issued")
    assert delivery.status == OutboxStatus.RETRYING
    assert "send_deferred" in delivery.last_error
    assert SentPackage.objects.filter(kind="edoc", sent_at__isnull=False).count() == 1
    for expected in (2, 3):
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        dispatch()
        assert SentPackage.objects.filter(kind="edoc", sent_at__isnull=False).count() == expected
    delivery.refresh_from_db()
    assert delivery.status == OutboxStatus.DONE
    assert sorted(
        HubMessage.objects.filter(kind="edoc").values_list("recipient__code", flat=True)
    ) == (sorted([B_CODE, *others]))


def test_an_update_or_replacement_signed_by_someone_else_changes_nothing(world):
    """As for a revoke: only the original's signer updates or replaces it."""
    from congvu.exchange import edxml
    from congvu.exchange.selectors import incoming_notices
    from congvu.exchange.services import package_bytes, package_receive

    a, b = world
    document = issued(a, recipients=[{"external_name": B_NAME}])
    settle()
    original = ReceivedPackage.objects.get(kind="edoc")
    received = package_register(actor=b.clerk, package=original)
    forged = edxml.parse(package_bytes(original))
    forged.signature = None
    forged.subject = "Trích yếu giả mạo"
    forged.business = edxml.Business(doc_type=2, document_id=original.message_id)
    update = package_receive(raw=edxml.build(forged), source="edxml_axis")  # unsigned
    assert update.updates is None and not update.review_required
    forged.document_id = f"{A_CODE},2026,999/UBND-VP"
    forged.business = edxml.Business(
        doc_type=3, replacements=[edxml.ReplacementInfo(document_id=original.message_id)]
    )
    replacement = package_receive(raw=edxml.build(forged), source="edxml_axis")
    assert replacement.replaces is None
    assert incoming_notices(b.clerk, received) == {"replaced_by": [], "updates": []}
    settle()
    # The forged update refused; the forged "replacement" is only a new package (01), same số.
    assert statuses(document) == ["01", "03", "16", "01"]
