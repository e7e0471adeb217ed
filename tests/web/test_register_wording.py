"""A register's name already says "Sổ …": nothing may put "Sổ"/"sổ" before it again (issue 11)."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

import pytest

from congvu.core.errors import TransitionNotAllowed
from congvu.registry import services
from congvu.registry.constants import Direction
from tests.factories import PositionFactory, UnitFactory

pytestmark = pytest.mark.django_db

DOUBLED = re.compile(r"\bsổ\W+sổ\b", re.IGNORECASE)


@pytest.fixture
def closed_register():
    unit = UnitFactory(name="Ủy ban nhân dân xã Thạnh Phú", short_name="UBND xã Thạnh Phú")
    clerk = PositionFactory(role="clerk", unit=unit).user
    when = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 0))
    with_number = services.number_allocate(
        actor=clerk, unit=unit, direction=Direction.INCOMING, when=when
    )
    register = with_number.register
    assert register.name.startswith("Sổ đăng ký văn bản đến")
    services.register_close(actor=clerk, register=register)
    return register, clerk, when


def test_numbering_a_closed_register_names_it_once(closed_register):
    register, clerk, when = closed_register
    with pytest.raises(TransitionNotAllowed) as exc:
        services.number_allocate(
            actor=clerk, unit=register.unit, direction=Direction.INCOMING, when=when
        )
    message = str(exc.value.message)
    assert register.name in message and not DOUBLED.search(message)


def test_close_and_reopen_pages_name_the_register_once(client, closed_register):
    register, clerk, _when = closed_register
    admin = PositionFactory(unit_admin=True, unit=register.unit).user
    client.force_login(admin)
    page = client.get(reverse("registry:register_reopen", args=[register.pk])).content.decode()
    assert register.name in page and not DOUBLED.search(page)
    services.register_reopen(actor=admin, register=register, reason="Khóa nhầm")
    client.force_login(clerk)
    page = client.get(reverse("registry:register_close", args=[register.pk])).content.decode()
    assert register.name in page and not DOUBLED.search(page)
