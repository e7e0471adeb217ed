"""Fixtures of the one-stop tests: a commune desk, a procedure, people; times in UTC+7."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

import pytest

from congvu.accounts.constants import Role
from congvu.onestop import sms
from congvu.procedures.models import (
    Fee,
    Procedure,
    ProcedureField,
    ProcedureVersion,
    RequiredPaper,
)
from tests.factories import PositionFactory, UnitFactory, UserFactory
from tests.files.builders import pdf_bytes

TZ = timezone.get_fixed_timezone(7 * 60)


def at(month, day, hour=8, minute=0, year=2026):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=TZ)


def pdf(name="giay-to.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), "application/pdf")


@pytest.fixture(autouse=True)
def _memory_sms(settings):
    settings.CONGVU_SMS_PROVIDER = "memory"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def commune(db):
    return UnitFactory(commune=True, name="Ủy ban nhân dân xã An Thạnh", code="000.01.31.H57")


@pytest.fixture
def other_commune(db):
    return UnitFactory(commune=True, name="Ủy ban nhân dân xã Bình Thạnh", code="000.02.31.H57")


@pytest.fixture
def officer(commune):
    return PositionFactory(unit=commune, role=Role.ONESTOP_OFFICER, title="Công chức một cửa").user


@pytest.fixture
def specialist(commune):
    return PositionFactory(unit=commune, role=Role.SPECIALIST, title="Công chức tư pháp").user


@pytest.fixture
def leader(commune):
    return PositionFactory(leader=True, unit=commune).user


@pytest.fixture
def outsider(other_commune):
    return PositionFactory(unit=other_commune, role=Role.ONESTOP_OFFICER).user


@pytest.fixture
def citizen(db):
    return UserFactory(citizen=True, email="congdan@congvu.test")


@pytest.fixture
def procedure(db):
    field, _ = ProcedureField.objects.get_or_create(name="Hộ tịch")
    proc = Procedure.objects.create(code="1.001193", field=field, name="Đăng ký khai sinh")
    version = ProcedureVersion.objects.create(
        procedure=proc,
        number=1,
        valid_from=datetime.date(2025, 7, 1),
        name=proc.name,
        online_level="full",
        duration_value=Decimal("3"),
        duration_unit="working_days",
    )
    RequiredPaper.objects.create(version=version, order=1, name="Tờ khai đăng ký khai sinh")
    RequiredPaper.objects.create(version=version, order=2, name="Giấy chứng sinh", form="original")
    RequiredPaper.objects.create(
        version=version, order=3, name="Giấy tờ khác", required=False, form="photocopy"
    )
    Fee.objects.create(version=version, name="Lệ phí", amount=8000)
    return proc


@pytest.fixture
def version(procedure):
    return procedure.versions.get()


@pytest.fixture
def applicant():
    return {
        "name": "Trần Thị Bình",
        "id_number": "083190001234",
        "address": "Ấp 1, xã An Thạnh",
        "phone": "+84 912 345 678",
        "email": "binh@congvu.test",
        "type": "person",
    }


@pytest.fixture
def submit(procedure, version, commune, citizen, applicant):
    """Submit online as the citizen at ``when``."""
    from congvu.onestop import services

    def run(when=None, actor=None, **kwargs):
        papers = [(p, pdf(f"p{p.order}.pdf")) for p in version.papers.filter(required=True)]
        return services.dossier_submit_online(
            actor=citizen if actor is None else actor,
            procedure=procedure,
            receiving_unit=commune,
            applicant=kwargs.pop("applicant", applicant),
            papers=kwargs.pop("papers", papers),
            when=when or at(3, 2, 9),
            **kwargs,
        )

    return run


@pytest.fixture
def received(submit, officer):
    """A dossier submitted Mon 2/3/2026 09:00 and accepted at 09:30."""
    from congvu.onestop import services

    dossier = submit()
    return services.dossier_accept(actor=officer, dossier=dossier, when=at(3, 2, 9, 30))


__all__ = ["at", "override_settings", "pdf"]
