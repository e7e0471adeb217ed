"""Small things a new user sees first (issue 11): the empty choice of selects, the favicon."""

import io
from xml.etree import ElementTree

from django import forms
from django.contrib.staticfiles import finders
from django.db import models

import pytest
from PIL import Image

from congvu.org.models import Unit

pytestmark = pytest.mark.django_db


def test_the_empty_choice_is_vietnamese_in_forms_and_model_fields():
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), required=False)
    assert str(unit.empty_label) == "— Chọn —"
    status = models.CharField(choices=[("a", "A")], blank=True, max_length=1).formfield()
    assert [str(label) for value, label in status.choices if value == ""] == ["— Chọn —"]


def test_a_real_form_page_shows_the_vietnamese_empty_choice(client, actor_factory):
    clerk = actor_factory("clerk")
    client.force_login(clerk)
    html = client.get("/app/van-ban-den/vao-so/").content.decode()
    assert '<option value="" selected>— Chọn —</option>' in html
    assert "Select an option" not in html


def test_pages_link_a_local_favicon(client):
    html = client.get("/").content.decode()
    for name in ("favicon.ico", "favicon.svg", "apple-touch-icon.png"):
        assert f"/static/congvu/{name}" in html
    assert 'rel="icon"' in html and 'type="image/svg+xml"' in html


def test_the_favicon_files_are_real_images():
    svg = ElementTree.parse(finders.find("congvu/favicon.svg")).getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    with open(finders.find("congvu/favicon.ico"), "rb") as fh:
        ico = Image.open(io.BytesIO(fh.read()))
        assert ico.format == "ICO"
        assert {(16, 16), (32, 32)} <= set(ico.info["sizes"])
    with Image.open(finders.find("congvu/apple-touch-icon.png")) as png:
        assert (png.format, png.size) == ("PNG", (180, 180))
