"""Indexing after the commit, in batches: pending rows, the indexer, crashes and wake-ups."""

import io

from django.core.management import call_command
from django.db import transaction

import pytest

from congvu.search import services
from congvu.search.indexer import search_index_drain
from congvu.search.models import Kind, PendingIndex, SearchDocument
from congvu.search.selectors import search_documents
from tests.incoming.factories import AssignmentFactory, IncomingDocumentFactory
from tests.outgoing.factories import OutgoingDocumentFactory

pytestmark = pytest.mark.django_db


def found(actor, query):
    return [(r.kind, r.object_id) for r in search_documents(actor=actor, query=query)]


def pending(kind, pk):
    return PendingIndex.objects.filter(kind=kind, object_id=pk).count()


def test_a_committed_document_is_searchable_once_the_indexer_ran(
    commune, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):  # committed, no wake-up yet
        doc = IncomingDocumentFactory(unit=commune.unit, subject="Kế hoạch nạo vét kênh mương")
        AssignmentFactory(document=doc, user=commune.specialist, unit=None)
        doc.save()
    assert pending(Kind.INCOMING, doc.pk) == 1  # once, however many rows changed
    assert found(commune.leader, "nao vet kenh muong") == []

    result = search_index_drain()
    assert (result.indexed, result.applied, result.failed) == (1, 1, 0)
    assert found(commune.leader, "nao vet kenh muong") == [(Kind.INCOMING, doc.pk)]
    assert pending(Kind.INCOMING, doc.pk) == 0


