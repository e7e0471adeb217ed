"""Search: folding, fields covered, attachments, highlighting, filters and scope."""

import datetime

from django.urls import reverse

import pytest

from congvu.registry.models import DocumentType
from congvu.search.selectors import search, search_documents
from congvu.search.services import search_index_update, search_reindex
from tests.incoming.factories import AssignmentFactory, IncomingDocumentFactory
from tests.outgoing.factories import OutgoingDocumentFactory

from .factories import TextFileFactory

# Each test once with the database match and once with the node's tantivy index (ADR 0006).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine")]


def ids(actor, query="", **filters):
    return [
        (r.kind, r.object_id) for r in search_documents(actor=actor, query=query, filters=filters)
    ]


@pytest.fixture
def docs(commune, other):
    qd = DocumentType.objects.get(code="quyet-dinh")
    decision = IncomingDocumentFactory(
        unit=commune.unit,
        number_notation="12/QĐ-UBND",
        document_type=qd,
        subject="Về việc phê duyệt kế hoạch phòng, chống thiên tai năm 2026",
        issuer_name="Ủy ban nhân dân huyện Thạnh Phú",
        signer_name="Đặng Văn Thành",
        document_date=datetime.date(2026, 3, 2),
    )
    letter = IncomingDocumentFactory(
        unit=commune.unit,
        number_notation="45/SNV-VP",
        subject="V/v báo cáo công tác cải cách hành chính",
        issuer_name="Sở Nội vụ tỉnh Vĩnh Long",
        document_date=datetime.date(2026, 5, 20),
    )
    foreign = IncomingDocumentFactory(
        unit=other.unit,
        number_notation="12/QĐ-UBND",
        document_type=qd,
        subject="Về việc phê duyệt kế hoạch phòng, chống thiên tai của xã khác",
        signer_name="Đặng Văn Thành",
    )
    secret = IncomingDocumentFactory(
        unit=commune.unit,
        secret=True,
        subject="Quyết định mật về phòng, chống thiên tai",
        issuer_name="Bộ Chỉ huy quân sự tỉnh",
    )
    draft = OutgoingDocumentFactory(
        unit=commune.unit,
        drafted_by=commune.specialist,
        subject="Kế hoạch phòng, chống thiên tai năm 2026 của xã",
    )
    search_reindex()
    return {
        "decision": decision,
        "letter": letter,
        "foreign": foreign,
        "secret": secret,
        "draft": draft,
    }


def test_folding_case_accents_and_d(docs, commune):
    assert ids(commune.leader, "quyet dinh 12 ubnd") == [("incoming", docs["decision"].pk)]
    assert ids(commune.leader, "QUYẾT ĐỊNH 12/qđ-ubnd") == [("incoming", docs["decision"].pk)]
    assert ids(commune.leader, "dang van thanh") == [("incoming", docs["decision"].pk)]
    assert ids(commune.leader, "so noi vu vinh long") == [("incoming", docs["letter"].pk)]


def test_scope_other_commune_and_secret(docs, commune, other, django_capture_on_commit_callbacks):
    # The leader (clearance Mật) sees the Mật document of his unit, never the other commune's.
    leader_hits = ids(commune.leader, "phong chong thien tai")
    assert ("incoming", docs["foreign"].pk) not in leader_hits
    assert ("incoming", docs["secret"].pk) in leader_hits
    # A specialist sees only what is assigned to them or what they drafted.
    assert ids(commune.specialist, "phong chong thien tai") == [("outgoing", docs["draft"].pk)]
    with django_capture_on_commit_callbacks(execute=True):  # reindexed when it commits
        AssignmentFactory(document=docs["decision"], user=commune.specialist)
    assert ("incoming", docs["decision"].pk) in ids(commune.specialist, "thien tai")
    assert ("incoming", docs["secret"].pk) not in ids(commune.specialist, "thien tai")
    assert ids(other.leader, "phong chong thien tai") == [("incoming", docs["foreign"].pk)]


def test_attachment_text(docs, commune):
    TextFileFactory(
        owner=docs["letter"], text="Phụ lục: danh sách hộ nghèo được hỗ trợ xây nhà đại đoàn kết"
    )
    search_index_update("incoming", docs["letter"])
    assert ids(commune.leader, "ho ngheo dai doan ket") == [("incoming", docs["letter"].pk)]


def test_highlight_escapes_html(commune):
    doc = IncomingDocumentFactory(
        unit=commune.unit, subject='<script>alert("x")</script> Quyết định khen thưởng'
    )
    search_index_update("incoming", doc)
    hits, total = search(actor=commune.leader, query="quyet dinh khen thuong")
    assert total == 1
    html = str(hits[0].subject)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<mark>Quyết</mark> <mark>định</mark> <mark>khen</mark> <mark>thưởng</mark>" in html
    assert "<mark>" in str(hits[0].snippet)


