"""``{% signature_status stored_file %}``: the checked signatures of a PDF on a page."""

from django import template

from ..selectors import stored_file_signatures

register = template.Library()


@register.inclusion_tag("signatures/_status.html")
def signature_status(stored_file):
    return {"reports": stored_file_signatures(stored_file)}
