"""The digest of a record is the same before insert and after reading back, on any database."""

import datetime
import decimal
import hashlib
import zoneinfo

from django.db import transaction

from congvu.audit.models import AuditRecord
from congvu.audit.selectors import verify_chain
from congvu.audit.services import HASHED_FIELDS, log_action, record_digest, snapshot
from tests.factories import UnitFactory, UserFactory

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")

FIXED = {
    "seq": 7,
    "created_at": datetime.datetime(2026, 7, 1, 8, 30, 15, 123456, tzinfo=datetime.UTC),
    "kind": "action",
    "action": "congvu.org.unit.rename",
    "actor_id": 3,
    "actor_label": "Nguyễn Thị Hồng Nhung",
    "unit_id": 12,
    "object_type": "org.unit",
    "object_id": "12",
    "object_repr": "Xã Thạnh Phú",
    "before": {"name": "Thị trấn Thạnh Phú", "n": 1},
    "after": {"name": "Xã Thạnh Phú", "n": 2.0},
    "confidentiality": 0,
    "ip": "10.0.0.1",
    "prev_hash": "0" * 64,
}


def test_digest_is_sha256_of_the_documented_canonical_json():
    # Spelled out by hand: a changed canonical form would break every stored chain.
    canonical = (
        '{"action":"congvu.org.unit.rename","actor_id":3,"actor_label":"Nguyễn Thị Hồng Nhung",'
        '"after":{"n":2,"name":"Xã Thạnh Phú"},"before":{"n":1,"name":"Thị trấn Thạnh Phú"},'
        '"confidentiality":0,"created_at":"2026-07-01T08:30:15.123456Z","ip":"10.0.0.1",'
        '"kind":"action","object_id":"12","object_repr":"Xã Thạnh Phú","object_type":"org.unit",'
        '"prev_hash":"' + "0" * 64 + '","seq":7,"unit_id":12}'
    )
    assert record_digest(FIXED) == hashlib.sha256(canonical.encode()).hexdigest()


def test_digest_does_not_depend_on_the_time_zone_or_number_spelling():
    local = dict(FIXED, created_at=FIXED["created_at"].astimezone(HANOI))
    as_int = dict(FIXED, after={"n": 2, "name": "Xã Thạnh Phú"})
    assert record_digest(local) == record_digest(FIXED)
    assert record_digest(as_int) == record_digest(FIXED)
    assert record_digest(dict(FIXED, created_at=FIXED["created_at"].replace(microsecond=0))) != (
        record_digest(FIXED)
    )


def test_payload_round_trips_through_the_database_with_the_same_digest(db):
    user, unit = (
        UserFactory(full_name="Lê Văn Đặng"),
        UnitFactory(name="Ủy ban nhân dân xã Quới Điền"),
    )
    payload = {
        "tên": "Quyết định về việc kiện toàn Tổ công tác",
        "ngày": datetime.date(2025, 7, 1),
        "lúc": datetime.datetime(2025, 7, 1, 7, 0, 0, 250, tzinfo=HANOI),
        "lệ phí": decimal.Decimal("12500.50"),
        "tỷ lệ": 0.1 + 0.2,
        "lớn": 1e20,
        "nhỏ": 1e-7,
        "lồng": {"cấp": [1, 2, {"đơn vị": "Phòng Tư pháp", "mã": None, "bật": True}]},
    }
    with transaction.atomic():
        record = log_action(
            actor=user,
            action="congvu.org.unit.rename",
            obj=unit,
            before=snapshot(unit),
            after=payload,
            unit=unit,
        )

    stored = AuditRecord.objects.values(*HASHED_FIELDS).get(pk=record.pk)
    assert record_digest(stored) == record.hash
    assert verify_chain() is None
    after = stored["after"]
    assert after["ngày"] == "2025-07-01"
    assert after["lúc"] == "2025-07-01T00:00:00.000250Z"
    assert after["lệ phí"] == "12500.50"
    assert after["lồng"]["cấp"][2]["đơn vị"] == "Phòng Tư pháp"
    assert stored["before"]["name"] == "Ủy ban nhân dân xã Quới Điền"
    assert stored["before"]["valid_from"] == "2018-01-01"
    assert stored["actor_label"] == "Lê Văn Đặng"


def test_snapshot_can_be_limited_to_some_fields(db):
    unit = UnitFactory(name="Phòng Văn hóa và Thông tin")
    assert snapshot(unit, fields=["name", "parent"]) == {
        "name": "Phòng Văn hóa và Thông tin",
        "parent_id": None,
    }


def test_records_whose_values_look_like_chain_fields_hash_the_same(db):
    # On PostgreSQL the chain values are filled into the canonical text by the database
    # (services._append_in_one_statement): values that spell the same keys must not
    # confuse where they go.
    from congvu.audit.services import log_actions

    user = UserFactory(full_name='Đỗ Thị "Hạnh" {seq}')
    tricky = {
        "prev_hash": "0" * 64,
        "seq": 1,
        "created_at": "2026-01-01T00:00:00.000000Z",
        "lồng": {"prev_hash": None, "hash": "%s", "seq": [1, 2.0]},
    }
    with transaction.atomic():
        first, second = log_actions(
            {"actor": user, "action": "congvu.test.tricky", "before": tricky, "after": tricky},
            {"actor": None, "action": "congvu.test.tricky.next", "object_repr": "'; --"},
        )
    for record in (first, second):
        stored = AuditRecord.objects.values(*HASHED_FIELDS, "hash").get(pk=record.pk)
        assert record_digest(stored) == stored["hash"] == record.hash
        assert stored["created_at"] == record.created_at
    assert second.prev_hash == first.hash
    assert AuditRecord.objects.get(pk=first.pk).after == tricky
    assert verify_chain() is None
