"""What one registration (vào sổ) costs: its statements, and nothing left for after the commit.

Issue 12 (≥ 200 registrations/s with 16 clerks): every statement of
``incoming_register`` is a round trip of every registration, and whatever runs
after its commit runs in the clerk's request in embedded mode. The document is
indexed in the registration's own transaction (ADR 0005), so it records no index
request to be applied (or deleted again) and wakes no indexer.
"""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from congvu.incoming.constants import Source
from congvu.search import indexer
from congvu.search.models import PendingIndex
from congvu.search.selectors import search_documents
from tests.files.builders import pdf_with_text, upload

pytestmark = pytest.mark.django_db

#: The statements of one paper registration, besides savepoints: duplicate scan, số đến
#: (register UPDATE … RETURNING), document, issued number, processing entry, search row,
#: its words, its change for the nodes, outbox message, audit append (one statement on
#: PostgreSQL; SQLite: head read, records, head move, and four FTS5 statements).
MAX_STATEMENTS = {"postgresql": 10, "sqlite": 16}


def _statements(ctx) -> list[str]:
    return [
        q["sql"]
        for q in ctx.captured_queries
        if not re.match(r"(SAVEPOINT|RELEASE SAVEPOINT|BEGIN|COMMIT)\b", q["sql"])
    ]


@pytest.fixture
def drains(monkeypatch):
    """The runs of the search indexer (the after-commit drain)."""
    runs = []
    drain = indexer.search_index_drain

    def counted(**kwargs):
        runs.append(kwargs)
        return drain(**kwargs)

    monkeypatch.setattr(indexer, "search_index_drain", counted)
    return runs


def _found(actor, query) -> list[int]:
    return [r.object_id for r in search_documents(actor=actor, query=query)]


def test_a_paper_registration_leaves_nothing_for_after_its_commit_and_is_found(
    register_doc, clerk, drains, django_capture_on_commit_callbacks
):
    register_doc()  # warm-up: the register of the year exists from here on
    with (
        CaptureQueriesContext(connection) as ctx,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        doc = register_doc(subject="Kế hoạch nạo vét kênh thủy lợi Cái Sơn")
    sql = _statements(ctx)
    # No index request recorded and deleted again, no wake-up, no drain re-indexing it.
    assert not [s for s in sql if "search_pendingindex" in s]
    assert callbacks == [] and drains == []
    assert not PendingIndex.objects.exists()
    # The one read of the documents is the duplicate scan: the liên thông statuses'
    # predicate decided from the document in hand (a paper document has no sender).
    reads = [s for s in sql if s.startswith("SELECT") and "incoming_incomingdocument" in s]
    assert len(reads) == 1 and "number_notation" in reads[0]
    assert len(sql) <= MAX_STATEMENTS[connection.vendor], "\n".join(sql)
    # Searchable once committed.
    assert _found(clerk, "nao vet kenh thuy loi cai son") == [doc.pk]


def test_a_lien_thong_registration_still_records_its_status_delivery(register_doc):
    from congvu.events.models import Delivery

    document = register_doc(source=Source.EDXML)
    assert list(
        Delivery.objects.filter(message__payload__document_id=document.pk).values_list(
            "subscriber", flat=True
        )
    ) == ["exchange.status_03"]


@pytest.mark.usefixtures("_tmp_storage")
def test_a_registration_with_a_file_reads_no_text_back_and_is_found_by_it_after_extraction(
    register_doc, clerk, django_capture_on_commit_callbacks
):
    scan = upload("scan.pdf", pdf_with_text("Danh sach ho ngheo ap Giong Lon"), "application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        with CaptureQueriesContext(connection) as ctx:
            doc = register_doc(subject="Công văn rà soát hộ nghèo", files=[scan])
        in_transaction = _statements(ctx)
    # Its file has no text before the commit and the document no assignment: the search
    # row is written without reading either back.
    assert not [s for s in in_transaction if s.startswith("SELECT") and "files_storedfile" in s]
    assert not [s for s in in_transaction if "incoming_assignment" in s]
    # Searchable at once by its metadata, and by its file's text once that is extracted
    # (after the commit, which indexes the document again).
    assert _found(clerk, "ra soat ho ngheo") == [doc.pk]
    assert _found(clerk, "ho ngheo ap giong lon") == [doc.pk]
    assert not PendingIndex.objects.exists()
