"""The long attachment texts of the full-text bench (``bench.legaltext``, issue 12)."""

from __future__ import annotations

import random

from django.db import connection

import pytest
from bench.generate import Generator
from bench.legaltext import Pool, TitleIndex, title_query, title_windows

from congvu.files.models import StoredFile
from congvu.search.models import SearchDocument
from congvu.search.services import search_index_update
from congvu.search.text import search_fold


@pytest.fixture(scope="module")
def pool():
    return Pool(3, size=400)


def _document(pool, seed: int, chars: int = 20_000):
    rng = random.Random(seed)
    subject = pool.title(rng, "V/v hướng dẫn chuyển đổi số năm 2026")
    text, folded = pool.document(
        rng,
        number="12/UBND-VP",
        subject=subject,
        issuer="Ủy ban nhân dân xã Tân Phú",
        signer="Trần Văn Phúc",
        type_name="Công văn",
        year=2026,
        chars=chars,
    )
    return subject, text, folded


def test_documents_are_long_structured_deterministic_and_folded_like_congvu(pool):
    subject, text, folded = _document(pool, 1)

    assert len(text) >= 20_000
    assert text.startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert "Số: 12/UBND-VP" in text and "Căn cứ Văn bản số" in text
    assert f"Điều 1. {subject}." in text  # the body restates its trích yếu
    assert text.rstrip().endswith("Trần Văn Phúc")
    # The folded copy is exactly what congvu's indexing would compute from the text.
    assert folded == search_fold(text)
    assert (subject, text) == _document(Pool(3, size=400), 1)[:2]
    assert _document(pool, 2)[1] != text


def test_title_queries_come_with_and_without_marks(pool):
    subject = "V/v hướng dẫn phòng, chống dịch bệnh truyền nhiễm năm 2026 trên địa bàn xã"
    marks = title_query(random.Random(5), subject, marks=True)
    folded = title_query(random.Random(5), subject, marks=False)

    assert 4 <= len(marks.split()) <= 7
    assert marks in subject.replace(",", "")
    assert folded == search_fold(marks)


def test_title_windows_are_every_run_of_four_to_seven_words_shortest_first():
    subject = "V/v một hai ba bốn năm sáu bảy tám"
    windows = title_windows(subject, marks=True)

    # "V/v" is not typed; 8 words give 5 + 4 + 3 + 2 windows of 4, 5, 6 and 7 words.
    assert windows[:2] == ["một hai ba bốn", "hai ba bốn năm"]
    assert windows[-1] == "hai ba bốn năm sáu bảy tám"
    assert [len(w.split()) for w in windows] == [4] * 5 + [5] * 4 + [6] * 3 + [7] * 2
    assert title_windows("Kế hoạch thu ngân sách", marks=False) == ["ke hoach thu ngan sach"]


def test_title_index_counts_titles_holding_the_query_as_whole_words():
    titles = TitleIndex(
        [
            "Kế hoạch phòng, chống dịch năm 2025",
            "Kế hoạch phòng chống dịch năm 2026",
            "Báo cáo kết quả phòng chống dịch",
            "Kế hoạch phòng chống dịch bệnh",
        ]
    )

    assert titles.shared_by("phòng chống dịch") == 4  # punctuation folds away
    assert titles.shared_by("ke hoach phong chong dich") == 3
    assert titles.shared_by("phòng chống dịch năm 2026") == 1
    assert titles.shared_by("chống dịch bệ") == 0  # whole words only
    assert titles.shared_by("ngân sách") == 0


@pytest.mark.django_db
def test_generator_attachments_are_what_congvu_indexes():
    gen = Generator(
        documents=60,
        seed=4,
        units=3,
        officials=30,
        demo=True,
        out=lambda m: None,
        dossiers=0,
        attachment_chars=3000,
    )
    if connection.vendor != "postgresql":
        with pytest.raises(RuntimeError, match="needs PostgreSQL"):
            gen.run()
        return
    gen.run()

    files = StoredFile.objects.filter(
        owner_type="incoming.incomingdocument", original_name__startswith="van-ban-"
    )
    assert files.count() == 42  # 70 % of the documents are incoming, each with its text
    assert all(len(f.text) >= 1500 for f in files)
    row = SearchDocument.objects.filter(kind="incoming").order_by("pk").first()
    loaded = (row.content, row.body)
    # congvu's own indexing path rebuilds the row from the document and its attachment:
    # the bulk load must have written the same text, or the bench measures another index.
    reindexed = search_index_update("incoming", row.object_id)
    assert (reindexed.content, reindexed.body) == loaded
