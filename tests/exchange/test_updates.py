"""Update (Bussiness 2) packages applied on receipt; a replaced văn bản đến marked on its page."""

from __future__ import annotations

import pytest

from congvu.audit.models import AuditRecord
from congvu.events.models import OutboxMessage
from congvu.exchange import edxml
from congvu.exchange.constants import PackageState
from congvu.exchange.handlers import PACKAGE_UPDATED
from congvu.exchange.selectors import packages_waiting
from congvu.exchange.services import package_receive, package_register, package_to_incoming
from tests.factories import PositionFactory, UnitFactory

from .conftest import COMMUNE_CODE, PROVINCE_CODE, sample_message
from .test_register import pdf_bytes

pytestmark = pytest.mark.django_db

ORIGINAL_ID = f"{PROVINCE_CODE},2026,120/QĐ-UBND"
ORIGINAL_CODE = edxml.Code("120", "QĐ-UBND")


@pytest.fixture
def clerk():
    unit = UnitFactory(commune=True, name="UBND xã Thạnh Phú", code=COMMUNE_CODE)
    return PositionFactory(clerk=True, unit=unit).user


def receive(**changes):
    changes.setdefault(
        "attachments", [edxml.Attachment("qd", "qd.pdf", "application/pdf", pdf_bytes())]
    )
    return package_receive(raw=edxml.build(sample_message(**changes)), source="edxml_axis")


def receive_original():
    return receive(code=ORIGINAL_CODE, document_id=ORIGINAL_ID, business=None, subject="Bản đầu")


def receive_update(subject="Bản đã sửa trích yếu", receivers=(), **changes):
    info = edxml.BusinessDocumentInfo(
        document_info="1", receivers=[edxml.Receiver(code, kind) for code, kind in receivers]
    )
    business = edxml.Business(
        doc_type=2, reason="Sửa trích yếu", document_id=ORIGINAL_ID, document_info=info
    )
    return receive(
        code=ORIGINAL_CODE, document_id=ORIGINAL_ID, business=business, subject=subject, **changes
    )


def answer(package) -> str:
    [event] = OutboxMessage.objects.filter(
        event_type=PACKAGE_UPDATED, payload__package_id=package.pk
    )
    return event.payload["status_code"]


def test_an_update_of_a_waiting_package_changes_what_the_clerk_registers(clerk):
    original = receive_original()
    update = receive_update(attachments=[])
    original.refresh_from_db()
    assert update.updates == original and not update.review_required
    assert update.state == PackageState.DUPLICATE  # never registered on its own
    assert original.state == PackageState.ACCEPTED
    assert original.summary["subject"] == "Bản đã sửa trích yếu"
    assert original.summary["updated_by"] == update.pk
    draft = package_to_incoming(actor=clerk, package=original)
    assert draft.subject == "Bản đã sửa trích yếu"
    assert [f.name for f in draft.files] == ["qd.pdf"]  # header-only update: the original's files
    document = package_register(actor=clerk, package=original)
    assert document.subject == "Bản đã sửa trích yếu"
    assert answer(update) == "15"
    assert AuditRecord.objects.filter(action="congvu.exchange.package.updated").exists()


def test_an_update_removing_us_from_the_recipients_sets_the_waiting_package_aside(clerk):
    original = receive_original()
    update = receive_update(receivers=[(COMMUNE_CODE, 0)])
    original.refresh_from_db()
    assert original.state == PackageState.RETURNED
    assert "không còn là nơi nhận" in original.refusal_reason
    assert answer(update) == "15"


def test_an_update_of_a_registered_document_is_linked_and_flagged(client, clerk):
    document = package_register(actor=clerk, package=receive_original())
    update = receive_update()
    document.refresh_from_db()
    assert document.subject == "Bản đầu"  # never changed behind the clerk's back
    assert update.updates.incoming_document == document and update.review_required
    assert list(packages_waiting(clerk)) == [update]
    assert answer(update) == "15"
    client.force_login(clerk)
    page = client.get(f"/app/van-ban-den/{document.pk}/").content.decode()
    assert "Nơi gửi đã gửi bản cập nhật 120/QĐ-UBND" in page
    assert f"/app/lien-thong/{update.pk}/" in page and "Đã xem bản cập nhật" in page
    response = client.post(f"/app/lien-thong/{update.pk}/da-xem-cap-nhat/")
    assert response.status_code == 302 and response.url == f"/app/van-ban-den/{document.pk}/"
    update.refresh_from_db()
    assert not update.review_required and not packages_waiting(clerk).exists()
    assert AuditRecord.objects.filter(action="congvu.exchange.package.update_reviewed").exists()


def test_an_update_naming_nothing_we_hold_is_refused_with_16(clerk):
    update = receive_update()
    assert update.updates is None and update.state == PackageState.RECORDED
    assert answer(update) == "16"


def test_a_replaced_registered_document_shows_it_on_its_page(client, clerk):
    # sample_message replaces 000.00.00.H56,2026,120/QĐ-UBND by 125/QĐ-UBND.
    old = package_register(actor=clerk, package=receive_original())
    replacement = receive()
    assert replacement.replaces.incoming_document == old
    assert AuditRecord.objects.filter(
        action="congvu.exchange.incoming.replaced", object_id=str(old.pk)
    ).exists()
    client.force_login(clerk)
    page = client.get(f"/app/van-ban-den/{old.pk}/").content.decode()
    assert "Đã bị thay thế bằng văn bản 125/QĐ-UBND" in page
    assert f"/app/lien-thong/{replacement.pk}/" in page
    new = package_register(actor=clerk, package=replacement)
    page = client.get(f"/app/van-ban-den/{old.pk}/").content.decode()
    assert f"/app/van-ban-den/{new.pk}/" in page
    # The new document itself is not marked.
    assert "Đã bị thay thế" not in client.get(f"/app/van-ban-den/{new.pk}/").content.decode()


def test_a_document_nobody_replaced_shows_no_notice(client, clerk):
    document = package_register(actor=clerk, package=receive_original())
    client.force_login(clerk)
    page = client.get(f"/app/van-ban-den/{document.pk}/").content.decode()
    assert "Nơi gửi đã thay thế hoặc cập nhật văn bản này" not in page


def test_an_update_of_a_recalled_document_is_refused_with_16(clerk):
    from congvu.incoming.services import incoming_mark_recalled

    document = package_register(actor=clerk, package=receive_original())
    incoming_mark_recalled(actor=None, incoming_id=document.pk, reason="Thu hồi")
    update = receive_update()
    assert update.updates is None and not update.review_required
    assert answer(update) == "16"
