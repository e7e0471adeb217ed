"""The audit trail in Django admin is read-only."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

import pytest

from congvu.audit.models import AuditRecord
from congvu.audit.selectors import verify_chain
from congvu.audit.services import log_access, log_action
from tests.factories import UnitFactory, UserFactory


@pytest.fixture
def admin_client_official(client, db):
    user = UserFactory(superuser=True)
    client.force_login(user)
    return client


@pytest.fixture
def records(db):
    user, unit = UserFactory(), UnitFactory()
    with transaction.atomic():
        action = log_action(actor=user, action="congvu.org.unit.create", obj=unit)
    access = log_access(actor=user, obj=unit, action="congvu.org.unit.read")
    return action, access


def listed(response) -> set[str]:
    assert response.status_code == 200
    return {record.action for record in response.context["cl"].result_list}


def test_changelist_lists_and_filters_records(admin_client_official, records):
    url = reverse("admin:audit_auditrecord_changelist")
    everything = admin_client_official.get(url)
    assert listed(everything) == {"congvu.org.unit.create", "congvu.org.unit.read"}
    assert "congvu.org.unit.create" in everything.text

    assert listed(admin_client_official.get(url, {"kind__exact": "access"})) == {
        "congvu.org.unit.read"
    }
    assert listed(admin_client_official.get(url, {"action": "congvu.org.unit.create"})) == {
        "congvu.org.unit.create"
    }
    year = timezone.localtime(records[0].created_at).year
    assert len(listed(admin_client_official.get(url, {"created_at__year": year}))) == 2
    assert listed(admin_client_official.get(url, {"created_at__year": year - 1})) == set()


def test_nothing_can_be_added_changed_or_deleted(admin_client_official, records):
    action, _ = records
    assert admin_client_official.get(reverse("admin:audit_auditrecord_add")).status_code == 403
    change_url = reverse("admin:audit_auditrecord_change", args=[action.pk])
    page = admin_client_official.get(change_url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert admin_client_official.post(change_url, {"action": "congvu.forged"}).status_code == 403
    delete_url = reverse("admin:audit_auditrecord_delete", args=[action.pk])
    assert admin_client_official.post(delete_url, {"post": "yes"}).status_code == 403
    assert AuditRecord.objects.get(pk=action.pk).action == "congvu.org.unit.create"
    assert verify_chain() is None


def test_staff_without_scope_see_no_records(client, records):
    from django.contrib.auth.models import Permission

    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_auditrecord"))
    client.force_login(staff)
    assert listed(client.get(reverse("admin:audit_auditrecord_changelist"))) == set()
