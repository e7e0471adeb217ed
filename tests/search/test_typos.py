"""The typo fallback: unknown words corrected against the vocabulary of the ranked fields.

On both vendors; SQLite looks candidates up in its FTS5 trigram table (migration 0012).
"""

from types import SimpleNamespace

from django.apps import apps
from django.db import connection

import pytest

from congvu.search.backends import get_backend, similarity, trigrams
from congvu.search.models import SearchWord
from congvu.search.selectors import search_page
from congvu.search.services import search_index_update
from tests.factories import PositionFactory
from tests.incoming.factories import IncomingDocumentFactory
from tests.outgoing.factories import OutgoingDocumentFactory

from .test_search import ids

# Each test once with the database match and once with the node's tantivy index (ADR 0006).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine")]

sqlite_only = pytest.mark.skipif(
    "connection.vendor != 'sqlite'", reason="SQLite's trigram table of the vocabulary"
)


def _fts_words() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT word FROM search_word_fts ORDER BY word")
        return [r[0] for r in cursor.fetchall()]


@pytest.fixture
def canal(commune):
    """A draft the specialist wrote and an incoming document of the unit they cannot see."""
    draft = OutgoingDocumentFactory(
        unit=commune.unit,
        drafted_by=commune.specialist,
        subject="Kế hoạch nạo vét kênh mương nội đồng",
    )
    search_index_update("outgoing", draft)
    unseen = IncomingDocumentFactory(
        unit=commune.unit,
        number_notation="12/QĐ-UBND",
        subject="Quyết định nạo vét kênh mương nội đồng",
    )
    search_index_update("incoming", unseen)
    return draft, unseen


def test_trigrams_and_similarity_are_pg_trgms():
    assert trigrams("ke") == {"  k", " ke", "ke "}
    assert similarity("kee", "ke") == 2 / 5
    assert similarity("thuongg", "thuong") == 6 / 9
    assert similarity("abc", "xyz") == 0
    if connection.vendor == "postgresql":
        pairs = [("kee", "ke"), ("thuongg", "thuong"), ("kenhh", "kenh"), ("ubnf", "ubnd")]
        with connection.cursor() as cursor:
            for a, b in pairs:
                cursor.execute("SELECT similarity(%s, %s)", [a, b])
                assert cursor.fetchone()[0] == pytest.approx(similarity(a, b), abs=1e-6)


def test_a_misspelled_word_finds_the_document_in_a_specialists_scope(canal, commune):
    draft, unseen = canal
    assert ids(commune.specialist, "nao vet kenhh") == [("outgoing", draft.pk)]
    page = search_page(actor=commune.specialist, query="nao vet kenhh")
    assert (page.total, [h.object_id for h in page.hits]) == (1, [draft.pk])
    assert set(ids(commune.leader, "nao vet kenhh")) == {
        ("outgoing", draft.pk),
        ("incoming", unseen.pk),
    }


def test_a_word_with_digits_is_kept_as_typed(canal, commune):
    backend = get_backend()
    assert backend.correct(["qd", "ubnf", "13", "ubnd2"]) == ["qd", "ubnd", "13", "ubnd2"]
    admin = PositionFactory(system_admin=True, user__is_superuser=True).user
    assert ids(admin, "12 qd ubnf") == [("incoming", canal[1].pk)]  # the letters corrected
    assert ids(admin, "13 qd ubnd") == []  # a number is never corrected to another


def test_a_query_with_no_near_word_finds_nothing(canal, commune):
    assert get_backend().correct(["xyzzy", "kenh"]) == ["xyzzy", "kenh"]
    admin = PositionFactory(system_admin=True, user__is_superuser=True).user
    for actor in (commune.specialist, commune.leader, admin):
        assert ids(actor, "xyzzy qwrtp") == []
        assert ids(actor, "kenh xyzzy") == []
        page = search_page(actor=actor, query="kenhh xyzzy")
        assert (page.total, page.hits) == (0, [])


def test_indexing_adds_its_words_to_the_vocabulary(commune):
    assert not SearchWord.objects.filter(word__in=["giong", "keo"]).exists()
    doc = IncomingDocumentFactory(unit=commune.unit, subject="Trạm bơm Giồng Kéo")
    search_index_update("incoming", doc)
    assert {"tram", "bom", "giong", "keo"} <= set(SearchWord.objects.values_list("word", flat=True))
    if connection.vendor == "sqlite":
        search_index_update("incoming", doc)  # known words: nothing added twice
        assert _fts_words().count("  keo ") == 1
        assert sorted(f"  {w} " for w in SearchWord.objects.values_list("word", flat=True)) == (
            _fts_words()
        )


@sqlite_only
def test_the_trigram_table_follows_the_vocabulary_and_is_rebuilt_by_its_migration(commune):
    from congvu.search.migration_ops import create_word_trigrams

    doc = IncomingDocumentFactory(unit=commune.unit, subject="Trạm bơm Giồng Kéo")
    search_index_update("incoming", doc)
    SearchWord.objects.filter(word="keo").delete()  # the delete trigger
    assert "  keo " not in _fts_words() and "  giong " in _fts_words()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_word_fts")
    assert create_word_trigrams(apps, SimpleNamespace(connection=connection)) is True
    assert _fts_words() == sorted(
        f"  {w} " for w in SearchWord.objects.values_list("word", flat=True)
    )
    assert get_backend().correct(["giongg"]) == ["giong"]


@sqlite_only
def test_the_trigram_lookup_finds_what_a_scan_of_the_vocabulary_finds():
    """Leaving the first trigram out of the lookup loses no word above the threshold."""
    words = [
        "ke",
        "hoach",
        "khen",
        "thuong",
        "thanh",
        "tich",
        "quyet",
        "dinh",
        "phe",
        "duyet",
        "bao",
        "cao",
        "tinh",
        "hinh",
        "cong",
        "tac",
        "cai",
        "cach",
        "hanh",
        "chinh",
        "nao",
        "vet",
        "kenh",
        "muong",
        "noi",
        "dong",
        "tram",
        "bom",
        "giong",
        "keo",
        "ubnd",
        "qd",
        "kh",
        "snv",
        "vp",
        "a",
        "an",
        "ban",
        "bang",
        "tham",
        "thu",
        "thi",
        "tai",
        "thien",
    ]
    SearchWord.objects.bulk_create([SearchWord(word=w) for w in words])
    typos = [w + w[-1] for w in words] + [w[1:] for w in words] + [w[:-1] for w in words]
    typos += ["kwhen", "tkuong", "zz", "q", "xyzzy"]
    backend = get_backend()
    for typo in {t for t in typos if t and t not in words}:
        scored = sorted((-similarity(typo, w), w) for w in words)
        expected = scored[0][1] if -scored[0][0] >= 0.3 else typo
        assert backend.correct([typo]) == [expected], typo
