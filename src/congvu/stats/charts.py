"""Charts as inline SVG, drawn on the server: no JavaScript library, nothing from a CDN.

One horizontal stacked bar per row (processed early / on time / late, in
progress on time / overdue, paused), scaled to the largest row. Text goes
through ``format_html``, so unit and procedure names are escaped.
"""

from __future__ import annotations

from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

SEGMENTS = [
    ("processed_early", "#1a7f37"),
    ("processed_on_time", "#4caf50"),
    ("processed_late", "#d32f2f"),
    ("in_progress_on_time", "#1976d2"),
    ("in_progress_overdue", "#f57c00"),
    ("paused", "#9e9e9e"),
]
LABEL_W = 260
BAR_W = 420
ROW_H = 22
MAX_ROWS = 20


def _labels():
    from .selectors import COLUMNS

    names = dict(COLUMNS)
    return {key: str(names[key]) for key, _c in SEGMENTS}


def progress_chart(rows, *, title: str) -> str:
    """SVG of the rows' progress (at most MAX_ROWS, the largest first)."""
    rows = list(rows)[:MAX_ROWS]
    labels = _labels()
    largest = max([sum(r.values[k] for k, _c in SEGMENTS) for r in rows] or [0]) or 1
    legend_h = 22
    height = legend_h + ROW_H * max(len(rows), 1) + 10
    width = LABEL_W + BAR_W + 60
    parts = []
    x = 0
    for key, colour in SEGMENTS:
        parts.append(
            format_html(
                '<rect x="{}" y="4" width="10" height="10" fill="{}"/>'
                '<text x="{}" y="13" font-size="10">{}</text>',
                x,
                colour,
                x + 13,
                labels[key],
            )
        )
        x += 13 + 6 * len(labels[key]) + 12
    width = max(width, x)
    for i, row in enumerate(rows):
        y = legend_h + i * ROW_H
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="11" text-anchor="end">{}</text>',
                LABEL_W - 6,
                y + 14,
                row.label[:45],
            )
        )
        offset = LABEL_W
        total = 0
        for key, colour in SEGMENTS:
            value = row.values[key]
            total += value
            if not value:
                continue
            w = max(1, round(BAR_W * value / largest))
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}">'
                    "<title>{}: {}</title></rect>",
                    offset,
                    y + 3,
                    w,
                    ROW_H - 6,
                    colour,
                    labels[key],
                    value,
                )
            )
            offset += w
        parts.append(
            format_html('<text x="{}" y="{}" font-size="11">{}</text>', offset + 4, y + 14, total)
        )
    if not rows:
        parts.append(
            format_html(
                '<text x="0" y="{}" font-size="12">{}</text>', legend_h + 14, _("Không có số liệu")
            )
        )
    body = format_html_join("", "{}", ((p,) for p in parts))
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
        'viewBox="0 0 {} {}" width="100%" aria-label="{}"><title>{}</title>{}</svg>',
        width,
        height,
        title,
        title,
        body,
    )


def share_bar(value: float | None, *, label: str) -> str:
    """A single 0–100 % bar (share filed online, share paid online)."""
    if value is None:
        return mark_safe("")
    w = round(2 * value)
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" width="240" height="18" aria-label="{}">'
        '<rect x="0" y="3" width="200" height="12" fill="#e0e0e0"/>'
        '<rect x="0" y="3" width="{}" height="12" fill="#1976d2"/>'
        '<text x="205" y="14" font-size="11">{}%</text></svg>',
        label,
        w,
        formats.number_format(value, 1),
    )
