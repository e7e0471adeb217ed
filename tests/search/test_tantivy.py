"""The node's tantivy index (ADR 0006): kept in step by ``SearchChange``, the same scope as
``restrict()``, pages, rebuild, and the database match where the node has no index."""

import datetime
import os
import time

from django.core.management import CommandError, call_command
from django.urls import reverse

import pytest
import tantivy

from congvu.core.authz import as_actor
from congvu.incoming.models import IncomingDocument
from congvu.outgoing.models import OutgoingDocument
from congvu.search.engines import sync
from congvu.search.engines.tantivy import scope_query
from congvu.search.models import Kind, SearchChange, SearchDocument, SearchIndexNode
from congvu.search.paging import InvalidCursor, decode_with_offset, fingerprint
from congvu.search.selectors import search_page
from congvu.search.services import search_index_remove, search_index_update
from tests.incoming.factories import IncomingDocumentFactory

from .factories import TextFileFactory
from .test_scope import _visible_documents, world  # noqa: F401

pytestmark = pytest.mark.django_db


def _doc(unit, subject, *, day=datetime.date(2026, 3, 2), text="", **kw):
    doc = IncomingDocumentFactory(unit=unit, subject=subject, document_date=day, **kw)
    if text:
        TextFileFactory(owner=doc, text=text)
    search_index_update(Kind.INCOMING, doc.pk)
    return doc


def _phase(cursor, query, filters=None):
    return decode_with_offset(cursor, fingerprint(query, filters or {}))[1][0]


def test_a_search_with_words_is_answered_by_the_node_index(tantivy_node, commune):
    for i in range(3):
        _doc(commune.unit, f"Kế hoạch phòng chống thiên tai số {i}")
    page = search_page(actor=commune.leader, query="thiên tai", limit=2)
    assert page.total == 3 and not page.count_is_estimate
    assert _phase(page.next_cursor, "thiên tai") == 2  # the engine's key
    assert tantivy_node().count() == 3


def test_a_change_is_searchable_after_it_commits_and_a_removal_too(tantivy_node, commune):
    doc = _doc(commune.unit, "Báo cáo xâm nhập mặn")
    assert [h.object_id for h in search_page(actor=commune.leader, query="xam nhap").hits] == [
        doc.pk
    ]
    IncomingDocument.objects.filter(pk=doc.pk).update(subject="Báo cáo hạn hán")
    search_index_update(Kind.INCOMING, doc.pk)
    assert search_page(actor=commune.leader, query="xam nhap").total == 0
    assert search_page(actor=commune.leader, query="hạn hán").total == 1
    search_index_remove(Kind.INCOMING, doc.pk)
    assert search_page(actor=commune.leader, query="hạn hán").total == 0
    assert tantivy_node().count() == 0


def test_attachment_text_is_matched(tantivy_node, commune):
    doc = _doc(commune.unit, "Công văn", text="Nội dung về nạo vét kênh mương nội đồng")
    hits = search_page(actor=commune.leader, query="kenh muong noi dong").hits
    assert [h.object_id for h in hits] == [doc.pk]
    assert "<mark>" in hits[0].snippet


def test_scope_of_the_index_equals_restrict_for_every_role(world, tantivy_node):  # noqa: F811
    sync.sync()
    searcher = tantivy_node().index.searcher()
    seen_any = False
    for name, user in world.actors.items():
        if user is None:
            continue
        expected = _visible_documents(user)
        scope = scope_query(as_actor(user))
        got = set()
        if scope is not None:
            full = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, tantivy.Query.all_query()), (tantivy.Occur.Must, scope)]
            )
            result = searcher.search(full, limit=1000)
            for _score, address in result.hits:
                kind, pk = searcher.doc(address)["key"][0].split(":")
                got.add((kind, int(pk)))
        assert got == expected, name
        seen_any |= bool(got)
    assert seen_any
    assert {(Kind.INCOMING, p) for p in IncomingDocument.objects.values_list("pk", flat=True)} | {
        (Kind.OUTGOING, p) for p in OutgoingDocument.objects.values_list("pk", flat=True)
    } == set(SearchDocument.objects.values_list("kind", "object_id"))


