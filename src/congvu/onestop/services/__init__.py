"""Writes of the one-stop shop: every change of a dossier is one named transition.

Each runs in one transaction, records the audit trail and the dossier's
history, and notifies after commit. Other apps call only these names.
"""

from .online import dossier_submit_to_commune
from .pending import pending_upload_store, pending_uploads_kept, pending_uploads_purge
from .processing import (
    dossier_delay_notice,
    dossier_finish,
    dossier_payment_settled,
    dossier_rate,
    dossier_request_payment,
    dossier_resume,
    dossier_return_result,
    dossier_step_assign,
    dossier_step_complete,
    dossier_stop,
)
from .reception import (
    dossier_accept,
    dossier_refuse,
    dossier_register_direct,
    dossier_request_supplement,
    dossier_submit_online,
    dossier_supplement_answer,
    dossier_withdraw,
)

__all__ = [
    "dossier_accept",
    "dossier_delay_notice",
    "dossier_finish",
    "dossier_payment_settled",
    "dossier_rate",
    "dossier_refuse",
    "dossier_register_direct",
    "dossier_request_payment",
    "dossier_request_supplement",
    "dossier_resume",
    "dossier_return_result",
    "dossier_step_assign",
    "dossier_step_complete",
    "dossier_stop",
    "dossier_submit_online",
    "dossier_submit_to_commune",
    "dossier_supplement_answer",
    "dossier_withdraw",
    "pending_upload_store",
    "pending_uploads_kept",
    "pending_uploads_purge",
]
