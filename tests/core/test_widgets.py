"""PlainSelect writes the same markup as Django's Select, without the template engine."""

from django import forms
from django.test.html import parse_html

import pytest

from congvu.core.widgets import PlainSelect

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
