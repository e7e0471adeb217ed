"""Keyset pages of search results: the sort key of a row and the signed cursor that carries it.

A result list is ordered by one key per row, ascending (``row_key``):
``(phase, -score, date missing, -date, -id)``. Phase 0 is the ranked candidates
(``selectors._candidates``), phase 1 every other match, newest first. A page is
"the ``limit`` rows after (or before) this key", so a page never repeats or
skips a row when rows are added elsewhere, and costs the same at any depth
(no OFFSET).

The cursor is that key, the direction and a fingerprint of the query and its
filters, signed (``django.core.signing``): it cannot be forged into another
query's results, and a tampered or foreign cursor is refused with
``search_cursor_invalid`` (HTTP 400), never silently read as the first page.
"""

from __future__ import annotations

import datetime
import hashlib
import json

from django.core import signing
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from congvu.core.errors import ServiceError

SALT = "congvu.search.cursor"
NEXT, PREVIOUS = "n", "p"
#: The deepest row a full-text engine page starts from (its pages are read from the top).
MAX_OFFSET = 10_000


class InvalidCursor(ServiceError):
    code = "search_cursor_invalid"
    status = 400

    def __init__(self):
        super().__init__(
            _("Liên kết trang kết quả không hợp lệ hoặc thuộc một lần tìm khác; hãy tìm lại."),
            field="cursor",
        )


def row_key(phase: int, score: float, date: datetime.date | None, pk: int) -> tuple:
    """The ascending sort key of a row: best score, then newest date (missing last), then id."""
    missing = date is None
    return (phase, -float(score), int(missing), 0 if missing else -date.toordinal(), -pk)


def key_pk(key: tuple) -> int:
    return -key[4]


def fingerprint(query: str, filters: dict) -> str:
    """What a cursor is valid for: the query and its filters (model instances by id)."""
    plain = {k: str(getattr(v, "pk", v)) for k, v in sorted(filters.items())}
    raw = json.dumps([query, plain], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def encode(key: tuple, direction: str, fp: str, offset: int = 0) -> str:
    """``offset``: where the key's row stood in the list (a hint for the full-text engine,
    whose pages are read from the top, ``selectors._engine_page``)."""
    data = {"k": list(key), "d": direction, "f": fp}
    if offset:
        data["o"] = offset
    return signing.dumps(data, salt=SALT, compress=True)


def decode(cursor: str, fp: str) -> tuple[str, tuple]:
    """``(direction, key)`` of a cursor made by :func:`encode` for the same ``fp``."""
    return decode_with_offset(cursor, fp)[:2]


def decode_with_offset(cursor: str, fp: str) -> tuple[str, tuple, int]:
    """``(direction, key, offset)`` of a cursor made by :func:`encode` for the same ``fp``.

    Phase 2 keys are the full-text engine's (``(2, -score, date missing, -date, -id)``).
    """
    try:
        data = signing.loads(cursor, salt=SALT)
        key, direction, offset = data["k"], data["d"], data.get("o", 0)
        valid = (
            data["f"] == fp
            and direction in (NEXT, PREVIOUS)
            and isinstance(key, list)
            and len(key) == 5
            and key[0] in (0, 1, 2)
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in key)
            and isinstance(offset, int)
            and not isinstance(offset, bool)
            and 0 <= offset <= MAX_OFFSET
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        valid = False
    if not valid:
        raise InvalidCursor()
    return direction, tuple(key), offset


def _date(key: tuple) -> datetime.date | None:
    return None if key[2] else datetime.date.fromordinal(-int(key[3]))


def after_q(key: tuple) -> Q:
    """Rows of phase 1 (date, then id, descending; no date last) after ``key``."""
    day, pk = _date(key), key_pk(key)
    if day is None:
        return Q(date__isnull=True, pk__lt=pk)
    return Q(date__lt=day) | Q(date=day, pk__lt=pk) | Q(date__isnull=True)


def before_q(key: tuple) -> Q:
    """Rows of phase 1 before ``key`` (the reverse of :func:`after_q`)."""
    day, pk = _date(key), key_pk(key)
    if day is None:
        return Q(date__isnull=False) | Q(date__isnull=True, pk__gt=pk)
    return Q(date__gt=day) | Q(date=day, pk__gt=pk)
