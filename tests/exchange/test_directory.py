"""The directory of outside agencies: effective-dated versions, channels, CSV/Excel import."""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from congvu.audit.models import AuditRecord
from congvu.core.errors import PermissionDenied, ServiceError
from congvu.exchange.channels import EDXML_AXIS, EMAIL, INTERNAL, POSTAL, all_channels
from congvu.exchange.importers import agencies_import
from congvu.exchange.models import OutsideAgency
from congvu.exchange.selectors import (
    agency_at,
    agency_history,
    channel_for_agency,
    channel_for_recipient,
)
from congvu.exchange.services import agency_close, agency_save
from tests.factories import PositionFactory, UnitFactory

pytestmark = pytest.mark.django_db

D = datetime.date
CODE = "000.00.12.H56"


@pytest.fixture
def clerk():
    return PositionFactory(clerk=True, unit=UnitFactory(commune=True)).user


def test_a_change_opens_a_new_version_and_keeps_the_old_one(clerk):
    first, outcome = agency_save(
        actor=clerk, code=CODE, name="Sở Nội vụ tỉnh Bến Tre", valid_from=D(2020, 1, 1)
    )
    assert outcome == "created"
    assert first.channels == [{"channel": EDXML_AXIS, "address": CODE}]
    second, outcome = agency_save(
        actor=clerk, code=CODE, name="Sở Nội vụ tỉnh Vĩnh Long", valid_from=D(2025, 7, 1)
    )
    assert outcome == "updated"
    first.refresh_from_db()
    assert first.valid_to == D(2025, 6, 30)
    assert agency_at(CODE, D(2025, 6, 30)).name == "Sở Nội vụ tỉnh Bến Tre"
    assert agency_at(CODE, D(2025, 7, 1)).name == "Sở Nội vụ tỉnh Vĩnh Long"
    assert agency_at(CODE, D(2019, 12, 31)) is None
    assert [a.pk for a in agency_history(CODE)] == [first.pk, second.pk]
    same, outcome = agency_save(
        actor=clerk, code=CODE, name="Sở Nội vụ tỉnh Vĩnh Long", valid_from=D(2026, 1, 1)
    )
    assert (same.pk, outcome) == (second.pk, "unchanged")
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {"congvu.exchange.agency.created", "congvu.exchange.agency.closed"} <= actions


def test_closing_ends_the_agency(clerk):
    agency_save(actor=clerk, code=CODE, name="Sở A", valid_from=D(2020, 1, 1))
    agency_close(actor=clerk, code=CODE, valid_to=D(2025, 6, 30))
    assert agency_at(CODE, D(2025, 6, 30)) is not None
    assert agency_at(CODE, D(2025, 7, 1)) is None
    with pytest.raises(ServiceError) as err:
        agency_save(actor=clerk, code=CODE, name="Sở A", valid_from=D(2025, 6, 1))
    assert err.value.code == "agency_overlap"


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"code": "H56.12"}, "agency_code_format", "code"),
        ({"name": " "}, "required", "name"),
        ({"parent_code": "xyz"}, "agency_code_format", "parent_code"),
        ({"parent_code": CODE}, "parent_is_self", "parent_code"),
        ({"email": "khong-phai-email"}, "invalid_email", "email"),
        ({"channels": [{"channel": "fax"}]}, "unknown_channel", "channels"),
        ({"channels": [{"channel": EMAIL, "address": "x"}]}, "invalid_channel_address", "channels"),
        ({"channels": [{"channel": POSTAL}]}, "invalid_channel_address", "channels"),
    ],
)
def test_bad_values_are_refused_naming_the_field(clerk, kwargs, code, field):
    args = {"actor": clerk, "code": CODE, "name": "Sở A"} | kwargs
    with pytest.raises(ServiceError) as err:
        agency_save(**args)
    assert err.value.code == code
    assert [e.field for e in err.value.errors] == [field]
    assert not OutsideAgency.objects.exists()


def test_backdating_a_version_is_refused(clerk):
    agency_save(actor=clerk, code=CODE, name="Sở A", valid_from=D(2024, 1, 1))
    with pytest.raises(ServiceError) as err:
        agency_save(actor=clerk, code=CODE, name="Sở B", valid_from=D(2024, 1, 1))
    assert err.value.code == "agency_backdated"


def test_only_clerks_and_administrators_edit_the_directory(clerk):
    specialist = PositionFactory(unit=UnitFactory(commune=True)).user
    with pytest.raises(PermissionDenied):
        agency_save(actor=specialist, code=CODE, name="Sở A")
    assert not OutsideAgency.objects.exists()
    agency_save(actor=clerk, code=CODE, name="Sở A")
    # Every official reads the directory; only clerks and administrators change it.
    assert OutsideAgency.objects.restrict(specialist, "view").count() == 1
    assert OutsideAgency.objects.restrict(specialist, "change").count() == 0
    assert OutsideAgency.objects.restrict(clerk, "change").count() == 1


