"""External anchors: a signed head outside the database catches a chain rewritten from the start."""

import json
from io import StringIO

from django.core import checks
from django.core.management import call_command
from django.core.management.base import CommandError

import pytest

from congvu.audit import anchor as anchors
from congvu.audit.models import AuditRecord, ChainHead
from congvu.audit.selectors import walk_chain
from congvu.audit.services import HASHED_FIELDS, record_digest
from congvu.audit.tasks import anchor_chain_task

from .conftest import raw_sql

KEY = "an-anchor-key-of-more-than-thirty-two-characters"


@pytest.fixture(autouse=True)
def anchor_dir(settings, tmp_path):
    settings.CONGVU_AUDIT_ANCHOR_DIR = tmp_path / "anchors"
    settings.CONGVU_AUDIT_ANCHOR_KEY = KEY
    return settings.CONGVU_AUDIT_ANCHOR_DIR


def run(command, *args) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def failure(*args) -> str:
    with pytest.raises(CommandError) as exc:
        run("audit_verify", *args)
    return str(exc.value)


def lines(anchor_dir) -> list[dict]:
    text = (anchor_dir / "anchors.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def rewrite_from(record) -> None:
    """What a forger with database access does: edit ``record``, re-hash it and every later one,
    move the head. The chain alone holds again."""
    raw_sql(
        "UPDATE audit_auditrecord SET action = %s WHERE id = %s",
        ["congvu.org.unit.forged", record.pk],
    )
    prev = record.prev_hash
    for row in AuditRecord.objects.order_by("seq").filter(seq__gte=record.seq).values():
        row["prev_hash"] = prev
        prev = record_digest({k: row[k] for k in HASHED_FIELDS})
        raw_sql(
            "UPDATE audit_auditrecord SET prev_hash = %s, hash = %s WHERE id = %s",
            [row["prev_hash"], prev, row["id"]],
        )
    raw_sql("UPDATE audit_chainhead SET hash = %s WHERE id = 1", [prev])
    assert walk_chain().ok


def test_anchor_command_appends_a_signed_line_of_the_head(chain, anchor_dir):
    out = run("audit_anchor")
    head = ChainHead.objects.get(pk=1)
    assert f"#{head.seq}:{head.hash}" in out
    [line] = lines(anchor_dir)
    assert (line["seq"], line["hash"], line["record_id"]) == (head.seq, head.hash, chain[-1].pk)
    assert len(line["mac"]) == 64 and line["at"].endswith("Z")
    run("audit_anchor")
    second = lines(anchor_dir)[1]
    assert second["prev"] == line["mac"]  # lines are chained
    assert "2 mốc khớp" in run("audit_verify")


def test_periodic_job_writes_the_anchor(chain, anchor_dir, settings):
    call_command("run_periodic", only=["audit-anchor"], stdout=StringIO())
    assert lines(anchor_dir)[0]["seq"] == ChainHead.objects.get(pk=1).seq
    assert anchor_chain_task.apply().get()["ok"] is True
    assert len(lines(anchor_dir)) == 2
    assert "audit-anchor" in settings.CELERY_BEAT_SCHEDULE


def test_a_rewritten_chain_fails_verification_against_the_anchors(chain, anchor_dir):
    run("audit_anchor")
    rewrite_from(chain[1])
    message = failure()
    assert f"#{chain[-1].seq} (id {chain[-1].pk}" in message
    assert "mốc đã ghi lại bên ngoài" in message
    # Nor is the rewritten chain blessed by the next anchor.
    with pytest.raises(CommandError, match="mốc neo ngoài"):
        run("audit_anchor")
    assert len(lines(anchor_dir)) == 1


def test_a_forged_anchor_line_fails_its_hmac(chain, anchor_dir):
    run("audit_anchor")
    rewrite_from(chain[1])
    # The forger also rewrites the anchor to the new head, without the key.
    line = lines(anchor_dir)[0]
    line["hash"] = ChainHead.objects.get(pk=1).hash
    (anchor_dir / "anchors.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    message = failure()
    assert "dòng 1" in message and "HMAC" in message
    # Signed with another key: refused the same way.
    forged = anchors.Anchor(**{**line, "mac": ""})
    fields = {k: getattr(forged, k) for k in anchors._SIGNED}
    line["mac"] = anchors._mac(fields, b"not-the-anchor-key")
    (anchor_dir / "anchors.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    assert "HMAC" in failure()


def test_a_line_taken_out_of_the_middle_is_noticed(chain, anchor_dir):
    for _ in range(3):
        run("audit_anchor")
    path = anchor_dir / "anchors.jsonl"
    kept = path.read_text(encoding="utf-8").splitlines()
    path.write_text(kept[0] + "\n" + kept[2] + "\n", encoding="utf-8")
    assert "dòng 2" in failure()


def test_records_deleted_after_an_anchor_are_noticed(chain, anchor_dir):
    run("audit_anchor")
    last = chain[-1]
    raw_sql("DELETE FROM audit_auditrecord WHERE id = %s", [last.pk])
    raw_sql(
        "UPDATE audit_chainhead SET seq = %s, hash = %s WHERE id = 1",
        [
            chain[-2].seq,
            chain[-2].hash,
        ],
    )
    assert walk_chain().ok
    assert f"#{last.seq}" in failure()


def test_a_copy_of_the_file_can_be_checked_and_required(chain, anchor_dir, tmp_path):
    assert "Chưa có mốc neo ngoài" in run("audit_verify")
    with pytest.raises(CommandError, match="Không có mốc neo"):
        run("audit_verify", "--require-anchors")
    run("audit_anchor")
    copy = tmp_path / "offsite.jsonl"
    copy.write_bytes((anchor_dir / "anchors.jsonl").read_bytes())
    assert "1 mốc khớp" in run("audit_verify", "--anchors-file", str(copy))
    with pytest.raises(CommandError, match="Không có tệp"):
        run("audit_verify", "--anchors-file", str(tmp_path / "missing.jsonl"))


def test_empty_trail_writes_no_anchor(db, anchor_dir):
    assert "chưa có gì để neo" in run("audit_anchor")
    assert not (anchor_dir / "anchors.jsonl").exists() or not lines(anchor_dir)


def test_without_a_key_a_derived_one_is_used_with_a_warning(chain, anchor_dir, settings):
    settings.CONGVU_AUDIT_ANCHOR_KEY = ""
    err = StringIO()
    call_command("audit_anchor", stdout=StringIO(), stderr=err)
    assert "AUDIT_ANCHOR_KEY" in err.getvalue()
    assert anchors.anchor_key() != settings.SECRET_KEY.encode()
    assert "1 mốc khớp" in run("audit_verify")
    # Setting the real key later: lines signed with the derived one no longer verify.
    settings.CONGVU_AUDIT_ANCHOR_KEY = KEY
    assert "HMAC" in failure()


@pytest.mark.parametrize(
    ("key", "code"),
    [("", "congvu.audit.W001"), ("same", "congvu.audit.W002"), ("short", "congvu.audit.W003")],
)
def test_deploy_check_warns_about_the_anchor_key(settings, key, code):
    settings.CONGVU_AUDIT_ANCHOR_KEY = {"same": settings.SECRET_KEY, "short": "x" * 20}.get(
        key, key
    )
    found = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
    assert code in {m.id for m in found}
    settings.CONGVU_AUDIT_ANCHOR_KEY = KEY
    found = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
    assert not {m.id for m in found} & {
        "congvu.audit.W001",
        "congvu.audit.W002",
        "congvu.audit.W003",
    }