def test_issuer_filter_matches_the_beginnings_of_words_in_both_engines(docs, commune):
    leader = commune.leader
    letter = [("incoming", docs["letter"].pk)]
    # Each typed word begins a word of the issuer: a name typed in part is enough.
    assert ids(leader, "cai cach", issuer="Sở Nội") == letter
    assert ids(leader, "cai cach", issuer="noi v") == letter
    assert ids(leader, "", issuer="so noi v") == letter
    # Never the middle of a word: "inh" is inside "tỉnh" and "Vĩnh" but begins neither.
    assert ids(leader, "cai cach", issuer="inh") == []
    assert ids(leader, "", issuer="inh") == []
    assert ids(leader, "cai cach", issuer="vu tinh ong") == []


def test_filters(docs, commune):
    qd = DocumentType.objects.get(code="quyet-dinh")
    leader = commune.leader
    assert ids(leader, "thien tai", kind="outgoing") == [("outgoing", docs["draft"].pk)]
    assert ids(leader, "", type=qd.pk) == [("incoming", docs["decision"].pk)]
    assert ids(leader, "", issuer="huyen thanh phu") == [("incoming", docs["decision"].pk)]
    assert ids(
        leader,
        "",
        kind="incoming",
        date_from=datetime.date(2026, 5, 1),
        date_to=datetime.date(2026, 5, 31),
    ) == [("incoming", docs["letter"].pk)]
    assert ids(leader, "thien tai", secrecy=1) == [("incoming", docs["secret"].pk)]
    assert ids(leader, "", status="draft") == [("outgoing", docs["draft"].pk)]
    register = docs["letter"].register
    assert ("incoming", docs["letter"].pk) in ids(leader, "", register=register.pk)
    assert ("incoming", docs["decision"].pk) not in ids(leader, "bao cao", register=register.pk)


def test_empty_search_returns_nothing(docs, commune):
    assert ids(commune.leader) == []