def test_the_channel_is_chosen_from_the_directory(clerk):
    agency, _ = agency_save(
        actor=clerk,
        code=CODE,
        name="Sở Nội vụ",
        address="3 Hoàng Thái Hiếu, Vĩnh Long",
        channels=[{"channel": EMAIL, "address": "snv@vinhlong.gov.vn"}, {"channel": EDXML_AXIS}],
        valid_from=D(2024, 1, 1),
    )
    channel, address = channel_for_agency(agency)
    assert (channel.code, address) == (EMAIL, "snv@vinhlong.gov.vn")
    internal = type("R", (), {"unit_id": 5})()
    assert channel_for_recipient(internal)[0].code == INTERNAL
    external = type(
        "R", (), {"unit_id": None, "external_name": "Sở Nội vụ", "external_address": ""}
    )()
    assert channel_for_recipient(external)[0].code == EMAIL
    # Before the agency was in the directory, a recipient with an address goes by post.
    unknown = type(
        "R", (), {"unit_id": None, "external_name": "Báo Vĩnh Long", "external_address": "Số 1"}
    )()
    assert channel_for_recipient(unknown)[0].code == POSTAL
    assert channel_for_recipient(external, on=D(2023, 1, 1)) is None
    assert {c.code for c in all_channels()} >= {INTERNAL, POSTAL, EDXML_AXIS, EMAIL}


CSV = (
    "ma_dinh_danh,ten,ma_chu_quan,dia_chi,email,kenh,hieu_luc_tu\n"
    "000.00.12.H56,Sở Nội vụ,000.00.00.H56,,,edxml_axis; email:snv@vinhlong.gov.vn,01/07/2025\n"
    "000.00.00.H56,UBND tỉnh Vĩnh Long,,,,,01/07/2025\n"
    "H56,Sai mã,,,,,\n"
    "000.00.13.H56,Sở Tài chính,,,,fax,\n"
    "000.00.14.H56,Sở KH&CN,,,,,32/13/2025\n"
)


def test_csv_import_reports_each_bad_row_by_field(clerk):
    upload = SimpleUploadedFile("danh-ba.csv", CSV.encode("utf-8-sig"))
    report = agencies_import(actor=clerk, upload=upload)
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    assert [(e.row, e.field) for e in report.errors] == [
        (4, "ma_dinh_danh"),
        (5, "kenh"),
        (6, "hieu_luc_tu"),
    ]
    agency = agency_at("000.00.12.H56", D(2025, 7, 1))
    assert agency.parent_code == "000.00.00.H56"
    assert agency.channels[1] == {"channel": EMAIL, "address": "snv@vinhlong.gov.vn"}
    # Importing the same file again changes nothing.
    again = agencies_import(actor=clerk, upload=SimpleUploadedFile("a.csv", CSV.encode()))
    assert (again.created, again.unchanged) == (0, 2)


def test_excel_import(clerk):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["code", "name", "valid_from"])
    sheet.append(["000.00.12.H56", "Sở Nội vụ", datetime.datetime(2025, 7, 1)])
    sheet.append(["000.00.13.H56", "", None])
    out = io.BytesIO()
    book.save(out)
    report = agencies_import(actor=clerk, upload=SimpleUploadedFile("db.xlsx", out.getvalue()))
    assert report.created == 1
    assert [(e.row, e.field) for e in report.errors] == [(3, "ten")]
    assert agency_at("000.00.12.H56", D(2025, 7, 1)).valid_from == D(2025, 7, 1)


def test_import_refuses_other_files_and_missing_columns(clerk):
    with pytest.raises(ServiceError) as err:
        agencies_import(actor=clerk, upload=SimpleUploadedFile("a.txt", b"x"))
    assert err.value.code == "type_not_allowed"
    with pytest.raises(ServiceError) as err:
        agencies_import(actor=clerk, upload=SimpleUploadedFile("a.csv", b"ten\nSo A\n"))
    assert err.value.code == "missing_columns"


def test_admin_import_page(client, clerk):
    admin = PositionFactory(system_admin=True, user__is_staff=True, user__is_superuser=True).user
    client.force_login(admin)
    page = client.get("/admin/exchange/outsideagency/import/")
    assert page.status_code == 200
    response = client.post(
        "/admin/exchange/outsideagency/import/",
        {"file": SimpleUploadedFile("d.csv", CSV.encode())},
    )
    assert response.status_code == 200  # errors shown on the page, with their rows
    assert "ma_dinh_danh" in response.content.decode()
    assert OutsideAgency.objects.count() == 2
