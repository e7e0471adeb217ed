"""Reference data shipped with congvu (loaded by data migrations, reusable in tests)."""

import json
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


@cache
def _document_type_data() -> dict:
    return json.loads((DATA_DIR / "document_types.json").read_text(encoding="utf-8"))


def document_type_rows() -> list[dict]:
    return [dict(row) for row in _document_type_data()["types"]]


def load_document_types(model) -> int:
    """Create or update the document types from data/document_types.json; return how many."""
    rows = document_type_rows()
    for row in rows:
        model.objects.update_or_create(
            code=row["code"], defaults={k: v for k, v in row.items() if k != "code"}
        )
    return len(rows)


@cache
def type_abbreviations() -> frozenset[str]:
    """Abbreviations that name a document type (Appendix III plus national QPPL types)."""
    shipped = {row["abbreviation"] for row in _document_type_data()["types"]}
    shipped |= {
        row["abbreviation"]
        for row in _document_type_data().get("other_abbreviations", [])
        if row.get("kind") == "type"
    }
    return frozenset(a for a in shipped if a)


@cache
def spelled_abbreviations() -> frozenset[str]:
    """Every abbreviation whose spelling (mixed case: QyĐ, TTr, TTg) must be kept as written."""
    others = {row["abbreviation"] for row in _document_type_data().get("other_abbreviations", [])}
    return type_abbreviations() | frozenset(others)
