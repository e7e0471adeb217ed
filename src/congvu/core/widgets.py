"""Form widgets rendered without the template engine, for pages where their cost shows."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class PlainSelect(forms.Select):
    """A ``<select>`` whose options are written in Python.

    Django's ``Select`` renders every option through two template includes
    (``select_option.html``, ``attrs.html``) after building a dict of attributes per
    option: the search page's five filters, with a unit's document types and registers,
    spent about 20 ms of a request on them at 1,000,000 documents (issue 12,
    docs/benchmarks-fulltext.md). Same markup and selection rules, tested equal
    (tests/core/test_widgets.py).
    """

    def render(self, name, value, attrs=None, renderer=None):
        # Django's get_context/optgroups build a dict of attributes per option (copied
        # from the widget's): the choices are walked here instead, with the same rules
        # (``ChoiceWidget.optgroups``: the first matching value is selected, unless the
        # widget allows several; None is written as the empty value).
        final = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final["multiple"] = True
        chosen = set(self.format_value(value))
        several, has_selected = self.allow_multiple_selected, False
        parts = []
        for option_value, option_label in self.choices:
            if option_value is None:
                option_value = ""
            if isinstance(option_label, (list, tuple)):
                group, choices = option_value, option_label
            else:
                group, choices = None, [(option_value, option_label)]
            options = []
            for sub_value, sub_label in choices:
                selected = (several or not has_selected) and str(sub_value) in chosen
                has_selected |= selected
                options.append(
                    format_html(
                        '<option value="{}"{}>{}</option>',
                        sub_value,
                        " selected" if selected else "",
                        sub_label,
                    )
                )
            rendered = mark_safe("".join(options))  # noqa: S308 - each option is escaped above
            parts.append(
                format_html('<optgroup label="{}">{}</optgroup>', group, rendered)
                if group
                else rendered
            )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(final),
            mark_safe("".join(parts)),  # noqa: S308 - each part is escaped above
        )
