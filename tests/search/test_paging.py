"""Bounded candidates, estimated totals and keyset pages (issue 12).

``selectors.search_page`` scores at most ``SEARCH_CANDIDATES`` rows, taken tier by
tier from the ranked fields; the total is exact up to ``SEARCH_EXACT_COUNT_UP_TO``;
pages follow a signed cursor.
"""

import datetime

from django.urls import reverse

import pytest

from congvu.search.paging import InvalidCursor
from congvu.search.selectors import search_documents, search_page
from congvu.search.services import search_index_update
from tests.incoming.factories import IncomingDocumentFactory

from .factories import TextFileFactory

pytestmark = pytest.mark.django_db

_FILLER = "Các cơ quan, đơn vị nghiêm túc triển khai thực hiện, báo cáo kết quả. " * 30


def _doc(commune, days_ago, text="", **fields):
    doc = IncomingDocumentFactory(
        unit=commune.unit,
        document_date=datetime.date(2026, 11, 30) - datetime.timedelta(days=days_ago),
        issuer_name=fields.pop("issuer_name", "Ủy ban nhân dân huyện Ba Tri"),
        **fields,
    )
    if text:
        TextFileFactory(owner=doc, text=text)
    search_index_update("incoming", doc)
    return doc


def _walk(actor, query, limit, **filters):
    """Every page forward, then every page back from the last: (forward ids, backward ids)."""
    pages, cursor = [], None
    while True:
        page = search_page(actor=actor, query=query, filters=filters, limit=limit, cursor=cursor)
        pages.append([h.object_id for h in page.hits])
        if page.next_cursor is None:
            break
        assert len(page.hits) == limit
        cursor = page.next_cursor
    back, cursor = [], page.previous_cursor
    while cursor is not None:
        page = search_page(actor=actor, query=query, filters=filters, limit=limit, cursor=cursor)
        back.insert(0, [h.object_id for h in page.hits])
        cursor = page.previous_cursor
    return [i for p in pages for i in p], [i for p in back for i in p] + pages[-1]


@pytest.fixture
def crowd(commune):
    """12 new documents citing "xâm nhập mặn" in their text only, 4 with one of its words in
    the trích yếu, and one old document with the phrase in its trích yếu."""
    body_only = [
        _doc(commune, i, _FILLER + "tình hình xâm nhập mặn trên địa bàn. " + _FILLER)
        for i in range(1, 13)
    ]
    one_word = [
        _doc(commune, 20 + i, "Theo dõi xâm nhập mặn.", subject=f"Về việc xâm canh đất số {i}")
        for i in range(4)
    ]
    best = _doc(
        commune, 400, "Kế hoạch.", subject="Về việc phòng, chống hạn hán, xâm nhập mặn mùa khô"
    )
    return {"body_only": body_only, "one_word": one_word, "best": best}


def test_best_document_found_beyond_a_naive_limit(crowd, commune, settings):
    """Only 5 rows are scored: the 5 newest matches would not hold the best document."""
    settings.SEARCH_CANDIDATES = 5
    page = search_page(actor=commune.leader, query="xâm nhập mặn", limit=5)
    ids = [h.object_id for h in page.hits]
    assert ids[0] == crowd["best"].pk
    # Then the rows with one word in the trích yếu, newest first, then the text-only ones.
    assert ids[1:5] == [d.pk for d in crowd["one_word"]]
    assert page.total == 17 and not page.count_is_estimate


@pytest.mark.parametrize("bound", [10, 50])
def test_bounded_order_equals_the_exact_order_when_the_tiers_fit(crowd, commune, settings, bound):
    """Bound 10: the 17 matches go through the tiers (5 rows); 50: all are scored at once."""
    settings.SEARCH_CANDIDATES = bound
    exact = [r.object_id for r in search_documents(actor=commune.leader, query="xâm nhập mặn")]
    forward, backward = _walk(commune.leader, "xâm nhập mặn", 4)
    assert forward == exact
    assert backward == exact


def test_pages_have_no_duplicates_and_no_gaps_past_the_bound(crowd, commune, settings):
    """Bound 2: the tiers hold 5 rows, so 3 of them wait in the date-ordered rest."""
    settings.SEARCH_CANDIDATES = 2
    every = {r.object_id for r in search_documents(actor=commune.leader, query="xam nhap man")}
    assert len(every) == 17
    for limit in (1, 3, 5, 20):
        forward, backward = _walk(commune.leader, "xam nhap man", limit)
        assert len(forward) == len(every) and set(forward) == every, limit
        assert backward == forward, limit
        assert forward[0] == crowd["best"].pk


def test_same_dates_page_by_id(commune):
    same_day = [_doc(commune, 5, subject="Về việc trực Tết Nguyên đán") for _ in range(5)]
    forward, backward = _walk(commune.leader, "truc tet", 2)
    assert forward == sorted((d.pk for d in same_day), reverse=True)
    assert backward == forward


