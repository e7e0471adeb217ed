"""Reference data shipped with congvu (loaded by data migrations, reusable in tests)."""

import json
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def document_type_rows() -> list[dict]:
    return json.loads((DATA_DIR / "document_types.json").read_text(encoding="utf-8"))["types"]


def load_document_types(model) -> int:
    """Create or update the document types from data/document_types.json; return how many."""
    for row in document_type_rows():
        model.objects.update_or_create(
            code=row["code"], defaults={k: v for k, v in row.items() if k != "code"}
        )
    return len(document_type_rows())