def test_page_shows_highlighted_results_in_scope(client, docs, commune):
    client.force_login(commune.leader)
    response = client.get(reverse("search:home"), {"q": "quyet dinh 12 ubnd"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<mark>12</mark>/QĐ-<mark>UBND</mark>" in html
    assert reverse("incoming:detail", args=[docs["decision"].pk]) in html
    assert "của xã khác" not in html


def test_api(client, docs, commune):
    client.force_login(commune.leader)
    response = client.get("/api/v1/search/", {"q": "dang van thanh"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["results"][0]["id"] == docs["decision"].pk
    assert body["results"][0]["kind"] == "incoming"
    assert "<mark>Đặng</mark>" in body["results"][0]["snippet"]
    filtered = client.get("/api/v1/search/", {"q": "thien tai", "kind": "outgoing"}).json()
    assert [r["id"] for r in filtered["results"]] == [docs["draft"].pk]
    assert client.get("/api/v1/search/", {"date_from": "hôm qua"}).status_code == 400


def test_api_refuses_citizens_and_anonymous(client, docs):
    from tests.factories import UserFactory

    assert client.get("/api/v1/search/", {"q": "thien tai"}).status_code in (401, 403)
    client.force_login(UserFactory(citizen=True))
    assert client.get("/api/v1/search/", {"q": "thien tai"}).status_code == 403


def test_typo_falls_back_to_trigrams(commune):
    doc = IncomingDocumentFactory(unit=commune.unit, subject="Kế hoạch khen thưởng thành tích")
    search_index_update("incoming", doc)
    # PostgreSQL: pg_trgm word similarity; SQLite: the word corrected by the vocabulary.
    assert ids(commune.leader, "khen thuongg") == [("incoming", doc.pk)]


def test_typo_fallback_compares_the_ranked_fields_not_the_attachments(commune):
    """The fallback is bounded to số ký hiệu, trích yếu, issuer and signer (issue 12)."""
    in_text = IncomingDocumentFactory(unit=commune.unit, subject="Báo cáo tháng")
    TextFileFactory(owner=in_text, text="Kế hoạch khen thưởng thành tích tập thể")
    search_index_update("incoming", in_text)
    in_subject = IncomingDocumentFactory(unit=commune.unit, subject="Khen thưởng thành tích")
    search_index_update("incoming", in_subject)
    assert ids(commune.leader, "khen thuong thanh tich") == [
        ("incoming", in_subject.pk),
        ("incoming", in_text.pk),
    ]
    expected = [("incoming", in_subject.pk)]
    assert ids(commune.leader, "khen thuongg thanh tichh") == expected
    from tests.factories import PositionFactory

    admin = PositionFactory(system_admin=True, user__is_superuser=True).user  # not narrowed
    assert ids(admin, "khen thuongg thanh tichh") == expected


def test_dates_are_local_not_utc(client, commune):
    """Issued at 00:18 on 07/12 in Việt Nam (17:18 on 06/12 UTC): the day shown is 07/12."""
    from zoneinfo import ZoneInfo

    issued_at = datetime.datetime(2026, 12, 7, 0, 18, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    doc = OutgoingDocumentFactory(
        unit=commune.unit, issued=True, issued_at=issued_at, subject="V/v trực Tết nửa đêm"
    )
    row = search_index_update("outgoing", doc)
    assert row.date == datetime.date(2026, 12, 7)
    client.force_login(commune.leader)
    html = client.get(reverse("search:home"), {"q": "truc tet nua dem"}).content.decode()
    assert "07/12/2026" in html and "06/12/2026" not in html
    api = client.get("/api/v1/search/", {"q": "truc tet nua dem"}).json()
    assert [r["date"] for r in api["results"]] == ["2026-12-07"]


def test_attachment_text_is_indexed_when_its_extraction_finishes(
    commune, settings, tmp_path, django_capture_on_commit_callbacks
):
    """The text is read after the upload commits; the document's row follows when it is saved."""
    from congvu.files.services import file_store
    from tests.files.builders import pdf_with_text, upload

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    doc = IncomingDocumentFactory(unit=commune.unit, subject="V/v hỗ trợ nhà ở")
    search_index_update("incoming", doc)
    with django_capture_on_commit_callbacks() as callbacks:
        file_store(
            actor=commune.leader,
            upload=upload("phu-luc.pdf", pdf_with_text("Danh sách hộ nghèo ấp Giồng Lớn")),
            owner=doc,
        )
    assert ids(commune.leader, "giong lon") == []  # committed, not yet read
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert ids(commune.leader, "giong lon") == [("incoming", doc.pk)]


def test_data_migration_moves_old_rows_to_the_local_day(commune):
    """Rows indexed before the fix carry the UTC day; migration 0005 rewrites only those."""
    from zoneinfo import ZoneInfo

    from django.apps import apps

    from congvu.search.migration_ops import outgoing_dates_to_local
    from congvu.search.models import SearchDocument

    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    night = OutgoingDocumentFactory(
        unit=commune.unit, issued=True, issued_at=datetime.datetime(2026, 12, 7, 0, 18, tzinfo=tz)
    )
    noon = OutgoingDocumentFactory(
        unit=commune.unit, issued=True, issued_at=datetime.datetime(2026, 12, 7, 12, 0, tzinfo=tz)
    )
    for doc in (night, noon):
        search_index_update("outgoing", doc)
    SearchDocument.objects.filter(object_id=night.pk, kind="outgoing").update(
        date=datetime.date(2026, 12, 6)  # what the old indexer wrote
    )
    assert outgoing_dates_to_local(apps, None) == 1
    assert set(SearchDocument.objects.filter(kind="outgoing").values_list("object_id", "date")) == {
        (night.pk, datetime.date(2026, 12, 7)),
        (noon.pk, datetime.date(2026, 12, 7)),
    }
    assert outgoing_dates_to_local(apps, None) == 0


def test_the_vocabulary_backfill_and_the_indexer_agree(commune):
    """Migration 0011 (PostgreSQL) or 0012 (SQLite) fills the vocabulary with the words the
    indexer would have added."""
    from django.apps import apps
    from django.db import connection

    from congvu.search.backends import VOCABULARY_BACKFILL_SQL
    from congvu.search.migration_ops import fill_vocabulary
    from congvu.search.models import SearchWord

    doc = IncomingDocumentFactory(
        unit=commune.unit, number_notation="7/KH-UBND", subject="Kế hoạch nạo vét kênh"
    )
    search_index_update("incoming", doc)
    written = set(SearchWord.objects.values_list("word", flat=True))
    assert {"kh", "ubnd", "ke", "hoach", "nao", "vet", "kenh"} <= written
    assert "7" not in written  # numbers are unique per document: not a vocabulary
    SearchWord.objects.all().delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(VOCABULARY_BACKFILL_SQL)
    else:
        assert fill_vocabulary(apps, None) == len(written)
        assert fill_vocabulary(apps, None) == 0  # a second run adds nothing
    assert set(SearchWord.objects.values_list("word", flat=True)) == written


def test_the_type_filter_lists_document_types_in_vietnamese_order(commune):
    from congvu.core.text import vietnamese_sort_key
    from congvu.search.forms import SearchForm

    form = SearchForm(actor=commune.leader)
    labels = [str(label) for value, label in form.fields["type"].choices if value != ""]
    assert len(labels) > 10
    assert labels == sorted(labels, key=vietnamese_sort_key)
    # Đ is a letter after D, not after Z; Báo cáo before Biên bản.
    assert labels.index("Đề án") < labels.index("Giấy mời")
    assert labels.index("Báo cáo") < labels.index("Biên bản")