def test_filters_only_pages_newest_first(crowd, commune):
    forward, backward = _walk(commune.leader, "", 6, kind="incoming")
    assert forward[-1] == crowd["best"].pk and len(forward) == 17
    assert backward == forward


def test_estimated_total_above_the_threshold(crowd, commune, settings, client):
    # More matches than the candidate bound, and than the threshold: estimated.
    settings.SEARCH_CANDIDATES = 5
    settings.SEARCH_EXACT_COUNT_UP_TO = 3
    page = search_page(actor=commune.leader, query="xâm nhập mặn", limit=5)
    assert page.count_is_estimate
    assert page.total > 3
    assert [h.object_id for h in page.hits][0] == crowd["best"].pk
    client.force_login(commune.leader)
    html = client.get(reverse("search:home"), {"q": "xâm nhập mặn"}).content.decode()
    assert f"Khoảng {page.total} kết quả" in html
    api = client.get("/api/v1/search/", {"q": "xâm nhập mặn"}).json()
    assert api["count_is_estimate"] is True and api["count"] == page.total
    # Fewer than the bound: all scored, so the total is known exactly whatever the threshold.
    settings.SEARCH_CANDIDATES = 50
    assert search_page(actor=commune.leader, query="xâm nhập mặn").total == 17
    # At or under the threshold the total is exact and said plainly.
    exact = search_page(actor=commune.leader, query="han han", limit=5)
    assert (exact.total, exact.count_is_estimate) == (1, False)
    html = client.get(reverse("search:home"), {"q": "han han"}).content.decode()
    assert "1 kết quả" in html and "Khoảng" not in html


def test_estimate_is_rounded_to_two_digits():
    from congvu.search.selectors import _about

    assert [_about(n) for n in (7, 42, 1001, 12_345, 987_654)] == [7, 42, 1000, 12_000, 990_000]


def test_page_links_follow_the_cursor(crowd, commune, client, monkeypatch):
    from congvu.search import views

    monkeypatch.setattr(views, "PAGE_SIZE", 10)
    client.force_login(commune.leader)
    first = client.get(reverse("search:home"), {"q": "xam nhap man"})
    html = first.content.decode()
    assert 'rel="next"' in html and 'rel="prev"' not in html
    next_url = first.context["next_url"]
    second = client.get(reverse("search:home") + next_url)
    assert second.status_code == 200
    shown = [h.object_id for h in first.context["hits"]] + [
        h.object_id for h in second.context["hits"]
    ]
    assert sorted(shown) == sorted(
        r.object_id for r in search_documents(actor=commune.leader, query="xam nhap man")
    )
    assert 'rel="prev"' in second.content.decode()


def test_api_pages_by_cursor(crowd, commune, client):
    client.force_login(commune.leader)
    seen, url = [], "/api/v1/search/?q=xam+nhap+man&limit=4"
    while url:
        body = client.get(url).json()
        assert body["count"] == 17 and body["count_is_estimate"] is False
        seen += [r["id"] for r in body["results"]]
        url = body["next"]
    assert len(seen) == 17 == len(set(seen))
    assert seen[0] == crowd["best"].pk


def test_tampered_or_foreign_cursor_is_refused(crowd, commune, client):
    page = search_page(actor=commune.leader, query="xam nhap man", limit=4)
    tampered = page.next_cursor[:-3] + ("AAA" if not page.next_cursor.endswith("AAA") else "BBB")
    for cursor in (tampered, "rác", page.next_cursor):
        query = "xam nhap man" if cursor != page.next_cursor else "han han"  # another search
        with pytest.raises(InvalidCursor):
            search_page(actor=commune.leader, query=query, limit=4, cursor=cursor)
    client.force_login(commune.leader)
    response = client.get("/api/v1/search/", {"q": "xam nhap man", "cursor": tampered})
    assert response.status_code == 400
    assert response.json()["code"] == "search_cursor_invalid"
    assert response.json()["errors"][0]["field"] == "cursor"
    page_response = client.get(reverse("search:home"), {"q": "xam nhap man", "sau": tampered})
    assert page_response.status_code == 400
    assert 'data-code="search_cursor_invalid"' in page_response.content.decode()


def test_head_table_data_migration_refills_sqlite(crowd, commune, settings):
    """Migration 0008 (SQLite) fills the head table of rows indexed before it; PostgreSQL
    computes its ``head_tsv`` column itself."""
    from django.apps import apps
    from django.db import connection

    from congvu.search.migration_ops import fill_head_fts

    if connection.vendor != "sqlite":
        pytest.skip("the head table is SQLite's; PostgreSQL generates head_tsv")
    settings.SEARCH_CANDIDATES = 5  # through the tiers
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_head_fts")
    ids = [h.object_id for h in search_page(actor=commune.leader, query="xam nhap man").hits]
    assert ids[0] != crowd["best"].pk  # without the head table nothing is a candidate
    assert fill_head_fts(apps, None) == 17
    ids = [h.object_id for h in search_page(actor=commune.leader, query="xam nhap man").hits]
    assert ids[0] == crowd["best"].pk
