"""A search row is visible exactly when its document is.

The rule is the documents' own (``congvu.incoming.policies.document_rule`` and
``congvu.outgoing.policies.document_rule``), restated over the columns the index
row copies from its document (``unit_id``, ``secrecy``, ``status``) plus small,
indexed look-ups of the people named on it (assignments, review steps,
recipients). It never asks "is this row's document in the set of documents the
actor may see", which on PostgreSQL meant hashing every visible document
(hundreds of thousands) for each query. Each arm is one AND of indexable
conditions, so PostgreSQL can answer the OR as a BitmapOr of index scans and
AND it with the full-text index. ``tests/search/test_scope.py`` checks that the
rule gives the same documents as ``restrict()`` of the documents for every role.
"""

from django.db.models import Q

from congvu.core.authz import NONE, Actor, policy

from .lookups import InSubquery
from .models import Kind, SearchDocument

#: Incoming documents above this level are visible to nobody (see incoming.policies).
_INCOMING_MAX_SECRECY = 1


def _in(ids) -> Q:
    return Q(InSubquery("object_id", ids))


def _incoming(actor: Actor) -> Q:
    from congvu.incoming.models import Assignment
    from congvu.incoming.policies import desk_unit_ids

    incoming = Q(kind=Kind.INCOMING)
    max_secrecy = min(actor.clearance, _INCOMING_MAX_SECRECY)
    if actor.is_system_admin:
        return incoming & Q(secrecy__lte=max_secrecy)
    desk = desk_unit_ids(actor)
    assigned = Assignment.objects.filter(
        Q(user_id=actor.user_id) | Q(unit_id__in=actor.unit_ids, user__isnull=True)
    ).values("document_id")
    rule = incoming & Q(secrecy=0, unit_id__in=desk | set(actor.admin_unit_ids)) | incoming & Q(
        secrecy__lte=max_secrecy
    ) & _in(assigned)
    if max_secrecy >= 1:
        rule |= incoming & Q(secrecy=1, unit_id__in=desk)
    return rule


def _outgoing(actor: Actor) -> Q:
    from congvu.outgoing.constants import ISSUED_STATES
    from congvu.outgoing.models import OutgoingDocument, Recipient, ReviewStep
    from congvu.outgoing.policies import UNIT_WIDE_ROLES, units_with

    outgoing = Q(kind=Kind.OUTGOING)
    if actor.is_system_admin:
        return outgoing
    uid = actor.user_id
    drafted_or_signed = OutgoingDocument.objects.filter(
        Q(drafted_by_id=uid) | Q(signer_id=uid)
    ).values("pk")
    reviewing = ReviewStep.objects.filter(reviewer_id=uid).values("document_id")
    unit_wide = units_with(actor, UNIT_WIDE_ROLES)
    cleared = outgoing & Q(secrecy__lte=actor.clearance)
    received = Recipient.objects.filter(unit_id__in=unit_wide).values("document_id")
    return (
        outgoing & _in(drafted_or_signed)
        | outgoing & _in(reviewing)
        | cleared & Q(unit_id__in=unit_wide | set(actor.admin_unit_ids))
        | cleared & Q(status__in=ISSUED_STATES) & _in(received)
    )


@policy(SearchDocument)
def search_document_policy(actor: Actor, action: str):
    if not actor.is_official or action != "view":
        return NONE
    return _incoming(actor) | _outgoing(actor)
