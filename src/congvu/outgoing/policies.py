"""Who may see an outgoing document (văn bản đi).

- The drafter, reviewers on the chain, the signer, the clerks (văn thư) and
  leaders of the issuing unit, administrators of its subtree. Drafts and issued
  documents alike.
- Not the recipients: a recipient unit sees what it was sent as its own văn bản
  đến (``incoming``), with its own copies of the issued files. The outgoing
  record is the issuing unit's: review history, drafts and delivery tracking
  of other recipients stay inside it (404 elsewhere).
- "Mật": people named on the document (drafter, reviewer, signer) see it;
  everyone else also needs the clearance.
"""

from django.db.models import Exists, OuterRef, Q

from congvu.accounts.constants import LEADER_ROLES, Role
from congvu.core.authz import ALL, NONE, Actor, policy

from .models import OutgoingDocument, Recipient, ReviewStep

#: Roles that see every outgoing document of their unit.
UNIT_WIDE_ROLES = {Role.CLERK, *LEADER_ROLES}


def units_with(actor: Actor, roles) -> set[int]:
    return {unit for unit, held in actor.roles.items() if held & set(roles)}


def document_rule(actor: Actor, action: str):
    if not actor.is_official:
        return NONE
    if actor.is_system_admin:
        return ALL
    if action not in ("view", "change"):
        return NONE
    uid = actor.user_id
    named = (
        Q(drafted_by_id=uid)
        | Q(signer_id=uid)
        # EXISTS by document (see incoming.policies): a probe per candidate row, or a hash
        # when the query is wide, at the planner's choice; same rows.
        | Q(Exists(ReviewStep.objects.filter(document_id=OuterRef("pk"), reviewer_id=uid)))
    )
    by_unit = Q(unit_id__in=units_with(actor, UNIT_WIDE_ROLES) | set(actor.admin_unit_ids))
    return named | (by_unit & Q(secrecy__lte=actor.clearance))


@policy(OutgoingDocument)
def outgoing_policy(actor: Actor, action: str):
    return document_rule(actor, action)


def _through_document(actor: Actor, action: str):
    rule = document_rule(actor, "view" if action == "view" else "change")
    if rule is ALL or rule is NONE:
        return rule
    return Q(document__in=OutgoingDocument.objects.filter(rule).values("pk"))


@policy(Recipient)
def recipient_policy(actor: Actor, action: str):
    return _through_document(actor, action)


@policy(ReviewStep)
def review_step_policy(actor: Actor, action: str):
    return _through_document(actor, action)
