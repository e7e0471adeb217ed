"""The demo citizen has a profile, so the online form shows its prefill from the first visit."""

import io

from django.core.management import call_command
from django.urls import reverse

import pytest

from congvu.accounts.models import User
from congvu.demo import data

pytestmark = pytest.mark.django_db


def test_the_demo_citizen_finds_phone_and_cccd_filled_in_on_the_online_form(client):
    call_command("load_demo", stdout=io.StringIO())
    citizen = User.objects.get(email=data.CITIZEN_EMAIL)
    client.force_login(citizen)

    page = client.get(reverse("onestop_portal:submit", args=["1.001193"])).content.decode()

    assert 'value="0912345678"' in page
    assert 'value="079190001234"' in page
    assert 'value="Ấp An Thuận, xã Thạnh Phú"' in page
