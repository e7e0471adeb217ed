"""Builders of the portal tests: a commune with its desk, a procedure, a citizen."""

import datetime
from decimal import Decimal

from congvu.procedures.models import Procedure, ProcedureField, ProcedureVersion, RequiredPaper
from tests.factories import PositionFactory, UnitFactory, UserFactory


def make_procedure(online_level="full"):
    field, _ = ProcedureField.objects.get_or_create(name="Hộ tịch")
    procedure = Procedure.objects.create(
        code=f"1.00{Procedure.objects.count() + 1193}",
        field=field,
        name="Thủ tục đăng ký khai sinh",
    )
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        valid_from=datetime.date(2025, 7, 1),
        name="Thủ tục đăng ký khai sinh",
        levels=["Cấp xã"],
        online_level=online_level,
        duration_value=Decimal("3"),
        duration_unit="working_days",
    )
    RequiredPaper.objects.create(
        version=version, order=1, name="Tờ khai đăng ký khai sinh", required=True
    )
    RequiredPaper.objects.create(
        version=version, order=2, name="Giấy chứng sinh", form="certified_copy", required=True
    )
    RequiredPaper.objects.create(
        version=version, order=3, name="Giấy ủy quyền (nếu có)", required=False
    )
    return procedure


def make_commune():
    unit = UnitFactory(commune=True, name="UBND xã Thạnh Phú", code="000.00.31.H57")
    # Its desk: a commune without a one-stop officer is not offered on the portal.
    PositionFactory(role="onestop_officer", unit=unit)
    return unit


def make_citizen():
    return UserFactory(
        citizen=True,
        full_name="Lê Thị Hồng Nhung",
        phone="0912345678",
        email="nhung@example.vn",
        id_number="083195000123",
        address="Ấp Thạnh Hòa, xã Thạnh Phú",
    )


def make_officer(unit):
    return PositionFactory(role="onestop_officer", unit=unit).user
