"""Form widgets rendered without the template engine, for pages where their cost shows."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class PlainSelect(forms.Select):
    """A ``<select>`` whose options are written in Python.

    Django's ``Select`` renders every option through two template includes
    (``select_option.html``, ``attrs.html``): the search page's five filters, with a
    unit's document types and registers, spent about 20 ms of a request on them at
    1,000,000 documents (issue 12, docs/benchmarks-fulltext.md). Same markup, same
    context (``get_context``: selection, attributes, option groups).
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group, options, _index in widget["optgroups"]:
            rendered = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((o["value"], flatatt(o["attrs"]), o["label"]) for o in options),
            )
            parts.append(
                format_html('<optgroup label="{}">{}</optgroup>', group, rendered)
                if group
                else rendered
            )
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            format_html_join("", "{}", ((p,) for p in parts)),
        )
