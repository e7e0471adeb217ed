"""Browser journey of the leader reading the Decision 766 statistics, in headless Chromium.

The Chủ tịch of a commune logs in, opens "Thống kê" from the menu, asks for March
2026 and reads numbers in the 766 table: the dossiers were received by the
commune's Trung tâm Phục vụ hành chính công (a child unit), and a unit's
statistics include its subtree. The chart and the Excel export show the same
numbers; a neighbouring commune's dossiers are not counted. No script error and
no Content-Security-Policy violation on the way.
"""

import datetime
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from congvu.org.constants import UnitKind
from congvu.stats.selectors import COLUMNS
from tests.factories import PositionFactory, ProcedureVersionFactory, UnitFactory
from tests.onestop.builders import dossier_row
from tests.stats.conftest import at
from tests.stats.rendered import number

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-thu-nghiem-1"  # tests.factories.UserFactory
CENTRE = "Trung tâm Phục vụ hành chính công xã"
KEYS = [key for key, _label in COLUMNS]


def _dossier(unit, version, *, channel, received, status="processing", closed=None, **extra):
    return dossier_row(
        receiving_unit=unit,
        procedure_version=version,
        channel=channel,
        submitted_at=received,
        received_at=received,
        status=status,
        due_at=received + datetime.timedelta(days=10),
        closed_at=closed,
        finished_at=closed if status == "done" else None,
        **extra,
    )


@pytest.fixture
def commune_with_centre(db):
    province = UnitFactory(kind=UnitKind.PROVINCE, name="Ủy ban nhân dân tỉnh Vĩnh Long")
    commune = UnitFactory(commune=True, parent=province, name="Ủy ban nhân dân xã Thạnh Phú")
    centre = UnitFactory(kind=UnitKind.SUBUNIT, parent=commune, name=CENTRE)
    neighbour = UnitFactory(commune=True, parent=province, name="Ủy ban nhân dân xã Đại Điền")
    version = ProcedureVersionFactory(procedure__name="Đăng ký khai sinh")
    # At the centre: 2 done early (one online), 1 in progress overdue, 1 online on time.
    _dossier(centre, version, channel="online", received=at(3, 2), status="done",
             closed=at(3, 4), outcome="early")  # fmt: skip
    _dossier(centre, version, channel="direct", received=at(3, 3), status="done",
             closed=at(3, 5), outcome="early")  # fmt: skip
    _dossier(centre, version, channel="direct", received=at(3, 10))  # due 20/03: overdue
    _dossier(centre, version, channel="online", received=at(3, 28))
    for day in (3, 4, 5):
        _dossier(neighbour, version, channel="online", received=at(3, day))
    PositionFactory(
        leader=True,
        unit=commune,
        title="Chủ tịch",
        user__username="chutich.e2e",
        user__full_name="Nguyễn Văn Chủ Tịch",
    )


def _row_values(row):
    cells = row.locator("td").all_inner_texts()
    return dict(zip(KEYS, [number(c) for c in cells], strict=True))


def test_leader_reads_numbers_on_the_766_page(browser, live_server, commune_with_centre):
    context = browser.new_context(locale="vi-VN", base_url=live_server.url, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" and ("Content Security Policy" in m.text or "Refused to" in m.text)
            else None
        ),
    )
    try:
        page.goto("/accounts/login/")
        page.get_by_label("Tên đăng nhập").fill("chutich.e2e")
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(re.compile(r"/app/$"))

        page.get_by_role("link", name="Thống kê", exact=True).click()
        page.wait_for_url(re.compile(r"/app/thong-ke/"))
        page.get_by_label("Từ ngày").fill("2026-03-01")
        page.get_by_label("Đến ngày").fill("2026-03-31")
        page.get_by_role("button", name="Xem").click()
        page.wait_for_url(re.compile(r"tu=2026-03-01"))

        table = page.locator("table.stats")
        assert "None" not in table.inner_text()
        rows = table.locator("tbody tr")
        assert rows.count() == 1
        assert rows.first.locator("th").inner_text().strip() == CENTRE
        values = _row_values(rows.first)
        assert values["received"] == 4
        assert (values["new_online"], values["new_direct"]) == (2, 2)
        assert (values["processed_early"], values["processed"]) == (2, 2)
        assert (values["in_progress_on_time"], values["in_progress_overdue"]) == (1, 1)
        assert values["online_share"] == 50.0
        total = _row_values(table.locator("tfoot tr"))
        assert total == values  # the neighbour's 3 dossiers are not counted

        # The chart draws the same numbers.
        chart = page.locator("svg.chart")
        titles = chart.locator("rect title").all_text_contents()
        assert "Đã xử lý trước hạn: 2" in titles
        assert "Đang xử lý quá hạn: 1" in titles

        # So does the Excel export.
        with page.expect_download() as download:
            page.get_by_role("link", name="Xuất Excel").click()
        # The download's temporary file has no extension, which openpyxl refuses.
        sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
        by_label = {r[0]: r[1:] for r in sheet.iter_rows(values_only=True) if r and r[0]}
        assert dict(zip(KEYS, by_label[CENTRE], strict=True)) == values
        assert dict(zip(KEYS, by_label["Tổng cộng"], strict=True)) == total
        assert problems == []
    finally:
        context.close()