def test_counts_never_include_a_document_out_of_scope(tantivy_node, commune, other):
    made = [
        _doc(commune.unit, "Kế hoạch tiêm chủng mở rộng"),
        _doc(other.unit, "Kế hoạch tiêm chủng mở rộng"),
        _doc(commune.unit, "Kế hoạch tiêm chủng mật", secret=True),
    ]
    totals = {}
    for person in (commune.specialist, commune.leader, commune.clerk, other.leader):
        visible = IncomingDocument.objects.restrict(person, "view").filter(
            pk__in=[d.pk for d in made]
        )
        page = search_page(actor=person, query="tiêm chủng")
        assert page.total == visible.count() == len(page.hits)
        totals[person.pk] = page.total
    assert totals[commune.specialist.pk] == 0 and totals[other.leader.pk] == 1
    assert totals[commune.clerk.pk] >= 1


def test_filters(tantivy_node, commune):
    old = _doc(commune.unit, "Lịch trực Tết", day=datetime.date(2025, 1, 20))
    new = _doc(commune.unit, "Lịch trực Tết", day=datetime.date(2026, 1, 20))

    def found(**filters):
        page = search_page(actor=commune.leader, query="lịch trực", filters=filters, limit=50)
        return {h.object_id for h in page.hits}

    assert found() == {old.pk, new.pk}
    assert found(date_from=datetime.date(2026, 1, 1)) == {new.pk}
    assert found(date_to=datetime.date(2025, 12, 31)) == {old.pk}
    assert found(kind=Kind.OUTGOING) == set()
    assert found(status=new.status) == {old.pk, new.pk}
    assert found(issuer=new.issuer_name) == {old.pk, new.pk}
    assert found(issuer="không có cơ quan này") == set()
    assert found(secrecy=1) == set()


def test_exact_marks_rank_above_folded_twins_and_recency_breaks_ties(tantivy_node, commune):
    duty = _doc(commune.unit, "Phân công nhiệm vụ", day=datetime.date(2026, 5, 1))
    disease = _doc(commune.unit, "Phòng bệnh truyền nhiễm", day=datetime.date(2026, 1, 1))
    hits = search_page(actor=commune.leader, query="nhiễm").hits
    assert [h.object_id for h in hits] == [disease.pk, duty.pk]
    older = _doc(commune.unit, "Báo cáo tháng", day=datetime.date(2026, 1, 1))
    newer = _doc(commune.unit, "Báo cáo tháng", day=datetime.date(2026, 2, 1))
    hits = search_page(actor=commune.leader, query="báo cáo tháng").hits
    assert [h.object_id for h in hits] == [newer.pk, older.pk]


def test_pages_walk_forward_and_back_without_repeats(tantivy_node, commune):
    made = {_doc(commune.unit, f"Thông báo lịch họp tuần {i}").pk for i in range(25)}
    seen, pages, cursor = [], [], None
    while True:
        page = search_page(actor=commune.leader, query="lịch họp", limit=10, cursor=cursor)
        pages.append([h.object_id for h in page.hits])
        seen += pages[-1]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert [len(p) for p in pages] == [10, 10, 5]
    assert sorted(seen) == sorted(made) and len(set(seen)) == 25
    back = search_page(
        actor=commune.leader, query="lịch họp", limit=10, cursor=page.previous_cursor
    )
    assert [h.object_id for h in back.hits] == pages[1]
    first = search_page(
        actor=commune.leader, query="lịch họp", limit=10, cursor=back.previous_cursor
    )
    assert [h.object_id for h in first.hits] == pages[0] and first.previous_cursor is None


def test_a_cursor_of_the_other_engine_is_refused(settings, tantivy_node, commune):
    for i in range(3):
        _doc(commune.unit, f"Giấy mời họp {i}")
    engine_cursor = search_page(actor=commune.leader, query="giấy mời", limit=1).next_cursor
    built = settings.SEARCH_INDEX_DIR
    settings.SEARCH_INDEX_DIR = ""
    database_cursor = search_page(actor=commune.leader, query="giấy mời", limit=1).next_cursor
    with pytest.raises(InvalidCursor):
        search_page(actor=commune.leader, query="giấy mời", limit=1, cursor=engine_cursor)
    settings.SEARCH_INDEX_DIR = built
    with pytest.raises(InvalidCursor):
        search_page(actor=commune.leader, query="giấy mời", limit=1, cursor=database_cursor)


def test_a_typo_falls_back_to_the_database_correction(tantivy_node, commune):
    doc = _doc(commune.unit, "Kế hoạch phòng chống thiên tai")
    page = search_page(actor=commune.leader, query="thiênn tai")
    assert [h.object_id for h in page.hits] == [doc.pk]


