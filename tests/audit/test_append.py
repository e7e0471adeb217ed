"""Appending to the trail: append-only at the ORM, bound to the change's transaction."""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from django.db import connection, transaction

import pytest

from congvu.audit.models import AuditRecord, ChainHead, RecordKind
from congvu.audit.selectors import verify_chain
from congvu.audit.services import log_action, log_actions
from tests.factories import UnitFactory, UserFactory

from .conftest import raw_sql


def test_bulk_writes_through_the_orm_are_refused(chain):
    with pytest.raises(TypeError):
        AuditRecord.objects.update(action="x")
    with pytest.raises(TypeError):
        AuditRecord.objects.filter(pk=chain[0].pk).delete()
    with pytest.raises(TypeError):
        AuditRecord.objects.filter(pk=chain[0].pk).bulk_update(chain, ["action"])
    with pytest.raises(TypeError):
        AuditRecord.objects.bulk_create([AuditRecord(seq=999, prev_hash="0", hash="1")])
    assert verify_chain() is None


def test_saving_or_deleting_an_existing_record_is_refused(chain):
    record = AuditRecord.objects.get(pk=chain[0].pk)
    record.action = "congvu.org.unit.forged"
    with pytest.raises(TypeError):
        record.save()
    with pytest.raises(TypeError):
        record.delete()
    assert AuditRecord.objects.get(pk=record.pk).action == chain[0].action


def test_records_link_to_one_another(chain):
    for before, after in zip(chain, chain[1:], strict=False):
        assert after.seq == before.seq + 1
        assert after.prev_hash == before.hash
    assert chain[0].kind == RecordKind.ACTION
    assert chain[0].actor_label == "Trần Thị Văn Thư"
    assert chain[0].object_type == "org.unit"


@pytest.mark.django_db(transaction=True)
def test_log_action_outside_a_transaction_is_refused():
    unit = UnitFactory()
    with pytest.raises(RuntimeError, match="inside the transaction"):
        log_action(actor=None, action="congvu.org.unit.create", obj=unit)
    assert not AuditRecord.objects.exists()


class Boom(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_leaves_no_record():
    user, unit = UserFactory(), UnitFactory(name="Phòng Tư pháp")
    with transaction.atomic():
        log_action(actor=user, action="congvu.org.unit.create", obj=unit)

    with pytest.raises(Boom), transaction.atomic():
        unit.name = "Phòng Tư pháp (sửa)"
        unit.save()
        log_action(actor=user, action="congvu.org.unit.rename", obj=unit)
        raise Boom

    assert list(AuditRecord.objects.values_list("action", flat=True)) == ["congvu.org.unit.create"]
    assert ChainHead.objects.get(pk=1).seq == 1
    assert verify_chain() is None
    with transaction.atomic():
        again = log_action(actor=user, action="congvu.org.unit.rename", obj=unit)
    assert again.seq == 2
    assert verify_chain() is None


THREADS, PER_THREAD = 4, 10
ROOT = Path(__file__).resolve().parents[2]


def appends_in_threads() -> dict:
    # Each thread has its own database connection (Django's connections are
    # per thread) and appends in its own transactions; on PostgreSQL they
    # queue on the chain-head row lock.
    start = threading.Barrier(THREADS)
    errors = []

    def append(n: int) -> None:
        try:
            start.wait()
            for i in range(PER_THREAD):
                with transaction.atomic():
                    if n % 2:  # half the threads append two records at once
                        log_actions(
                            {"actor": None, "action": f"congvu.test.thread{n}.step{i}"},
                            {"actor": None, "action": f"congvu.test.thread{n}.step{i}.more"},
                        )
                    else:
                        log_action(actor=None, action=f"congvu.test.thread{n}.step{i}")
        except Exception as exc:  # reported by the test, in its own thread
            errors.append(repr(exc))
        finally:
            connection.close()

    workers = [threading.Thread(target=append, args=(n,)) for n in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return {
        "vendor": connection.vendor,
        "errors": errors,
        "seqs": list(AuditRecord.objects.order_by("seq").values_list("seq", flat=True)),
        "actions": AuditRecord.objects.values("action").distinct().count(),
        "problem": str(verify_chain() or ""),
        # The time is taken once the head is locked, so it grows with the chain.
        "times_in_order": _times_in_order(),
    }


def _times_in_order() -> bool:
    times = list(AuditRecord.objects.order_by("seq").values_list("created_at", flat=True))
    return times == sorted(times)


def appends_in_child_on_sqlite_file(tmp_path) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "congvu.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'congvu.sqlite3'}",
        "CONGVU_VAR_DIR": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.audit.concurrent_appends", str(THREADS), str(PER_THREAD)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_make_a_gap_free_chain(tmp_path):
    if connection.vendor == "sqlite":
        # The suite's in-memory SQLite is shared-cache: a second writer fails at
        # once ("database table is locked") rather than waiting. Embedded mode
        # runs on a SQLite file with IMMEDIATE transactions, so prove that
        # configuration, in a child process with a file database.
        result = appends_in_child_on_sqlite_file(tmp_path)
        assert result["vendor"] == "sqlite"
    else:
        result = appends_in_threads()
        assert result["vendor"] == "postgresql"
        assert result["times_in_order"]

    total = (THREADS + THREADS // 2) * PER_THREAD
    assert result["errors"] == []
    assert result["seqs"] == list(range(1, total + 1))
    assert result["actions"] == total
    assert result["problem"] == ""


def test_several_records_append_at_once_in_order(chain):
    user = UserFactory()
    head = ChainHead.objects.get(pk=1)
    with transaction.atomic():
        first, second = log_actions(
            {"actor": user, "action": "congvu.registry.number.issued", "after": {"number": 7}},
            {"actor": user, "action": "congvu.incoming.document.registered", "obj": chain[0]},
        )
    assert (first.seq, second.seq) == (head.seq + 1, head.seq + 2)
    assert (first.prev_hash, second.prev_hash) == (head.hash, first.hash)
    assert ChainHead.objects.get(pk=1).hash == second.hash
    stored = AuditRecord.objects.get(seq=second.seq)
    assert stored.actor_label == str(user) and stored.object_type == "audit.auditrecord"
    assert AuditRecord.objects.get(seq=first.seq).after == {"number": 7}
    assert verify_chain() is None


def test_appending_after_the_head_was_deleted_is_refused(chain):
    raw_sql("DELETE FROM audit_chainhead")
    with pytest.raises(RuntimeError, match="chain head is missing"), transaction.atomic():
        log_action(actor=None, action="congvu.test.after_tampering")
    assert not AuditRecord.objects.filter(action="congvu.test.after_tampering").exists()
    assert not ChainHead.objects.exists()
