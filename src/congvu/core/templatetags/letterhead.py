"""Filters of the Appendix I letterhead (``congvu/print/_header.html``)."""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone

from congvu.core import letterhead

register = template.Library()


def _as_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        return value
    return None


@register.filter
def date_words(value) -> str:
    """``{{ date|date_words }}`` → ``ngày 05 tháng 3 năm 2026`` (Decree 30 zero-padding)."""
    return letterhead.date_words(_as_date(value))


@register.filter
def agency_lines(name) -> list[str]:
    return letterhead.agency_lines(str(name or ""))


@register.filter
def parent_lines(name) -> list[str]:
    return letterhead.parent_lines(str(name or ""))
