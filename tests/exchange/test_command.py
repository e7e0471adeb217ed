"""``congvu exchange_receive``: files handed over by an operator are kept and read."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.core.management.base import CommandError

import pytest

from congvu.exchange.constants import PackageState
from congvu.exchange.models import ReceivedPackage

from .conftest import FIXTURES

pytestmark = pytest.mark.django_db


def test_files_are_received_and_refusals_reported():
    good = FIXTURES / "valid" / "vnpt_prefixed.xml"
    bad = FIXTURES / "malformed" / "missing_subject.xml"
    out = io.StringIO()
    with pytest.raises(CommandError, match="1/2"):
        call_command("exchange_receive", str(good), str(bad), stdout=out)
    assert "edxml_missing_field:Subject" in out.getvalue()
    states = dict(ReceivedPackage.objects.values_list("refusal_code", "state"))
    assert states == {"": PackageState.ACCEPTED, "edxml_missing_field:Subject": "refused"}
    out = io.StringIO()
    call_command("exchange_receive", str(good), stdout=out)  # again: the same package
    assert ReceivedPackage.objects.count() == 2
