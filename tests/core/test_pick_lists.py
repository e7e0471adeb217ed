"""The pick lists of the officials' and the portal's forms list their choices in Vietnamese order."""

from types import SimpleNamespace

import pytest

from tests.factories import PositionFactory, UnitFactory

pytestmark = pytest.mark.django_db

NAMES = ["Ấp", "Bình", "Điền", "Đông", "Zeta"]


def labels(field, ours=NAMES) -> list[str]:
    return [str(label) for _value, label in field.choices if str(label) in ours]


@pytest.fixture
def units():
    return [UnitFactory(name=name) for name in reversed(NAMES)]


def test_unit_lists_given_by_the_views(units):
    from congvu.archive.forms import CatalogCreateForm
    from congvu.onestop.forms import RegisterForm
    from congvu.onestop.printing.views import BookForm
    from congvu.registry.exports.forms import RegisterExportForm

    assert labels(CatalogCreateForm(units=units).fields["don_vi"]) == NAMES
    assert labels(RegisterExportForm(units=units).fields["don_vi"]) == NAMES
    assert labels(BookForm(units=units).fields["unit"]) == NAMES
    form = RegisterForm(units=units, competent_units=units)
    assert labels(form.fields["receiving_unit"]) == NAMES
    assert labels(form.fields["competent_unit"]) == NAMES


def test_model_pick_lists(units):
    from congvu.procedures.forms import StepForm
    from congvu.procedures.models import ProcedureField
    from congvu.stats.forms import StatisticsForm

    for name in reversed(NAMES):
        ProcedureField.objects.create(name=name)
    form = StatisticsForm(units=[u.pk for u in units])
    assert labels(form.fields["don_vi"]) == NAMES
    assert labels(form.fields["linh_vuc"]) == NAMES
    assert labels(StepForm(units=units[0].__class__.objects.all()).fields["unit"]) == NAMES


def test_people_lists():
    from congvu.accounts.forms import DelegationForm
    from congvu.onestop.forms import AssignForm

    unit = UnitFactory(name="UBND xã Thử")
    leader = PositionFactory(leader=True, unit=unit).user
    people = [
        PositionFactory(unit=unit, user__full_name=f"Lê {name}").user for name in reversed(NAMES)
    ]
    ours = [f"Lê {name}" for name in NAMES]
    assert labels(DelegationForm(user=leader).fields["delegate"], ours) == ours
    assert labels(AssignForm(people=people).fields["assignee"], ours) == ours


def test_the_portal_lists_communes_in_order():
    from congvu.onestop.portal_forms import SubmitForm

    communes = [SimpleNamespace(pk=i, label=name) for i, name in enumerate(reversed(NAMES))]
    assert labels(SubmitForm(communes=communes).fields["commune"]) == NAMES
