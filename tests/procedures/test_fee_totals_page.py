"""The catalogue's fee per channel is today's: periods and reductions applied, currencies apart."""

import datetime

from django.conf import settings
from django.urls import reverse

import pytest
import time_machine

from congvu.procedures.models import ProcedureChannel
from tests.factories import FeeFactory, ProcedureVersionFactory

pytestmark = pytest.mark.django_db

FREE_UNTIL_2026 = "Miễn phí (Từ ngày 01/7/2025 đến hết ngày 31/12/2026 theo Thông tư 64/2025)"


def _channel_cell(client, version, channel):
    body = client.get(reverse("procedures:detail", args=[version.procedure.code])).content.decode()
    start = body.index(f"<td>{channel}</td>")
    row = body[start : body.index("</tr>", start)]
    cell = row.rsplit("<td>", 1)[1].strip().removesuffix("</td>").strip()
    # Thousands are grouped as the active locale's number format says; compare digits.
    return cell.replace(".", "").replace(",", "").replace("\xa0", "")


@pytest.fixture
def version(db):
    return ProcedureVersionFactory()


def test_reduction_in_force_today_is_shown_applied(client, version):
    ProcedureChannel.objects.create(
        version=version, channel="direct", fee_text="100.000 đồng", fee_amount=100_000
    )
    FeeFactory(
        version=version,
        amount=100_000,
        reduction_percent=50,
        reduction_from=datetime.date(2026, 7, 1),
        reduction_to=datetime.date(2026, 12, 31),
    )
    with time_machine.travel(datetime.datetime(2026, 9, 15, 3), tick=False):
        assert _channel_cell(client, version, "Trực tiếp") == "50000 đồng"
    with time_machine.travel(datetime.datetime(2027, 1, 4, 3), tick=False):
        assert _channel_cell(client, version, "Trực tiếp") == "100000 đồng"


def test_ended_exemption_shows_the_source_words_not_free(client, version):
    ProcedureChannel.objects.create(
        version=version, channel="direct", fee_text=FREE_UNTIL_2026, fee_amount=0
    )
    FeeFactory(
        version=version,
        amount=0,
        valid_from=datetime.date(2025, 7, 1),
        valid_to=datetime.date(2026, 12, 31),
    )
    with time_machine.travel(datetime.datetime(2026, 9, 15, 3), tick=False):
        assert _channel_cell(client, version, "Trực tiếp") == "Miễn phí"
    with time_machine.travel(datetime.datetime(2027, 1, 4, 3), tick=False):
        assert _channel_cell(client, version, "Trực tiếp") == FREE_UNTIL_2026


def test_usd_fee_is_shown_beside_the_dong_total(client, version):
    ProcedureChannel.objects.create(version=version, channel="online", fee_text="…")
    FeeFactory(version=version, name="Lệ phí", amount=100_000)
    FeeFactory(version=version, name="Phí", amount=50, currency="USD")
    assert _channel_cell(client, version, "Trực tuyến") == "100000 đồng + 50 USD"


def test_api_gives_todays_amounts(client, version):
    ProcedureChannel.objects.create(version=version, channel="direct", fee_amount=0)
    ProcedureChannel.objects.create(version=version, channel="online", fee_amount=100_000)
    FeeFactory(version=version, amount=0, channel="direct", valid_to=datetime.date(2026, 12, 31))
    FeeFactory(
        version=version,
        amount=100_000,
        channel="online",
        reduction_percent=50,
        reduction_from=datetime.date(2026, 7, 1),
        reduction_to=datetime.date(2026, 12, 31),
    )
    FeeFactory(version=version, name="Phí", amount=50, currency="USD", channel="online")
    url = f"/api/v1/procedures/{version.procedure.code}/"

    def today(when):
        with time_machine.travel(when, tick=False):
            data = client.get(url).json()["current_version"]
        channels = {c["channel"]: c["fee_amount_today"] for c in data["channels"]}
        return channels, [f["amount_today"] for f in data["fees"]]

    assert today(datetime.datetime(2026, 9, 15, 3)) == (
        {"direct": 0, "online": 50_000},
        [0, 50_000, 50],
    )
    assert today(datetime.datetime(2027, 1, 4, 3)) == (
        {"direct": None, "online": 100_000},
        [None, 100_000, 50],
    )


def test_amounts_are_grouped_the_vietnamese_way(client, version):
    """Django's Vietnamese locale groups no digits; congvu/formats/vi does ("100.000 đồng")."""
    ProcedureChannel.objects.create(
        version=version, channel="direct", fee_text="1.250.000 đồng", fee_amount=1_250_000
    )
    FeeFactory(version=version, amount=1_250_000)
    url = reverse("procedures:detail", args=[version.procedure.code])
    assert "1.250.000 đồng" in client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    assert "1,250,000" in english
