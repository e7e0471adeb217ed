"""``{{ mapping|get_item:key }}`` for the statistics tables."""

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None
