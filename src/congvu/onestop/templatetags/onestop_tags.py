"""Template helpers of the officials' one-stop pages."""

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def print_url(name: str, pk) -> str:
    """The printing page ``onestop_print:<name>`` for ``pk``, or "" while it does not exist."""
    try:
        return reverse(f"onestop_print:{name}", args=[pk])
    except NoReverseMatch:
        return ""
