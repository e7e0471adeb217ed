"""Copy each existing rating and open pause onto its dossier, as the services now do.

Pauses that ended before this migration keep ``due_at_start`` empty and no
``DueChange`` exists for past changes: the statistics then judge them as before
(against the current due moment).
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce


def backfill(apps, schema_editor):
    Dossier = apps.get_model("onestop", "Dossier")
    Rating = apps.get_model("onestop", "Rating")
    ClockPause = apps.get_model("onestop", "ClockPause")
    rating = Rating.objects.filter(dossier_id=OuterRef("pk"))
    Dossier.objects.filter(rating__isnull=False).update(
        rating_score=Subquery(rating.values("score")[:1]),
        rated_at=Subquery(rating.values("rated_at")[:1]),
    )
    # At most one open pause per dossier (constraint onestop_one_open_pause).
    open_pause = ClockPause.objects.filter(dossier_id=OuterRef("pk"), ended_at__isnull=True)
    paused = ClockPause.objects.filter(ended_at__isnull=True).values("dossier_id")
    # The due moment at the pause's start was not kept before; the current one is what
    # the statistics used until now (a Mẫu 04 issued during the pause would move it).
    Dossier.objects.filter(pk__in=paused).update(
        paused_at=Subquery(open_pause.values("started_at")[:1]),
        paused_due=Coalesce("extended_due_at", "due_at"),
    )
    due = Dossier.objects.filter(pk=OuterRef("dossier_id")).annotate(
        due=Coalesce("extended_due_at", "due_at")
    )
    ClockPause.objects.filter(ended_at__isnull=True).update(
        due_at_start=Subquery(due.values("due")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [("onestop", "0006_dossier_stats_copies")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
