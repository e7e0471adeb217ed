"""Numbering proofs (Decree 30 Art. 15, 22): consecutive, yearly, per sequence, never reused."""

from __future__ import annotations

import datetime
import importlib

from django.apps import apps
from django.db import transaction

import pytest

from congvu.audit.models import AuditRecord
from congvu.core.errors import PermissionDenied, ServiceError, TransitionNotAllowed
from congvu.registry.constants import AdminNumbering, Direction, NumberStatus
from congvu.registry.models import DocumentType, IssuedNumber, Register, UnitNumberingPolicy
from congvu.registry.services import (
    number_allocate,
    number_void,
    numbering_policy_set,
    register_close,
)
from tests.factories import PositionFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
MARCH = datetime.datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def allocate(actor, unit, **kwargs):
    kwargs.setdefault("direction", Direction.OUTGOING)
    kwargs.setdefault("when", MARCH)
    with transaction.atomic():
        return number_allocate(actor=actor, unit=unit, **kwargs)


def test_numbers_are_consecutive_from_one(clerk, unit, doc_type):
    numbers = [
        allocate(clerk, unit, document_type=doc_type("quyet-dinh")).number for _ in range(12)
    ]
    assert numbers == list(range(1, 13))
    register = Register.objects.get(unit=unit)
    assert register.last_number == 12
    assert register.year == 2026
    assert AuditRecord.objects.filter(action="congvu.registry.number.issued").count() == 12


@pytest.mark.django_db(transaction=True)
def test_allocation_outside_a_transaction_is_refused(clerk, unit):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        number_allocate(actor=clerk, unit=unit, direction=Direction.OUTGOING)


def test_sequences_restart_on_the_first_of_january_local_time(clerk, unit):
    # 16:59 UTC on 31 December is 23:59 in Việt Nam; 17:00 UTC is already 1 January.
    last_evening = datetime.datetime(2025, 12, 31, 16, 59, tzinfo=UTC)
    new_year = datetime.datetime(2025, 12, 31, 17, 0, tzinfo=UTC)
    assert [allocate(clerk, unit, when=last_evening).number for _ in range(3)] == [1, 2, 3]
    first = allocate(clerk, unit, when=new_year)
    assert first.number == 1
    assert first.register.year == 2026
    assert allocate(clerk, unit, when=last_evening).number == 4  # a late 2025 entry
    assert set(Register.objects.filter(unit=unit).values_list("year", flat=True)) == {2025, 2026}


def test_each_legal_normative_type_has_its_own_sequence(clerk, unit, doc_type):
    qd_qppl, nq_qppl, qd = (
        doc_type("quyet-dinh-qppl"),
        doc_type("nghi-quyet-qppl"),
        doc_type("quyet-dinh"),
    )
    assert allocate(clerk, unit, document_type=qd).number == 1
    assert allocate(clerk, unit, document_type=qd_qppl).number == 1
    assert allocate(clerk, unit, document_type=qd_qppl).number == 2
    assert allocate(clerk, unit, document_type=nq_qppl).number == 1
    assert allocate(clerk, unit, document_type=qd).number == 2
    keys = set(Register.objects.filter(unit=unit).values_list("sequence_key", flat=True))
    assert keys == {"*", "quyet-dinh-qppl", "nghi-quyet-qppl"}


def test_administrative_documents_share_one_sequence_by_default(clerk, unit, doc_type):
    got = [
        allocate(clerk, unit, document_type=doc_type(code)).number
        for code in ["quyet-dinh", "cong-van", "thong-bao", "quyet-dinh", "ke-hoach"]
    ]
    assert got == [1, 2, 3, 4, 5]
    assert Register.objects.filter(unit=unit).count() == 1


def test_per_type_policy_gives_each_administrative_type_its_own_sequence(clerk, unit, doc_type):
    admin = PositionFactory(unit_admin=True, unit=unit).user
    numbering_policy_set(actor=admin, unit=unit, admin_numbering=AdminNumbering.PER_TYPE)
    got = [
        allocate(clerk, unit, document_type=doc_type(code)).number
        for code in ["quyet-dinh", "cong-van", "quyet-dinh", "cong-van", "thong-bao"]
    ]
    assert got == [1, 1, 2, 2, 1]
    assert AuditRecord.objects.filter(action="congvu.registry.numbering_policy.set").count() == 1


def test_only_the_unit_admin_sets_the_numbering_policy(clerk, unit):
    with pytest.raises(PermissionDenied):
        numbering_policy_set(actor=clerk, unit=unit, admin_numbering=AdminNumbering.PER_TYPE)
    assert not UnitNumberingPolicy.objects.exists()


def test_incoming_documents_share_one_register_per_year(clerk, unit, doc_type):
    got = [
        allocate(clerk, unit, direction=Direction.INCOMING, document_type=doc_type(c)).number
        for c in ["quyet-dinh", "quyet-dinh-qppl", "cong-van"]
    ]
    assert got == [1, 2, 3]
    assert allocate(clerk, unit, document_type=doc_type("cong-van")).number == 1  # outgoing


