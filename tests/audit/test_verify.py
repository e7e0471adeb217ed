"""`congvu audit_verify` detects records edited or deleted behind the ORM's back."""

from io import StringIO

from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

import pytest

from congvu.audit.models import AuditRecord, ChainHead
from congvu.audit.selectors import verify_chain, walk_chain
from congvu.audit.services import HASHED_FIELDS, record_digest

from .conftest import raw_sql


def run_verify(*args) -> str:
    out = StringIO()
    call_command("audit_verify", *args, stdout=out)
    return out.getvalue()


def failure(*args) -> str:
    with pytest.raises(CommandError) as exc:
        run_verify(*args)
    return str(exc.value)


def test_intact_chain_passes_and_prints_the_head(chain):
    total = AuditRecord.objects.count()
    head = ChainHead.objects.get(pk=1)

    out = run_verify()

    assert f"Nhật ký toàn vẹn: {total} bản ghi" in out
    assert f"Đầu chuỗi: {head.seq}:{head.hash}" in out
    assert head.hash == chain[-1].hash
    assert verify_chain() is None


def test_empty_trail_is_intact(db):
    assert "Nhật ký toàn vẹn: 0 bản ghi" in run_verify()


def test_editing_one_row_in_the_database_names_it(chain):
    target = chain[2]
    raw_sql(
        "UPDATE audit_auditrecord SET action = %s WHERE id = %s",
        ["congvu.org.unit.forged", target.pk],
    )

    message = failure()

    assert f"#{target.seq}" in message
    assert f"id {target.pk}" in message
    assert "congvu.org.unit.forged" in message
    assert "nội dung không khớp với mã băm" in message
    problem = verify_chain()
    assert (problem.seq, problem.record_id) == (target.seq, target.pk)


def test_real_command_exits_non_zero_and_names_the_record(chain, capsys):
    target = chain[1]
    raw_sql(
        "UPDATE audit_auditrecord SET actor_label = %s WHERE id = %s",
        ["Người khác", target.pk],
    )

    with pytest.raises(SystemExit) as exc:
        execute_from_command_line(["congvu", "audit_verify"])

    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert f"bản ghi #{target.seq} (id {target.pk}, {target.action})" in err


def test_deleting_a_middle_row_names_the_gap(chain):
    gone, after = chain[2], chain[3]
    raw_sql("DELETE FROM audit_auditrecord WHERE id = %s", [gone.pk])

    message = failure()

    assert f"thiếu bản ghi #{gone.seq}" in message
    assert f"#{after.seq} (id {after.pk}, {after.action})" in message


def test_deleting_the_last_row_breaks_the_head(chain):
    last, before_last = chain[-1], chain[-2]
    raw_sql("DELETE FROM audit_auditrecord WHERE id = %s", [last.pk])

    message = failure()

    assert f"đầu chuỗi ghi #{last.seq}" in message
    assert f"bản ghi cuối cùng là #{before_last.seq}" in message


def test_changing_prev_hash_is_detected(chain):
    target = chain[3]
    raw_sql("UPDATE audit_auditrecord SET prev_hash = %s WHERE id = %s", ["f" * 64, target.pk])

    message = failure()

    assert f"#{target.seq} (id {target.pk}" in message
    assert "prev_hash không khớp" in message


def test_deleting_the_chain_head_is_detected(chain):
    raw_sql("DELETE FROM audit_chainhead")

    assert "thiếu đầu chuỗi" in failure()


def test_an_anchor_catches_a_chain_rewritten_from_the_start(chain):
    anchor = f"{chain[-1].seq}:{chain[-1].hash}"
    assert "toàn vẹn" in run_verify("--anchor", anchor)
    # A forger with database access edits a record and re-hashes it and every
    # record after it, then moves the head: the chain alone still holds.
    raw_sql(
        "UPDATE audit_auditrecord SET action = %s WHERE id = %s",
        ["congvu.org.unit.forged", chain[1].pk],
    )
    prev = chain[0].hash
    for row in AuditRecord.objects.order_by("seq").filter(seq__gt=chain[0].seq).values():
        row["prev_hash"] = prev
        prev = record_digest({k: row[k] for k in HASHED_FIELDS})
        raw_sql(
            "UPDATE audit_auditrecord SET prev_hash = %s, hash = %s WHERE id = %s",
            [row["prev_hash"], prev, row["id"]],
        )
    raw_sql("UPDATE audit_chainhead SET hash = %s WHERE id = 1", [prev])

    assert walk_chain().ok
    message = failure("--anchor", anchor)
    assert f"#{chain[-1].seq} (id {chain[-1].pk}" in message
    assert "mốc đã ghi lại bên ngoài" in message


def test_a_malformed_anchor_is_refused(chain):
    assert "SEQ:SHA256HEX" in failure("--anchor", "12-abc")


def test_verification_pages_through_long_chains(chain):
    raw_sql("UPDATE audit_auditrecord SET object_repr = %s WHERE id = %s", ["khác", chain[4].pk])

    problem = walk_chain(batch_size=2).problem

    assert (problem.seq, problem.record_id) == (chain[4].seq, chain[4].pk)
