"""``{{ amount|vnd }}``: đồng with dots between thousands (50.000 đồng), whatever the locale."""

from django import template

register = template.Library()


@register.filter
def vnd(value) -> str:
    try:
        amount = int(value)
    except (TypeError, ValueError):
        return ""
    return f"{amount:,}".replace(",", ".") + " đồng"
