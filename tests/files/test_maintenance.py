import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

import pytest

from congvu.files.maintenance import orphan_blobs_sweep
from tests.factories import UnitFactory

from . import builders as b
from .factories import StoredFileFactory

pytestmark = pytest.mark.django_db


def test_sweep_deletes_old_orphans_only():
    kept = StoredFileFactory(owner=UnitFactory())
    orphan = default_storage.save("files/2026/11/orphan.pdf", ContentFile(b.pdf_bytes()))

    # Too recent: a transaction may still be about to commit it.
    assert orphan_blobs_sweep() == 0
    assert default_storage.exists(orphan)

    later = timezone.now() + datetime.timedelta(hours=7)
    assert orphan_blobs_sweep(now=later) == 1
    assert not default_storage.exists(orphan)
    assert default_storage.exists(kept.storage_name)


def test_sweep_runs_as_a_periodic_job(capsys):
    call_command("run_periodic", only=["sweep-orphan-files"])
    assert "sweep-orphan-files" in capsys.readouterr().out
