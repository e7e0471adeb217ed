"""Read the numbers a statistics page shows: the 766 table's cells and the chart's bars."""

from __future__ import annotations

from html.parser import HTMLParser


def number(text: str):
    """A cell as the page shows it: "–" is no value, "37,5" (Vietnamese) is 37.5."""
    text = text.strip()
    if text == "–":
        return None
    if "," in text or "." in text:
        return float(text.replace(",", "."))
    return int(text)


class _TableReader(HTMLParser):
    """Rows of ``<table class="stats">`` as lists of cell texts, per section."""

    def __init__(self):
        super().__init__()
        self.sections: dict[str, list[list[str]]] = {}
        self._in_table = False
        self._section = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and "stats" in (dict(attrs).get("class") or "").split():
            self._in_table = True
        elif not self._in_table:
            return
        elif tag in ("thead", "tbody", "tfoot"):
            self._section = tag
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if not self._in_table:
            return
        if tag == "table":
            self._in_table = False
        elif tag in ("th", "td") and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.sections.setdefault(self._section, []).append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table_of(html: str) -> dict:
    """``{"header": [...], "rows": {label: [cells]}, "total": [cells], "raw": sections}``."""
    reader = _TableReader()
    reader.feed(html)
    sections = reader.sections
    header = sections["thead"][0]
    rows = {cells[0]: cells[1:] for cells in sections.get("tbody", [])}
    total = sections["tfoot"][0][1:]
    return {"header": header, "rows": rows, "total": total, "raw": sections}


class _ChartReader(HTMLParser):
    """Per chart row (its label), the ``<title>`` of every bar segment: "label: value"."""

    def __init__(self):
        super().__init__()
        self.rows: dict[str, dict[str, int]] = {}
        self.totals: dict[str, int] = {}
        self._in_chart = False
        self._current = None
        self._text = None
        self._end_label = False
        self._rect = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "svg" and "chart" in (attrs.get("class") or "").split():
            self._in_chart = True
        elif not self._in_chart:
            return
        elif tag == "text":
            self._text = []
            self._end_label = attrs.get("text-anchor") == "end"
        elif tag == "rect":
            self._rect = True
        elif tag == "title" and self._rect:
            self._text = []

    def handle_endtag(self, tag):
        if not self._in_chart:
            return
        if tag == "svg":
            self._in_chart = False
        elif tag == "text" and self._text is not None:
            text = "".join(self._text)
            if self._end_label:
                self._current = text
                self.rows[text] = {}
            elif self._current is not None and text.isdigit():
                self.totals[self._current] = int(text)
            self._text = None
        elif tag == "title" and self._rect and self._text is not None:
            label, value = "".join(self._text).rsplit(": ", 1)
            self.rows[self._current][label] = int(value)
            self._text = None
        elif tag == "rect":
            self._rect = False

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)


def chart_of(html: str) -> tuple[dict, dict]:
    """(segments per row label, total per row label) of the progress chart."""
    reader = _ChartReader()
    reader.feed(html)
    return reader.rows, reader.totals
