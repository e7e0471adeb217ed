"""No blob without a row: a rolled-back transaction removes what it stored."""

import gc

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

import pytest

from congvu.files.models import StoredFile
from congvu.files.services import file_store
from tests.factories import PositionFactory, UnitFactory
from tests.registry.factories import RegisterFactory

from . import builders as b


def blobs(root):
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def actor():
    return PositionFactory(role="system_admin").user


@pytest.mark.django_db(transaction=True)
def test_committed_file_keeps_its_blob(actor, _tmp_storage):
    owner = UnitFactory()
    stored = file_store(actor=actor, upload=b.upload("a.pdf", b.pdf_bytes()), owner=owner)
    gc.collect()
    assert default_storage.exists(stored.storage_name)
    assert len(blobs(_tmp_storage)) == 1


@pytest.mark.django_db(transaction=True)
def test_caller_rollback_deletes_the_blob(actor, _tmp_storage):
    owner = UnitFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        file_store(actor=actor, upload=b.upload("a.pdf", b.pdf_bytes()), owner=owner)
        assert len(blobs(_tmp_storage)) == 1
        raise RuntimeError("the document could not be registered")
    gc.collect()
    assert blobs(_tmp_storage) == []
    assert not StoredFile.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_failed_database_write_in_the_same_transaction_deletes_the_blob(actor, _tmp_storage):
    register = RegisterFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        file_store(actor=actor, upload=b.upload("a.docx", b.docx_bytes("x")), owner=register)
        # The same register again violates its unique constraint.
        RegisterFactory(
            unit=register.unit,
            direction=register.direction,
            year=register.year,
            secrecy=register.secrecy,
            sequence_key=register.sequence_key,
        )
    gc.collect()
    assert blobs(_tmp_storage) == []
    assert not StoredFile.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_rolled_back_savepoint_deletes_only_its_blob(actor, _tmp_storage):
    owner = UnitFactory()
    with transaction.atomic():
        kept = file_store(actor=actor, upload=b.upload("kept.pdf", b.pdf_bytes()), owner=owner)
        try:
            with transaction.atomic():
                file_store(actor=actor, upload=b.upload("gone.png", b.image_bytes()), owner=owner)
                raise RuntimeError
        except RuntimeError:
            pass
    gc.collect()
    assert [p.name for p in blobs(_tmp_storage)] == [kept.storage_name.rsplit("/", 1)[-1]]
    assert list(StoredFile.objects.values_list("pk", flat=True)) == [kept.pk]


@pytest.mark.django_db(transaction=True)
def test_on_rollback_runs_only_for_rolled_back_blocks():
    from congvu.core.transactions import on_rollback

    calls = []
    on_rollback(lambda: calls.append("outside"))  # no transaction: never called
    with transaction.atomic():
        on_rollback(lambda: calls.append("committed"))
    with pytest.raises(RuntimeError), transaction.atomic():
        on_rollback(lambda: calls.append("rolled back"))
        raise RuntimeError
    gc.collect()
    assert calls == ["rolled back"]
