"""One PDF renderer for every printed paper (registers, receipts, documents): WeasyPrint, A4.

``render_pdf("congvu/print/<page>.html", context)`` renders a Django template
that extends ``congvu/print/base.html`` and returns the PDF bytes. The print
stylesheet (``congvu/print/print.css``) sets A4 with the Decree 30/2020
Appendix I margins and a Times-compatible face with full Vietnamese coverage
(Tinos from fonts-croscore, Liberation Serif 2 from fonts-liberation2).

WeasyPrint is imported inside the function: it loads Pango and fonts, which
no web request or command that does not print should pay for. Resources are
fetched only from ``data:`` URLs and local files under the static
directories (or ``base_url``'s directory): never from the network.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from django.template.loader import render_to_string

PRINT_CSS = "congvu/print/print.css"


def _allowed_roots(base_url: str | None) -> list[Path]:
    from django.conf import settings
    from django.contrib.staticfiles import finders

    roots = [Path(settings.STATIC_ROOT)] if getattr(settings, "STATIC_ROOT", None) else []
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            location = getattr(storage, "location", None)
            if location:
                roots.append(Path(location))
    if base_url and base_url.startswith("file:"):
        roots.append(Path(base_url.removeprefix("file://")))
    elif base_url and "://" not in base_url:
        roots.append(Path(base_url))
    return [root.resolve() for root in roots]


def _local_fetcher(base_url: str | None):
    from urllib.parse import unquote, urlsplit

    from weasyprint.urls import URLFetcher

    roots = _allowed_roots(base_url)

    class LocalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("file:"):
                path = Path(unquote(urlsplit(url).path)).resolve()
                if not any(path.is_relative_to(root) for root in roots):
                    raise ValueError(f"file outside the static directories: {url}")
            return super().fetch(url, headers)

    return LocalFetcher(allowed_protocols={"data", "file"})


def render_pdf(
    template_name: str,
    context: dict | None = None,
    *,
    base_url: str | None = None,
    stylesheets: Iterable[str] = (),
) -> bytes:
    """Render ``template_name`` with ``context`` to PDF bytes (A4, Vietnamese fonts).

    ``stylesheets`` are template names of extra CSS, applied after the base
    print stylesheet.
    """
    from weasyprint import CSS, HTML

    html = render_to_string(template_name, context or {})
    fetcher = _local_fetcher(base_url)
    sheets = [
        CSS(string=render_to_string(name, context or {}), url_fetcher=fetcher)
        for name in (PRINT_CSS, *stylesheets)
    ]
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=sheets)