def test_a_node_without_its_index_uses_the_database_match(settings, tmp_path, commune):
    settings.SEARCH_INDEX_DIR = str(tmp_path / "never-built")
    doc = _doc(commune.unit, "Kế hoạch phòng chống thiên tai")
    assert sync.current() is None
    page = search_page(actor=commune.leader, query="thiên tai", limit=1)
    assert [h.object_id for h in page.hits] == [doc.pk]


def test_applying_a_change_twice_changes_nothing(tantivy_node, commune):
    start = tantivy_node().read_position()
    doc = _doc(commune.unit, "Quyết định khen thưởng")
    sync.sync()
    index = tantivy_node()
    # A crash after tantivy's commit, before the position was written: the batch again.
    index.write_position(start)
    assert sync.sync().applied == SearchChange.objects.count() > 0
    assert index.count() == 1
    assert search_page(actor=commune.leader, query="khen thưởng").hits[0].object_id == doc.pk


def test_an_id_committed_late_is_applied_and_a_rolled_back_one_given_up(
    tantivy_node, commune, settings
):
    start = tantivy_node().read_position()["applied"]
    first = _doc(commune.unit, "Văn bản thứ nhất")
    late = _doc(commune.unit, "Văn bản đến muộn")
    last = _doc(commune.unit, "Văn bản thứ ba")
    sync.sync()
    index = tantivy_node()
    late_change = SearchChange.objects.filter(object_id=late.pk).latest("pk")
    # Rewind as if the late change's transaction had not committed when the node synced.
    kept = SearchChange.objects.filter(pk=late_change.pk)
    row = kept.values("kind", "object_id", "created_at").get()
    kept.delete()
    SearchDocument.objects.filter(object_id=late.pk).delete()
    index.write_position({"applied": start, "missing": {}})
    index.apply([(Kind.INCOMING, late.pk)], [])
    sync.sync()
    state = index.read_position()
    assert late_change.pk in state["missing"]
    assert not sync.behind()  # a search does not sync for an id that has not appeared
    node = SearchIndexNode.objects.get(name="test-node")
    assert node.position == late_change.pk - 1  # pruning keeps what the node still needs
    # Now it commits (same id): the next sync applies it.
    search_index_update(Kind.INCOMING, late.pk)
    SearchChange.objects.create(pk=late_change.pk, **row)
    assert sync.behind()  # now it has
    sync.sync()
    state = index.read_position()
    assert late_change.pk not in state["missing"]
    assert {h.object_id for h in search_page(actor=commune.leader, query="văn bản").hits} == {
        first.pk,
        late.pk,
        last.pk,
    }
    # An id that never shows up is given up after the grace period.
    state["missing"] = {
        state["applied"] + 1000: time.time() - settings.SEARCH_CHANGE_GRACE_SECONDS - 1
    }
    index.write_position(state)
    sync.sync()
    assert index.read_position()["missing"] == {}
    assert not sync.behind()


def test_prune_keeps_what_a_registered_node_needs(tantivy_node, commune, settings):
    _doc(commune.unit, "Một")
    _doc(commune.unit, "Hai")
    sync.sync()
    settings.SEARCH_CHANGE_GRACE_SECONDS = 0
    ids = sorted(SearchChange.objects.values_list("pk", flat=True))
    SearchIndexNode.objects.create(name="lagging", position=ids[0])
    assert sync.prune() == 1
    assert sorted(SearchChange.objects.values_list("pk", flat=True)) == ids[1:]
    assert sync.forget("lagging")
    # All applied; the newest stays, where a rebuild would start.
    assert sync.prune() == len(ids) - 2
    assert list(SearchChange.objects.values_list("pk", flat=True)) == ids[-1:]
    assert sync._start_position() == ids[-1]


def test_rebuild_switches_atomically_and_replays_changes(tantivy_node, commune):
    old_path = tantivy_node().path
    docs = [_doc(commune.unit, f"Tờ trình số {i}") for i in range(3)]
    time.sleep(1.1)  # the new directory's name carries the second
    assert sync.rebuild() == 3
    new_path = tantivy_node().path
    assert new_path != old_path and not old_path.exists()
    assert os.readlink(new_path.parent / "current") == new_path.name
    page = search_page(actor=commune.leader, query="tờ trình", limit=10)
    assert {h.object_id for h in page.hits} == {d.pk for d in docs}