def test_in_embedded_mode_the_commit_wakes_the_indexer(commune, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        doc = OutgoingDocumentFactory(unit=commune.unit, subject="Tờ trình xin kinh phí lũ lụt")
    assert found(commune.leader, "kinh phi lu lut") == [(Kind.OUTGOING, doc.pk)]
    assert pending(Kind.OUTGOING, doc.pk) == 0


def test_a_rolled_back_document_never_appears(commune, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        doc = IncomingDocumentFactory(unit=commune.unit, subject="Báo cáo hạn hán xâm nhập mặn")
        assert pending(Kind.INCOMING, doc.pk) == 1
        raise RuntimeError
    assert pending(Kind.INCOMING, doc.pk) == 0
    search_index_drain()
    assert found(commune.leader, "han han xam nhap man") == []
    assert not SearchDocument.objects.filter(kind=Kind.INCOMING, object_id=doc.pk).exists()


def test_a_savepoint_rollback_keeps_the_outer_change_pending(
    commune, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        doc = IncomingDocumentFactory(unit=commune.unit, subject="Công văn về phòng cháy rừng")
        with pytest.raises(RuntimeError), transaction.atomic():
            doc.save()
            raise RuntimeError
    assert pending(Kind.INCOMING, doc.pk) == 1
    search_index_drain()
    assert found(commune.leader, "phong chay rung") == [(Kind.INCOMING, doc.pk)]


def test_a_crash_in_the_indexer_leaves_the_documents_pending(
    commune, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        broken = IncomingDocumentFactory(unit=commune.unit, subject="Giấy mời họp giao ban")
        fine = IncomingDocumentFactory(unit=commune.unit, subject="Thông báo lịch tiếp dân")
    real_write = services._write_rows

    def crash_on_broken(rows):
        if any(r.object_id == broken.pk for r in rows):
            raise RuntimeError("indexer crashed")
        return real_write(rows)

    monkeypatch.setattr(services, "_write_rows", crash_on_broken)
    result = search_index_drain()
    # The batch failed, so it was retried one by one: the other document got through.
    assert (result.indexed, result.failed) == (1, 1)
    assert pending(Kind.INCOMING, broken.pk) == 1 and pending(Kind.INCOMING, fine.pk) == 0
    assert found(commune.leader, "giay moi hop giao ban") == []
    assert found(commune.leader, "lich tiep dan") == [(Kind.INCOMING, fine.pk)]

    monkeypatch.setattr(services, "_write_rows", real_write)  # the cause is fixed
    out = io.StringIO()
    call_command("search_index_pending", stdout=out)  # what the periodic job runs
    assert "Đã lập chỉ mục 1 văn bản" in out.getvalue()
    assert found(commune.leader, "giay moi hop giao ban") == [(Kind.INCOMING, broken.pk)]
    assert not PendingIndex.objects.exists()


def test_a_deleted_document_leaves_the_index(commune, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        doc = IncomingDocumentFactory(unit=commune.unit, subject="Quyết định khen thưởng")
    with django_capture_on_commit_callbacks(execute=False):
        doc.delete()
    assert SearchDocument.objects.filter(kind=Kind.INCOMING).count() == 1
    search_index_drain()
    assert not SearchDocument.objects.filter(kind=Kind.INCOMING).exists()


def test_batches_and_the_periodic_task(commune, django_capture_on_commit_callbacks):
    from congvu.search.tasks import drain_index

    with django_capture_on_commit_callbacks(execute=False):
        docs = [
            IncomingDocumentFactory(unit=commune.unit, subject=f"Văn bản thử số {i}")
            for i in range(5)
        ]
    assert search_index_drain(batch_size=2, max_batches=1).applied == 2
    assert PendingIndex.objects.count() == 3
    assert drain_index.apply().get() == {
        "indexed": 3,
        "applied": 3,
        "failed": 0,
        "busy": False,
        "node": 0,  # no SEARCH_INDEX_DIR: no node index to bring up to date
        "pruned": 0,
    }
    assert SearchDocument.objects.filter(object_id__in=[d.pk for d in docs]).count() == 5


@pytest.mark.django_db(transaction=True)
def test_a_crash_between_commit_and_indexing_is_recovered(monkeypatch):
    from congvu.search import indexer
    from tests.inbox.conftest import make_commune

    commune = make_commune("Tân Xuân")

    def lost_wake_up():
        raise RuntimeError("worker died before indexing")

    monkeypatch.setattr(indexer, "_wake", lost_wake_up)
    with transaction.atomic():
        doc = IncomingDocumentFactory(unit=commune.unit, subject="Kế hoạch trồng cây xanh")
    with pytest.raises(RuntimeError), transaction.atomic():
        gone = IncomingDocumentFactory(unit=commune.unit, subject="Kế hoạch trồng rừng ngập")
        raise RuntimeError
    # The change committed (the failed wake-up is only logged); its row is still pending.
    assert pending(Kind.INCOMING, doc.pk) == 1 and pending(Kind.INCOMING, gone.pk) == 0
    assert found(commune.leader, "trong cay xanh") == []

    monkeypatch.undo()
    assert search_index_drain().indexed >= 1  # the periodic job
    assert found(commune.leader, "trong cay xanh") == [(Kind.INCOMING, doc.pk)]
    assert found(commune.leader, "trong rung ngap") == []
    assert not PendingIndex.objects.exists()


def test_a_block_that_indexes_its_document_records_no_index_request(
    commune, django_capture_on_commit_callbacks
):
    # What incoming_register does: save, index in the transaction, nothing for after it.
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        transaction.atomic(),
        services.search_index_in_transaction(Kind.INCOMING),
    ):
        doc = IncomingDocumentFactory(unit=commune.unit, subject="Kế hoạch nạo vét kênh")
        assert pending(Kind.INCOMING, doc.pk) == 0
        services.search_index_new(Kind.INCOMING, doc)
    assert callbacks == [] and not PendingIndex.objects.exists()
    assert found(commune.leader, "nao vet kenh") == [(Kind.INCOMING, doc.pk)]


def test_a_block_owes_a_request_for_what_it_saved_and_did_not_index(
    commune, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        with services.search_index_in_transaction(Kind.INCOMING):
            forgotten = IncomingDocumentFactory(unit=commune.unit, subject="Tờ trình đê bao")
            indexed = IncomingDocumentFactory(unit=commune.unit, subject="Tờ trình kè sông")
            services.search_index_new(Kind.INCOMING, indexed)
            # A later change of the indexed one is recorded as usual.
            indexed.subject = "Tờ trình kè sông Cổ Chiên"
            indexed.save()
        assert pending(Kind.INCOMING, forgotten.pk) == 1
        assert pending(Kind.INCOMING, indexed.pk) == 1
    assert not PendingIndex.objects.exists()  # drained after the commit
    assert found(commune.leader, "de bao") == [(Kind.INCOMING, forgotten.pk)]
    assert found(commune.leader, "ke song co chien") == [(Kind.INCOMING, indexed.pk)]


def test_a_block_keeps_the_request_of_a_row_written_in_a_rolled_back_savepoint(commune):
    with transaction.atomic():
        with services.search_index_in_transaction(Kind.INCOMING):
            doc = IncomingDocumentFactory(unit=commune.unit, subject="Báo cáo lũ")
            with pytest.raises(RuntimeError), transaction.atomic():
                services.search_index_new(Kind.INCOMING, doc)
                raise RuntimeError
        assert pending(Kind.INCOMING, doc.pk) == 1


def test_an_error_leaving_a_block_rolls_its_transaction_back(commune):
    # Even when a caller catches it: a document saved without its index request or its
    # row must not commit.
    with pytest.raises(transaction.TransactionManagementError), transaction.atomic():
        try:
            with services.search_index_in_transaction(Kind.INCOMING):
                doc = IncomingDocumentFactory(unit=commune.unit, subject="Tờ trình")
                raise ValueError
        except ValueError:
            pass
        IncomingDocumentFactory(unit=commune.unit)  # refused: the transaction is doomed
    assert not type(doc).objects.filter(pk=doc.pk).exists()
