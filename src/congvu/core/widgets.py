"""Form widgets and field groups rendered without the template engine, where it shows.

Django renders every widget, label, error list and field group through templates
(``input.html`` + ``attrs.html``, ``label.html``, ``field.html``…): about 0.7 ms a field
on the search page, whose nine filters are drawn on every search (issue 12). The classes
here write the same markup in Python; tests/core/test_widgets.py holds them equal to
Django's for the cases they take, and anything else falls back to Django.
"""

from __future__ import annotations

from django import forms
from django.forms.boundfield import BoundField
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as django_gettext


def _attrs(attrs: dict) -> str:
    # attrs.html, in the dict's order: False is left out, True is written bare.
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(out)


class _PlainInput:
    """``Input.render`` without ``input.html`` (a mixin for Django's input widgets)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        value = widget["value"]
        return mark_safe(  # noqa: S308 - every piece is escaped by _attrs / conditional_escape
            f'<input type="{conditional_escape(widget["type"])}" '
            f'name="{conditional_escape(widget["name"])}"'
            + ("" if value is None else f' value="{conditional_escape(str(value))}"')
            + _attrs(widget["attrs"])
            + ">"
        )


class PlainTextInput(_PlainInput, forms.TextInput):
    """A ``TextInput`` written in Python (same markup)."""


class PlainDateInput(_PlainInput, forms.DateInput):
    """A ``DateInput`` written in Python (same markup, same date format)."""


class PlainBoundField(BoundField):
    """A bound field whose field group (label, help text, errors, widget) is written in Python.

    Set as a form's ``bound_field_class``. Only the common case is taken: a field that
    is not drawn as a fieldset, with Django's own field and label templates; the error
    list (shown only when there are errors) stays Django's. Everything else is
    Django's ``as_field_group``.
    """

    def as_field_group(self):
        if (
            self.use_fieldset
            or self.template_name != "django/forms/field.html"
            or self.form.template_name_label != "django/forms/label.html"
        ):
            return super().as_field_group()
        parts = []
        if self.label:
            parts.append(self.label_tag())
        if self.help_text:
            helptext_id = (
                f' id="{conditional_escape(self.auto_id)}_helptext"' if self.auto_id else ""
            )
            parts.append(f'<div class="helptext"{helptext_id}>{self.help_text}</div>')
        if self.errors:
            parts.append(str(self.errors))
        parts.append(str(self))
        return SafeString("\n".join(parts))

    def label_tag(self, contents=None, attrs=None, label_suffix=None, tag=None):
        if contents is not None or attrs is not None or tag is not None:
            return super().label_tag(contents, attrs, label_suffix, tag)
        # BoundField.label_tag's rules, then label.html.
        contents = self.label
        if label_suffix is None:
            label_suffix = (
                self.field.label_suffix
                if self.field.label_suffix is not None
                else self.form.label_suffix
            )
        # Django's own catalogue translates the punctuation (not extracted into ours).
        if label_suffix and contents and contents[-1] not in django_gettext(":?.!"):
            contents = format_html("{}{}", contents, label_suffix)
        else:
            contents = conditional_escape(contents)
        id_ = self.field.widget.attrs.get("id") or self.auto_id
        if not id_:
            return SafeString(contents)
        attrs = {}
        id_for_label = self.field.widget.id_for_label(id_)
        if id_for_label:
            attrs["for"] = id_for_label
        if self.field.required and hasattr(self.form, "required_css_class"):
            attrs["class"] = self.form.required_css_class
        return SafeString(f"<label{_attrs(attrs)}>{contents}</label>")


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
