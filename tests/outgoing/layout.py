"""Read a rendered PDF as positioned text runs, to compare with Decree 30 Appendix I.

``pdftotext -bbox`` (poppler) gives every word with its box; words on one
baseline that follow each other closely form a run (a printed line of one
column). Positions are PDF points from the page's top-left corner.
"""

from __future__ import annotations

import html
import io
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

MM = 72 / 25.4
#: A4 with the print stylesheet's margins (left 30 mm, right 15 mm).
PAGE_WIDTH = 210 * MM
LEFT = 30 * MM
RIGHT = PAGE_WIDTH - 15 * MM
CONTENT = RIGHT - LEFT
#: The letterhead's and the signature block's columns: 40 % left, 60 % right.
LEFT_COLUMN = (LEFT, LEFT + 0.4 * CONTENT)
RIGHT_COLUMN = (LEFT + 0.4 * CONTENT, RIGHT)
#: Words further apart than this on one baseline belong to different columns.
COLUMN_GAP = 14

_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


@dataclass
class Run:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


def centre(column: tuple[float, float]) -> float:
    return (column[0] + column[1]) / 2


def runs(pdf: bytes, page: int = 1) -> list[Run]:
    """The text runs of ``page``, top to bottom, then left to right."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(pdf)
        out = subprocess.run(
            ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    words = [
        (float(a), float(b), float(c), float(d), html.unescape(t))
        for a, b, c, d, t in _WORD.findall(out)
    ]
    words.sort(key=lambda w: (round(w[3]), w[0]))
    result: list[Run] = []
    for x0, top, x1, bottom, text in words:
        last = result[-1] if result else None
        if last and abs(last.bottom - bottom) < 2 and 0 <= x0 - last.x1 < COLUMN_GAP:
            last.text += " " + text
            last.x1 = x1
        else:
            result.append(Run(text, x0, x1, top, bottom))
    return result


def find(all_runs: list[Run], text: str) -> Run:
    """The one run whose text is exactly ``text``."""
    found = [r for r in all_runs if r.text == text]
    assert len(found) == 1, (text, [r.text for r in all_runs])
    return found[0]


def fonts_of(pdf: bytes, needle: str, page: int = 0) -> set[str]:
    """Base font names of the text chunks containing ``needle``."""
    fonts: set[str] = set()

    def visit(text, cm, tm, font_dict, font_size):
        if needle in text and font_dict:
            fonts.add(str(font_dict.get("/BaseFont", "")))

    PdfReader(io.BytesIO(pdf)).pages[page].extract_text(visitor_text=visit)
    return fonts
