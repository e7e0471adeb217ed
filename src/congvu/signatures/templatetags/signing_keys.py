"""``{% signing_key_expiry_banner %}``: keys of the viewer (held or administered) about to expire."""

from django import template

from congvu.signatures.admin_selectors import banner_keys

register = template.Library()


@register.inclusion_tag("signatures/_expiry_banner.html", takes_context=True)
def signing_key_expiry_banner(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"banner_keys": []}
    return {"banner_keys": banner_keys(user)}
