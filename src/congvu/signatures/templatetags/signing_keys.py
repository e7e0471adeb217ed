"""``{% signing_key_expiry_banner %}``: keys of the viewer (held or administered) about to expire.

``|readable_name``, ``|common_name``: a certificate's subject or issuer as people read it.
"""

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


#: The order a person reads a certificate's name in: who, then which organisation, then where.
_NAME_ORDER = ("CN", "OU", "O", "L", "ST", "C")


def _attributes(rfc4514: str) -> list[tuple[str, str]] | None:
    from cryptography import x509

    try:
        name = x509.Name.from_rfc4514_string(rfc4514 or "")
    except ValueError:
        return None
    pairs = []
    for attribute in name:
        short = attribute.rfc4514_string().split("=", 1)[0]
        pairs.append((short, str(attribute.value)))
    return pairs


@register.filter
def readable_name(rfc4514: str) -> str:
    """A certificate's subject or issuer as "CN=…, O=…, C=…" whatever order the file had.

    Certificates list their attributes in any order (rfc4514 strings even reverse
    it): one key read "C=VN,O=…,CN=…", the next "CN=…"; the key pages show them alike.
    """
    pairs = _attributes(rfc4514)
    if pairs is None:
        return rfc4514
    rank = {short: index for index, short in enumerate(_NAME_ORDER)}
    pairs.sort(key=lambda pair: rank.get(pair[0], len(_NAME_ORDER)))
    return ", ".join(f"{short}={value}" for short, value in pairs)


@register.filter
def common_name(rfc4514: str) -> str:
    """The CN of a certificate's subject (the holder's name); the whole name without one."""
    pairs = _attributes(rfc4514) or []
    return next((value for short, value in pairs if short == "CN"), None) or readable_name(rfc4514)
