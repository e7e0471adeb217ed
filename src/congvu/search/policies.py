"""A search row is visible exactly when its document is: the kind's own ``restrict()``."""

from django.db.models import Q

from congvu.core.authz import NONE, Actor, policy

from .models import Kind, SearchDocument


def _visible_ids(model, actor: Actor):
    return model.objects.restrict(actor, "view").order_by().values("pk")


@policy(SearchDocument)
def search_document_policy(actor: Actor, action: str):
    if not actor.is_official or action != "view":
        return NONE
    from congvu.incoming.models import IncomingDocument
    from congvu.outgoing.models import OutgoingDocument

    return Q(kind=Kind.INCOMING, object_id__in=_visible_ids(IncomingDocument, actor)) | Q(
        kind=Kind.OUTGOING, object_id__in=_visible_ids(OutgoingDocument, actor)
    )
