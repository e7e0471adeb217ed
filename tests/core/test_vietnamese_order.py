"""Vietnamese dictionary order for pick lists (databases sort "Đ" after "Z")."""

import random

from django import forms

import pytest

from congvu.core.text import (
    vietnamese_order,
    vietnamese_sort_key,
    vietnamese_sorted,
    vietnamese_tree_sorted,
)
from congvu.org.models import Unit
from tests.factories import UnitFactory

NAMES = ["Anh", "Ấp", "Bình", "Điền", "Đông", "Zeta"]


def test_letters_of_their_own_and_the_d_with_stroke_sit_where_a_dictionary_puts_them():
    shuffled = random.Random(7).sample(NAMES, len(NAMES))
    assert vietnamese_sorted(shuffled) == NAMES
    assert sorted(["Zeta", "Đông", "Dung"]) == ["Dung", "Zeta", "Đông"]  # what code points give
    assert vietnamese_sorted(["Zeta", "Đông", "Dung"]) == ["Dung", "Đông", "Zeta"]
    assert vietnamese_sorted(["Ưng", "Uông", "Ủy", "Ơn", "Ô", "Oa", "Ăn", "An"]) == [
        "An", "Ăn", "Oa", "Ô", "Ơn", "Uông", "Ủy", "Ưng",
    ]  # fmt: skip


def test_tones_order_ngang_huyen_hoi_nga_sac_nang_and_case_does_not_lead():
    assert vietnamese_sorted(["Bạ", "bá", "Bã", "Bả", "Bà", "ba"]) == [
        "ba", "Bà", "Bả", "Bã", "bá", "Bạ",
    ]  # fmt: skip
    # The letters decide before the tones: "Bà Rịa" before "Ba Tri" is wrong.
    assert vietnamese_sorted(["Ba Tri", "Bà Rịa"]) == ["Bà Rịa", "Ba Tri"]
    assert vietnamese_sorted(["bình", "Bình"]) == ["Bình", "bình"]
    # Decomposed input (tổ hợp) sorts as its composed form (dựng sẵn).
    assert vietnamese_sort_key("Tie\u0302\u0301ng")[:2] == vietnamese_sort_key("Tiếng")[:2]


def test_a_tree_keeps_children_under_their_parent_siblings_in_order():
    rows = [
        ("/1/", "UBND xã"),
        ("/1/12/", "Zeta"),
        ("/1/3/", "Đông"),
        ("/1/3/40/", "Ấp"),
        ("/1/5/", "Bình"),
        ("/9/", "Anh"),  # another root
    ]
    ordered = vietnamese_tree_sorted(rows, path=lambda r: r[0], name=lambda r: r[1])
    assert [name for _path, name in ordered] == ["Anh", "UBND xã", "Bình", "Đông", "Ấp", "Zeta"]


@pytest.mark.django_db
def test_a_model_pick_list_lists_its_choices_in_vietnamese_order():
    for name in reversed(NAMES):
        UnitFactory(name=name)
    field = vietnamese_order(forms.ModelChoiceField(queryset=Unit.objects.filter(name__in=NAMES)))
    assert [label for _value, label in field.choices][1:] == NAMES
    assert [label for _value, label in field.widget.choices][1:] == NAMES
