"""Access tokens of a search row: who may be concerned by the document.

A token names a person or a unit in one relation to the document:

- ``~d<unit>``: the document's own unit (its desk, its administrators);
- ``~u<user>``: a person named on it (assignee; drafter, signer, reviewer);
- ``~m<unit>``: an incoming assignment to a whole unit (its members);
- ``~r<unit>``: a recipient unit of an outgoing document.

The row's tokens (:func:`row_tokens`) are a superset of who sees the document,
and the actor's (:func:`actor_tokens`) of the relations that can make a document
visible to them, so "a token in common" never hides a visible document. It may
let through a document the actor does not see (secrecy, status): the exact rule
(``policies.py``) is always checked as well. Characters outside ``[0-9a-z]``
keep tokens apart from the folded words of ``body`` and of any query.

PostgreSQL indexes the tokens with the text (``body_tsv``, migration 0004), so
one GIN scan finds the actor's matching documents; ``BACKFILL_SQL`` computes the
same tokens in SQL for existing rows (the migration, the benchmark generator).
"""

from __future__ import annotations

from congvu.core.authz import Actor


def new_row_tokens(kind: str, doc) -> set[str]:
    """The tokens that ``doc``'s own columns give (all of them while it has no related rows)."""
    tokens = {f"~d{doc.unit_id}"} if doc.unit_id else set()
    if kind != "incoming":
        tokens.update(f"~u{u}" for u in (doc.drafted_by_id, doc.signer_id) if u is not None)
    return tokens


def row_tokens(kind: str, doc) -> str:
    """The access tokens of ``doc`` (an IncomingDocument or OutgoingDocument), as stored."""
    return rows_tokens(kind, [doc])[doc.pk]


def rows_tokens(kind: str, docs) -> dict:
    """:func:`row_tokens` of several documents of one kind, in one query per relation."""
    tokens = {doc.pk: new_row_tokens(kind, doc) for doc in docs}
    if not tokens:
        return {}
    if kind == "incoming":
        from congvu.incoming.models import Assignment

        rows = Assignment.objects.filter(document_id__in=list(tokens)).values_list(
            "document_id", "user_id", "unit_id"
        )
        for doc_id, user_id, unit_id in rows:
            if user_id is not None:
                tokens[doc_id].add(f"~u{user_id}")
            elif unit_id is not None:
                tokens[doc_id].add(f"~m{unit_id}")
    else:
        from congvu.outgoing.models import Recipient, ReviewStep

        steps = ReviewStep.objects.filter(document_id__in=list(tokens))
        for doc_id, reviewer_id in steps.values_list("document_id", "reviewer_id"):
            tokens[doc_id].add(f"~u{reviewer_id}")
        recipients = Recipient.objects.filter(document_id__in=list(tokens), unit__isnull=False)
        for doc_id, unit_id in recipients.values_list("document_id", "unit_id"):
            tokens[doc_id].add(f"~r{unit_id}")
    return {pk: " ".join(sorted(t)) for pk, t in tokens.items()}


def actor_tokens(actor: Actor) -> list[str]:
    """Every token that can make a document visible to ``actor`` (see the module doc)."""
    from congvu.incoming.policies import desk_unit_ids
    from congvu.outgoing.policies import UNIT_WIDE_ROLES, units_with

    desk = desk_unit_ids(actor) | units_with(actor, UNIT_WIDE_ROLES)
    tokens = {f"~u{actor.user_id}"}
    tokens.update(f"~d{u}" for u in desk | set(actor.admin_unit_ids))
    tokens.update(f"~m{u}" for u in actor.unit_ids)
    tokens.update(f"~r{u}" for u in units_with(actor, UNIT_WIDE_ROLES))
    return sorted(tokens)


def actor_tsquery(actor: Actor) -> str:
    """``actor_tokens`` as tsquery text ``'~u1' | '~d2' | …`` (tokens hold no quotes)."""
    return " | ".join(f"'{t}'" for t in actor_tokens(actor))


#: The tokens of every existing row, in SQL (the same as :func:`row_tokens`).
BACKFILL_SQL = """
UPDATE search_searchdocument s SET access = t.access
FROM (
    SELECT d.id, concat_ws(' ', '~d' || d.unit_id, (
        SELECT string_agg(DISTINCT CASE WHEN a.user_id IS NOT NULL THEN '~u' || a.user_id
                                        ELSE '~m' || a.unit_id END, ' ')
        FROM incoming_assignment a
        WHERE a.document_id = d.id AND (a.user_id IS NOT NULL OR a.unit_id IS NOT NULL)
    )) AS access
    FROM incoming_incomingdocument d
) t
WHERE s.kind = 'incoming' AND s.object_id = t.id AND s.access IS DISTINCT FROM t.access;
UPDATE search_searchdocument s SET access = t.access
FROM (
    SELECT d.id, concat_ws(' ', '~d' || d.unit_id, '~u' || d.drafted_by_id, '~u' || d.signer_id, (
        SELECT string_agg(DISTINCT '~u' || r.reviewer_id, ' ')
        FROM outgoing_reviewstep r WHERE r.document_id = d.id
    ), (
        SELECT string_agg(DISTINCT '~r' || p.unit_id, ' ')
        FROM outgoing_recipient p WHERE p.document_id = d.id AND p.unit_id IS NOT NULL
    )) AS access
    FROM outgoing_outgoingdocument d
) t
WHERE s.kind = 'outgoing' AND s.object_id = t.id AND s.access IS DISTINCT FROM t.access;
"""
