"""Background jobs of the audit trail."""

from celery import shared_task

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
