"""The benchmark data generator (``make bench-data``) on a tiny size: consistent and seeded."""

from __future__ import annotations

import datetime
import re

from django.db import connection
from django.db.models import F

import pytest
from bench.generate import APPROVED_PER_UNIT, Generator, check_numbering

from congvu.incoming.constants import Status as InStatus
from congvu.incoming.models import Assignment, IncomingDocument
from congvu.onestop.models import Dossier
from congvu.outgoing.constants import Status as OutStatus
from congvu.outgoing.models import OutgoingDocument, ReviewStep
from congvu.search.models import SearchDocument

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 28)
VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]")


def _generator() -> Generator:
    return Generator(
        documents=2000, seed=7, units=6, officials=60, today=TODAY, demo=True, out=lambda m: None
    )


def _fingerprint() -> list[tuple]:
    incoming = IncomingDocument.objects.order_by("arrival_date", "pk").values_list(
        "unit_id", "arrival_date", "arrival_number", "number_notation", "subject", "status"
    )
    outgoing = OutgoingDocument.objects.order_by("created_at", "pk").values_list(
        "unit_id", "number", "number_notation", "subject", "status"
    )
    return list(incoming) + list(outgoing)


def test_generator_builds_a_consistent_reproducible_organisation():
    gen = _generator()
    if connection.vendor != "postgresql":
        with pytest.raises(RuntimeError, match="needs PostgreSQL"):
            gen.run()
        return

    gen.run()

    assert IncomingDocument.objects.count() == 1400
    # 600 generated, plus the approved drafts of today that bench.run issues.
    assert OutgoingDocument.objects.count() == 600 + 6 * APPROVED_PER_UNIT
    assert SearchDocument.objects.count() == 1400 + 600 + 6 * APPROVED_PER_UNIT
    # Dossiers (the demo gives the Thạnh Phú communes their mã định danh): every
    # national status, codes unique.
    assert Dossier.objects.count() == gen.n_dossiers > 0
    assert Dossier.objects.values("status").distinct().count() >= 8
    assert Dossier.objects.values("code").distinct().count() == gen.n_dossiers
    # As the services keep them: an open pause on its dossier's row, a due change at the
    # end of every closed pause, each moving the appointment later.
    from congvu.onestop.models import ClockPause, DueChange

    open_pauses = ClockPause.objects.filter(ended_at__isnull=True)
    assert open_pauses.exists()
    assert Dossier.objects.filter(paused_at__isnull=False).count() == open_pauses.count()
    ended = ClockPause.objects.filter(ended_at__isnull=False)
    assert (
        ended.exists()
        and not ended.exclude(ended_at__in=DueChange.objects.values("changed_at")).exists()
    )
    assert not DueChange.objects.filter(new_due__lte=F("previous_due")).exists()
    assert gen.rows_per_second > 0
    assert check_numbering() == dict.fromkeys(check_numbering(), 0)
    # Every status, and numbers only where the status implies one.
    assert set(IncomingDocument.objects.values_list("status", flat=True)) == set(InStatus.values)
    assert set(OutgoingDocument.objects.values_list("status", flat=True)) == set(OutStatus.values)
    assert not IncomingDocument.objects.filter(status=InStatus.PENDING, register__isnull=False)
    assert not OutgoingDocument.objects.filter(status=OutStatus.ISSUED, number__isnull=True)
    # Deadlines: some open documents are overdue, some not yet.
    open_docs = IncomingDocument.objects.filter(status__in=["directed", "in_progress"])
    assert open_docs.filter(deadline__lt=TODAY).exists()
    assert open_docs.filter(deadline__gte=TODAY).exists()
    assert Assignment.objects.filter(status="open").exists()
    assert ReviewStep.objects.filter(decision="pending").exists()
    # Vietnamese text, no placeholder.
    subjects = list(IncomingDocument.objects.values_list("subject", flat=True)[:200])
    assert all(VIETNAMESE.search(s.lower()) for s in subjects)
    assert not IncomingDocument.objects.filter(subject__icontains="lorem").exists()
    assert IncomingDocument.objects.filter(subject__startswith="V/v ").exists()
    # Search rows are searchable text of their documents.
    row = SearchDocument.objects.filter(kind="incoming").order_by("pk").first()
    doc = IncomingDocument.objects.get(pk=row.object_id)
    assert row.subject == doc.subject and row.body == row.body.lower()

    first = _fingerprint()
    _generator().run()
    assert _fingerprint() == first
