"""The plain widgets and field groups write the same markup as Django's, without templates."""

import datetime

from django import forms
from django.test.html import parse_html
from django.utils.safestring import mark_safe

import pytest

from congvu.core.widgets import PlainBoundField, PlainDateInput, PlainSelect, PlainTextInput

CHOICES = [
    ("", "Tất cả"),
    ("a", "Quyết định <mật>"),
    ("Nhóm & loại", [("b", "Công văn"), ("c", 'Tờ trình "gấp"')]),
    (3, "Số"),
]


@pytest.mark.parametrize("value", [None, "", "a", "c", 3, "3", "không có"])
@pytest.mark.parametrize("attrs", [None, {"id": "id_type", "required": True, "class": "x"}])
def test_same_markup_as_djangos_select(value, attrs):
    django = forms.Select(choices=CHOICES).render("type", value, attrs=attrs)
    plain = PlainSelect(choices=CHOICES).render("type", value, attrs=attrs)
    assert parse_html(plain) == parse_html(django)
    assert "&lt;mật&gt;" in plain and "<mật>" not in plain  # labels are escaped


def test_only_the_first_option_of_a_repeated_value_is_selected_as_in_django():
    choices = [("", "—"), ("a", "Một"), ("Nhóm", [("a", "Lại một"), (None, "Rỗng")])]
    for value in ("a", None, ""):
        django = forms.Select(choices=choices).render("x", value)
        plain = PlainSelect(choices=choices).render("x", value)
        assert parse_html(plain) == parse_html(django)
    assert PlainSelect(choices=choices).render("x", "a").count(" selected") == 1


def test_a_bound_search_form_keeps_the_chosen_filters(db):
    from congvu.search.forms import SearchForm

    form = SearchForm({"q": "x", "kind": "outgoing", "secrecy": "1"}, actor=None)
    html = str(form["kind"]) + str(form["secrecy"])
    assert '<option value="outgoing" selected>' in html
    assert '<option value="1" selected>' in html


@pytest.mark.parametrize("value", [None, "", 'a <b> & "c"', 0])
@pytest.mark.parametrize("attrs", [None, {"id": "id_q", "required": True, "disabled": False}])
def test_plain_text_input_writes_djangos_markup(value, attrs):
    # A value marked safe is written as is, as Django does (stringformat keeps the mark).
    attrs = {**(attrs or {}), "placeholder": mark_safe('"gõ" <từ khóa>')}
    django = forms.TextInput(attrs={"type": "search"}).render("q", value, attrs=attrs)
    plain = PlainTextInput(attrs={"type": "search"}).render("q", value, attrs=attrs)
    assert plain == django  # byte for byte, attribute order included


@pytest.mark.parametrize("value", [None, "", "2026-12-31", datetime.date(2026, 1, 2), "31/12"])
def test_plain_date_input_writes_djangos_markup(value):
    django = forms.DateInput(attrs={"type": "date"}).render("d", value, attrs={"id": "id_d"})
    plain = PlainDateInput(attrs={"type": "date"}).render("d", value, attrs={"id": "id_d"})
    assert plain == django


class _Form(forms.Form):
    q = forms.CharField(label="Từ <khóa>", help_text="Số ký hiệu <b>đậm</b>", max_length=5)
    when = forms.DateField(label="Ngày <b>?", required=False)
    kind = forms.ChoiceField(label="Loại", choices=[("a", "A & B")], required=False)
    many = forms.MultipleChoiceField(
        label="Nhiều", choices=[("x", "X")], widget=forms.CheckboxSelectMultiple, required=False
    )
    bare = forms.CharField(label="", required=False)


class _PlainForm(_Form):
    bound_field_class = PlainBoundField
    required_css_class = "bat-buoc"


@pytest.mark.parametrize(
    "data",
    [None, {"q": "ok", "when": "2026-01-02"}, {"q": "quá dài <x>", "when": "không phải ngày"}],
)
@pytest.mark.parametrize("auto_id", ["id_%s", False])
def test_plain_field_groups_are_djangos(data, auto_id):
    """Label (suffix, escaping, required class), help text, errors, widget: as Django's."""

    class DjangoForm(_Form):
        required_css_class = "bat-buoc"

    django = DjangoForm(data, auto_id=auto_id)
    plain = _PlainForm(data, auto_id=auto_id)
    for name in ("q", "when", "kind", "many", "bare"):
        expected = django[name].as_field_group()
        got = plain[name].as_field_group()
        assert parse_html(got) == parse_html(expected), name
    assert "Từ &lt;khóa&gt;" in plain["q"].as_field_group()
    assert "Ngày &lt;b&gt;?" in plain["when"].as_field_group()  # no suffix after "?"


def test_the_search_form_draws_its_field_groups_as_django_would(db):
    from congvu.search.forms import SearchForm

    data = {"q": "x" * 300, "kind": "outgoing", "date_from": "2026-02-30", "secrecy": "1"}
    plain = SearchForm(data, actor=None)
    django = SearchForm(data, actor=None)
    django.bound_field_class = forms.BoundField
    assert isinstance(plain["q"], PlainBoundField)
    for field in plain:
        expected = django[field.name].as_field_group()
        assert parse_html(field.as_field_group()) == parse_html(expected), field.name
    assert 'aria-invalid="true"' in plain["q"].as_field_group()  # its error is shown
