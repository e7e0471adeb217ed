"""Drop the cached calendar whenever an override row changes (admin, services, shell)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from congvu.core.transactions import on_rollback

from .calendar import invalidate
from .models import CalendarOverride


@receiver(post_save, sender=CalendarOverride)
@receiver(post_delete, sender=CalendarOverride)
def _override_changed(sender, **kwargs):
    invalidate()
    # Also after commit (another request may have filled the cache from the
    # database between the save and the commit) and after a rollback (this
    # transaction may have cached rows that never committed).
    transaction.on_commit(invalidate)
    on_rollback(invalidate)
