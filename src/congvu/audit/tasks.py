"""Background jobs of the audit trail."""

from celery import shared_task

from .anchor import AnchorFileError, AnchorRefused, write_anchor
from .selectors import walk_chain


@shared_task(name="congvu.audit.tasks.verify_chain_task")
def verify_chain_task() -> dict:
    """Walk the chain (as `congvu audit_verify` does) and report the result as JSON."""
    result = walk_chain()
    problem = result.problem
    return {
        "ok": problem is None,
        "count": result.count,
        "head_seq": result.head_seq,
        "problem": None
        if problem is None
        else {"seq": problem.seq, "id": problem.record_id, "action": problem.action},
    }


@shared_task(name="congvu.audit.tasks.anchor_chain_task")
def anchor_chain_task() -> dict:
    """Write an external anchor of the head (as `congvu audit_anchor` does).

    A broken chain or anchors file fails the task (logged by anchor.py and by
    Celery / `run_periodic`), so monitoring sees it; nothing is anchored then.
    """
    try:
        anchor = write_anchor()
    except (AnchorFileError, AnchorRefused) as exc:
        raise RuntimeError(f"audit anchor refused: {exc}") from exc
    if anchor is None:
        return {"ok": True, "seq": 0}
    return {"ok": True, "seq": anchor.seq, "hash": anchor.hash, "at": anchor.at}
