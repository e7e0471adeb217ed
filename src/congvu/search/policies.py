"""A search row is visible exactly when its document is.

The rule is the documents' own (``congvu.incoming.policies.document_rule`` and
``congvu.outgoing.policies.document_rule``), restated over the columns the index
row copies from its document (``unit_id``, ``secrecy``, ``status``) plus
``EXISTS`` look-ups, by document, of the people named on it (assignments, review
steps, drafter, signer). It never asks "is this row's document in the
set of documents the actor may see", which on PostgreSQL meant hashing every
visible document (hundreds of thousands) for each query.

On PostgreSQL the rule is ANDed with the access-token match (``access.py``): a
superset of the rule that the GIN index of ``head_tsv`` (migration 0008: the ranked
fields and the tokens, a few hundred bytes kept in the row) answers together with the
candidate tiers, so only the actor's documents are read and the exact rule runs on
those. (``body_tsv`` holds the tokens too, from migration 0004; testing them there
read the whole text vector of every row checked.) ``tests/search/test_scope.py`` checks that the rule gives the same
documents as ``restrict()`` of the documents for every role.
"""

from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Q
from django.db.models.expressions import RawSQL

from congvu.core.authz import NONE, Actor, policy

from .access import actor_tsquery
from .models import Kind, SearchDocument

#: Incoming documents above this level are visible to nobody (see incoming.policies).
_INCOMING_MAX_SECRECY = 1


def _incoming(actor: Actor) -> Q:
    from congvu.incoming.models import Assignment
    from congvu.incoming.policies import desk_unit_ids

    incoming = Q(kind=Kind.INCOMING)
    max_secrecy = min(actor.clearance, _INCOMING_MAX_SECRECY)
    if actor.is_system_admin:
        return incoming & Q(secrecy__lte=max_secrecy)
    desk = desk_unit_ids(actor)
    assigned = Exists(
        Assignment.objects.filter(document_id=OuterRef("object_id")).filter(
            Q(user_id=actor.user_id) | Q(unit_id__in=actor.unit_ids, user__isnull=True)
        )
    )
    rule = incoming & Q(secrecy=0, unit_id__in=desk | set(actor.admin_unit_ids))
    if max_secrecy >= 1:
        rule |= incoming & Q(secrecy=1, unit_id__in=desk)
    return rule | incoming & Q(secrecy__lte=max_secrecy) & assigned


def _outgoing(actor: Actor) -> Q:
    from congvu.outgoing.models import OutgoingDocument, ReviewStep
    from congvu.outgoing.policies import UNIT_WIDE_ROLES, units_with

    outgoing = Q(kind=Kind.OUTGOING)
    if actor.is_system_admin:
        return outgoing
    uid = actor.user_id
    of_row = OuterRef("object_id")
    drafted_or_signed = Exists(
        OutgoingDocument.objects.filter(pk=of_row).filter(Q(drafted_by_id=uid) | Q(signer_id=uid))
    )
    reviewing = Exists(ReviewStep.objects.filter(document_id=of_row, reviewer_id=uid))
    unit_wide = units_with(actor, UNIT_WIDE_ROLES)
    cleared = outgoing & Q(secrecy__lte=actor.clearance)
    return cleared & Q(unit_id__in=unit_wide | set(actor.admin_unit_ids)) | outgoing & (
        drafted_or_signed | reviewing
    )


def _candidates(actor: Actor) -> Q:
    """PostgreSQL: rows sharing an access token with the actor (GIN-indexed superset)."""
    if connection.vendor != "postgresql" or actor.is_system_admin:
        return Q()
    match = RawSQL(
        '"search_searchdocument"."head_tsv" @@ %s::tsquery',
        [actor_tsquery(actor)],
        output_field=BooleanField(),
    )
    return Q(match)


@policy(SearchDocument)
def search_document_policy(actor: Actor, action: str):
    if not actor.is_official or action != "view":
        return NONE
    return _candidates(actor) & (_incoming(actor) | _outgoing(actor))
