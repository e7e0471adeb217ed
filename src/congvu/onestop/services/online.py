"""Online submission to a commune: the citizen names the xã/phường/đặc khu, the desk receives it."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from congvu.core.errors import ServiceError

from .. import routing
from ..constants import ResultDelivery
from .pending import pending_uploads_kept
from .reception import dossier_submit_online


@transaction.atomic
def dossier_submit_to_commune(
    *,
    actor,
    procedure,
    commune,
    applicant: dict,
    papers: list,
    kept_tokens=(),
    holder: str = "",
    result_delivery=ResultDelivery.OFFICE,
    subject="",
    when=None,
):
    """Nộp hồ sơ trực tuyến to ``commune`` (a Unit or its pk): received by its reception desk.

    ``papers`` are (RequiredPaper, upload) pairs of the files sent now;
    ``kept_tokens`` name files kept from an earlier attempt of the same form by
    ``holder`` (see ``services.pending``). Raises ``ServiceError`` (field
    ``commune``) when the commune does not take the procedure online.
    """
    commune_id = getattr(commune, "pk", commune)
    choice = routing.commune_choice(procedure, commune_id, at=when)
    if choice is None:
        raise ServiceError(
            _("Xã, phường, đặc khu này không tiếp nhận thủ tục này trực tuyến."),
            code="commune_not_offering",
            field="commune",
        )
    kept = pending_uploads_kept(holder=holder, procedure=procedure, tokens=kept_tokens, lock=True)
    return dossier_submit_online(
        actor=actor,
        procedure=procedure,
        receiving_unit=choice.desk,
        applicant=applicant,
        papers=[*papers, *((p.required_paper, p) for p in kept)],
        subject=subject,
        result_delivery=result_delivery,
        when=when,
    )