def test_commands(settings, tmp_path, commune):
    settings.SEARCH_INDEX_DIR = ""
    with pytest.raises(CommandError):
        call_command("search_reindex", "--engine", "tantivy")
    settings.SEARCH_INDEX_DIR = str(tmp_path / "idx")
    with pytest.raises(CommandError):
        call_command("search_index_sync")
    _doc(commune.unit, "Kế hoạch")
    call_command("search_reindex", "--engine", "tantivy")
    assert sync.current().count() == 1
    call_command("search_index_sync")
    with pytest.raises(CommandError):
        call_command("search_index_sync", "--forget", "no-such-node")


def test_the_search_page_over_http_uses_the_index(tantivy_node, client, commune):
    doc = _doc(commune.unit, "Kế hoạch phòng chống thiên tai")
    client.force_login(commune.leader)
    html = client.get(reverse("search:home"), {"q": "thien tai"}).content.decode()
    assert f"/{doc.pk}/" in html and "<mark>" in html


def test_a_change_announces_itself_only_if_it_commits(tantivy_node, commune):
    from django.db import transaction

    before = SearchChange.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        _doc(commune.unit, "Sẽ bị hủy")
        assert SearchChange.objects.count() == before + 1
        raise RuntimeError("rolled back")
    assert SearchChange.objects.count() == before


def test_a_search_applies_the_committed_changes_first(
    tantivy_node, commune, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        doc = _doc(commune.unit, "Thông báo nghỉ lễ")
    index = tantivy_node()
    last = SearchChange.objects.latest("pk").pk
    assert index.read_position()["applied"] < last  # the change did not wait for the node
    assert sync.behind()
    assert search_page(actor=commune.leader, query="nghỉ lễ").hits[0].object_id == doc.pk
    assert index.read_position()["applied"] == last and not sync.behind()


def test_sync_command_every_seconds_runs_until_stopped(tantivy_node, commune, monkeypatch):
    from congvu.search.management.commands import search_index_sync

    _doc(commune.unit, "Giấy mời")
    rounds = []

    def sleep(seconds):
        rounds.append(seconds)
        if len(rounds) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(search_index_sync.time, "sleep", sleep)
    call_command("search_index_sync", "--every", "30")
    assert rounds == [30, 30]
    assert not sync.behind()


def test_an_index_of_another_schema_version_is_not_used(tantivy_node, commune):
    import json

    from congvu.search.engines import tantivy as engine

    doc = _doc(commune.unit, "Kế hoạch phòng chống thiên tai")
    path = tantivy_node().path
    position = json.loads((path / engine.POSITION).read_text())
    position["schema"] = engine.SCHEMA_VERSION + 1
    (path / engine.POSITION).write_text(json.dumps(position))
    sync._open.clear()
    assert sync.current() is None  # the database answers until the node is rebuilt
    assert [h.object_id for h in search_page(actor=commune.leader, query="thiên tai").hits] == [
        doc.pk
    ]
    sync.rebuild()
    assert sync.current() is not None


def test_deep_pages_stop_at_the_offset_limit_without_an_error(tantivy_node, commune, monkeypatch):
    from congvu.search import paging, selectors

    monkeypatch.setattr(paging, "MAX_OFFSET", 4)
    monkeypatch.setattr(selectors, "MAX_OFFSET", 4)
    for i in range(40):
        _doc(commune.unit, f"Báo cáo tuần {i}")
    seen, cursor = [], None
    for _ in range(10):
        page = search_page(actor=commune.leader, query="báo cáo", limit=3, cursor=cursor)
        assert page.total == 40
        seen += [h.object_id for h in page.hits]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert cursor is None  # the pages end within the limit's reach
    assert len(seen) == len(set(seen)) >= 9


def test_a_failed_apply_leaves_the_changes_to_apply_and_the_search_answers(
    tantivy_node, commune, monkeypatch, caplog
):
    from congvu.search.engines import tantivy as engine

    old = _doc(commune.unit, "Kế hoạch cũ về thiên tai")
    sync.sync()
    new = _doc(commune.unit, "Kế hoạch mới về thiên tai")
    position = tantivy_node().read_position()

    def broken(row):
        raise OSError("disk full")

    monkeypatch.setattr(engine, "document", broken)
    page = search_page(actor=commune.leader, query="thiên tai")
    assert [h.object_id for h in page.hits] == [old.pk]  # what the node had
    assert "failed" in caplog.text
    assert tantivy_node().read_position() == position and sync.behind()
    monkeypatch.undo()
    page = search_page(actor=commune.leader, query="thiên tai")
    assert {h.object_id for h in page.hits} == {old.pk, new.pk}
