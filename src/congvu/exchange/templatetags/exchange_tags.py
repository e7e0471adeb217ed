"""``{% delivery_statuses document %}``: what the recipients reported back, on a văn bản đi page."""

from django import template

from congvu.core.authz import as_actor

from ..selectors import delivery_statuses as select_statuses

register = template.Library()


@register.inclusion_tag("exchange/_delivery_statuses.html", takes_context=True)
def delivery_statuses(context, document):
    request = context.get("request")
    if request is None or document is None or not getattr(document, "issued_at", None):
        return {"show": False}
    return {"show": True, "recipients": select_statuses(as_actor(request.user), document)}