def test_secret_documents_use_a_separate_register(clerk, unit, doc_type):
    cv = doc_type("cong-van")
    assert allocate(clerk, unit, document_type=cv).number == 1
    secret = allocate(clerk, unit, document_type=cv, secrecy=1)
    assert secret.number == 1
    assert secret.register.secrecy == 1
    assert "Mật" in secret.register.name
    assert allocate(clerk, unit, document_type=cv).number == 2
    assert allocate(clerk, unit, document_type=cv, secrecy=1).number == 2


@pytest.mark.parametrize("level", [2, 3, "toi_mat", "Tối mật", "tuyet_mat", "Tuyệt mật"])
def test_top_secret_levels_are_refused_with_the_reason(clerk, unit, level):
    with pytest.raises(ServiceError) as info:
        allocate(clerk, unit, secrecy=level)
    assert info.value.code == "secrecy_not_allowed"
    assert "Tối mật, Tuyệt mật" in info.value.message
    assert "hệ thống riêng" in info.value.message
    assert not Register.objects.exists()


def test_a_voided_number_keeps_its_reason_and_is_never_reused(clerk, unit):
    first = allocate(clerk, unit)
    voided = number_void(actor=clerk, issued=first, reason="  Văn bản bị hủy trước khi phát hành ")
    assert voided.status == NumberStatus.VOIDED
    assert voided.void_reason == "Văn bản bị hủy trước khi phát hành"
    assert voided.voided_by == clerk
    assert allocate(clerk, unit).number == 2
    assert list(IssuedNumber.objects.order_by("number").values_list("number", "status")) == [
        (1, "voided"),
        (2, "used"),
    ]
    assert AuditRecord.objects.filter(action="congvu.registry.number.voided").count() == 1
    with pytest.raises(TransitionNotAllowed):
        number_void(actor=clerk, issued=first, reason="lần nữa")


def test_voiding_requires_a_reason_and_the_units_clerk(clerk, unit):
    issued = allocate(clerk, unit)
    with pytest.raises(ServiceError) as info:
        number_void(actor=clerk, issued=issued, reason="   ")
    assert info.value.errors[0].field == "reason"
    leader = PositionFactory(leader=True, unit=unit).user
    other_clerk = PositionFactory(clerk=True).user
    for outsider in (leader, other_clerk):
        with pytest.raises(PermissionDenied):
            number_void(actor=outsider, issued=issued, reason="Nhầm")
    issued.refresh_from_db()
    assert issued.status == NumberStatus.USED


def test_a_closed_register_issues_no_more_numbers(clerk, unit):
    issued = allocate(clerk, unit)
    leader = PositionFactory(leader=True, unit=unit).user
    register_close(actor=leader, register=issued.register)
    with pytest.raises(TransitionNotAllowed) as info:
        allocate(clerk, unit)
    assert info.value.code == "register_closed"
    with pytest.raises(TransitionNotAllowed):
        register_close(actor=clerk, register=issued.register)
    assert Register.objects.get().last_number == 1


def test_only_clerks_and_leaders_close_a_register(clerk, unit):
    issued = allocate(clerk, unit)
    specialist = PositionFactory(unit=unit).user
    with pytest.raises(PermissionDenied):
        register_close(actor=specialist, register=issued.register)
    assert not Register.objects.get().is_closed


def test_rollback_of_the_callers_transaction_leaves_no_gap(clerk, unit):
    assert allocate(clerk, unit).number == 1

    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), transaction.atomic():
        taken = number_allocate(actor=clerk, unit=unit, direction=Direction.OUTGOING, when=MARCH)
        assert taken.number == 2
        raise Abandoned
    assert allocate(clerk, unit).number == 2
    assert list(IssuedNumber.objects.values_list("number", flat=True)) == [1, 2]


# --- Document types as data (migration 0002) -------------------------------


def test_migration_loads_29_administrative_and_2_legal_normative_types():
    assert DocumentType.objects.filter(is_legal_normative=False).count() == 29
    assert DocumentType.objects.filter(is_legal_normative=True).count() == 2
    blank = set(DocumentType.objects.filter(abbreviation="").values_list("code", flat=True))
    assert blank == {"cong-van", "thu-cong"}
    assert DocumentType.objects.get(code="quy-dinh").abbreviation == "QyĐ"
    assert DocumentType.objects.get(code="to-trinh").abbreviation == "TTr"


def test_document_type_loader_is_idempotent():
    migration = importlib.import_module("congvu.registry.migrations.0002_document_types")
    DocumentType.objects.filter(code="giay-moi").update(name="Sửa nhầm")
    DocumentType.objects.filter(code="phieu-bao").delete()
    migration.load(apps, None)
    migration.load(apps, None)
    assert DocumentType.objects.count() == 31
    assert DocumentType.objects.get(code="giay-moi").name == "Giấy mời"
    assert DocumentType.objects.filter(code="phieu-bao").exists()
