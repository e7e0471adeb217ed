"""Ranking (issue 12): số ký hiệu > trích yếu > issuer/signer > body, phrase, marks, recency."""

import datetime

import pytest

from congvu.search.models import SearchDocument
from congvu.search.selectors import search
from congvu.search.services import search_index_update
from congvu.search.text import exact_terms, search_exact
from tests.incoming.factories import IncomingDocumentFactory

from .factories import TextFileFactory

# Each test once with the database match and once with the node's tantivy index (ADR 0006).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine")]

_FILLER = "Các cơ quan, đơn vị nghiêm túc triển khai thực hiện, báo cáo kết quả. " * 40


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


def _order(commune, query):
    hits, _total = search(actor=commune.leader, query=query, limit=10)
    return [h.object_id for h in hits]


def test_exact_number_first(commune):
    # The newer, longer document cites the number in its text; the document *is* that number.
    cited = _doc(
        commune,
        1,
        "Thực hiện Văn bản số 215/QĐ-UBND của Ủy ban nhân dân huyện. " * 20,
        number_notation="216/QĐ-UBND",
        subject="Về việc giao chỉ tiêu kế hoạch năm 2027",
    )
    own = _doc(commune, 90, number_notation="215/QĐ-UBND", subject="Về việc thành lập tổ công tác")
    assert _order(commune, "215/QĐ-UBND")[:2] == [own.pk, cited.pk]
    assert _order(commune, "215 qd ubnd")[:2] == [own.pk, cited.pk]


def test_subject_above_issuer_above_body(commune):
    in_body = _doc(
        commune,
        1,
        _FILLER + "phòng, chống xâm nhập mặn " * 10 + _FILLER,
        subject="Về việc báo cáo tình hình sản xuất nông nghiệp",
    )
    by_issuer = _doc(
        commune,
        30,
        "Ứng phó xâm nhập mặn trong mùa khô.",
        subject="Về việc tăng cường quản lý nguồn nước",
        issuer_name="Chi cục Thủy lợi mặn ngọt",
    )
    in_subject = _doc(
        commune, 60, _FILLER, subject="Về việc phòng, chống hạn hán, xâm nhập mặn mùa khô"
    )
    assert _order(commune, "xâm nhập mặn") == [in_subject.pk, by_issuer.pk, in_body.pk]


def test_signer_above_body(commune):
    in_body = _doc(commune, 1, "Ông Võ Thanh Liêm, chuyên viên, theo dõi.", subject="Về việc họp")
    signed = _doc(commune, 50, "Nội dung.", subject="Về việc giao ban", signer_name="Võ Thanh Liêm")
    assert _order(commune, "Võ Thanh Liêm") == [signed.pk, in_body.pk]


def test_phrase_in_subject_above_scattered_words(commune):
    scattered = _doc(commune, 1, subject="Về việc thi hành quyết định xử phạt và thu án phí dân sự")
    phrase = _doc(commune, 40, subject="V/v báo cáo kết quả thi hành án dân sự năm 2026")
    assert _order(commune, "thi hành án dân sự") == [phrase.pk, scattered.pk]
    assert _order(commune, "thi hanh an dan su") == [phrase.pk, scattered.pk]


def test_exact_marks_above_folded_matches(commune):
    duty = _doc(commune, 1, subject="Về việc giao nhiệm vụ kiểm tra năm 2027")
    disease = _doc(commune, 80, subject="Về việc phòng, chống bệnh truyền nhiễm tại trường học")
    assert _order(commune, "nhiễm") == [disease.pk, duty.pk]
    assert _order(commune, "nhiệm") == [duty.pk, disease.pk]
    # Typed without marks both fold alike: the newer document first.
    assert _order(commune, "nhiem") == [duty.pk, disease.pk]


def test_recency_breaks_ties(commune):
    old = _doc(commune, 300, subject="Về việc tổ chức Tết Trung thu cho thiếu nhi")
    new = _doc(commune, 3, subject="Về việc tổ chức Tết Trung thu cho thiếu nhi")
    middle = _doc(commune, 100, subject="Về việc tổ chức Tết Trung thu cho thiếu nhi")
    assert _order(commune, "tết trung thu") == [new.pk, middle.pk, old.pk]


def test_exact_forms():
    assert search_exact("V/v phòng, chống DỊCH bệnh truyền nhiễm!") == (
        "v v phòng chống dịch bệnh truyền nhiễm"
    )
    assert exact_terms("Đất đai nhiễm mặn 2026 dat") == ["đất", "đai", "nhiễm", "mặn"]


def test_data_migration_fills_ranked_columns(commune):
    """Rows indexed before 0006 have empty ranked columns; 0007 fills them, once."""
    from django.apps import apps

    from congvu.search.migration_ops import fill_ranked_columns

    doc = _doc(
        commune,
        1,
        number_notation="12/QĐ-UBND",
        subject="Về việc phòng, chống dịch bệnh",
        signer_name="Đặng Văn Thành",
    )
    expected = dict(
        SearchDocument.objects.filter(object_id=doc.pk).values(
            "number_folded", "subject_folded", "signer_folded", "head_exact"
        )[0]
    )
    assert expected["signer_folded"] == "dang van thanh"
    SearchDocument.objects.update(
        number_folded="", subject_folded="", signer_folded="", head_exact=""
    )
    assert fill_ranked_columns(apps, None) == 1
    row = SearchDocument.objects.filter(object_id=doc.pk).values(*expected)[0]
    assert row == expected
    assert fill_ranked_columns(apps, None) == 0
    assert _order(commune, "12/QĐ-UBND") == [doc.pk]
