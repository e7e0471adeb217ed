"""Fixtures of the payment tests: a commune desk and a dossier waiting for its fees."""

from django.utils import timezone

import pytest

from congvu.accounts.constants import Role
from tests.factories import (
    FeeFactory,
    PositionFactory,
    ProcedureVersionFactory,
    UnitFactory,
    UserFactory,
)
from tests.onestop.builders import dossier_row


@pytest.fixture(autouse=True)
def _sandbox(settings):
    settings.CONGVU_PAYMENT_PROVIDER = "sandbox"
    settings.CONGVU_PAYMENT_SANDBOX_SECRET = "bi-mat-thu-nghiem"
    settings.CONGVU_SMS_PROVIDER = "memory"


@pytest.fixture
def commune(db):
    return UnitFactory(commune=True, name="Ủy ban nhân dân xã An Thạnh")


@pytest.fixture
def officer(commune):
    return PositionFactory(unit=commune, role=Role.ONESTOP_OFFICER).user


@pytest.fixture
def citizen(db):
    return UserFactory(citizen=True)


@pytest.fixture
def version(db):
    version = ProcedureVersionFactory(procedure__name="Đăng ký khai sinh")
    FeeFactory(version=version, name="Lệ phí đăng ký", amount=50_000)
    FeeFactory(version=version, name="Phí cấp bản sao", amount=8_000)
    return version


@pytest.fixture
def make_dossier(commune, citizen, version):
    def make(**kwargs):
        kwargs.setdefault("applicant", citizen)
        kwargs.setdefault("receiving_unit", commune)
        # Waiting for its fees since reception: the clock stands still (a payment pause).
        received = kwargs.setdefault("received_at", kwargs.get("submitted_at") or timezone.now())
        kwargs.setdefault("submitted_at", received)
        dossier = dossier_row(
            procedure_version=version,
            status="awaiting_payment",
            pauses=[(received, None)],
            **kwargs,
        )
        return dossier

    return make


@pytest.fixture
def dossier(make_dossier):
    return make_dossier()
