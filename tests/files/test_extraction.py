"""Text extraction runs after the upload commits, with a page limit and a time limit (issue 11).

An 8.6 KB PDF took 35 s of text extraction inside the upload's transaction and
held the SQLite write lock. The PDFs here are real: ``pdf_numbered_pages`` has
one marked line per page, ``pdf_slow_to_read`` one page whose text takes
minutes to read.
"""

import os
import threading

from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory

import pytest

from congvu.files import extract
from congvu.files.middleware import BackgroundJobsMiddleware
from congvu.files.models import StoredFile, TextStatus
from congvu.files.services import file_store, file_text_extract, file_validate
from congvu.files.tasks import background_idle, in_background
from tests.factories import UnitFactory

from . import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return UnitFactory(name="Ủy ban nhân dân xã Thạnh Phú")


@pytest.fixture
def admin_user(actor_factory):
    return actor_factory("system_admin")


def _path(tmp_path, data: bytes, name="file.pdf"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_the_upload_transaction_does_not_extract(
    admin_user, owner, django_capture_on_commit_callbacks
):
    upload = b.upload("qd.pdf", b.pdf_with_text("Quyết định phê duyệt kế hoạch"))
    with django_capture_on_commit_callbacks() as callbacks:
        stored = file_store(actor=admin_user, upload=upload, owner=owner)
        # Inside the transaction: stored, not read.
        row = StoredFile.objects.get(pk=stored.pk)
        assert (row.text, row.text_status) == ("", TextStatus.PENDING)
    row.refresh_from_db()
    assert (row.text, row.text_status) == ("", TextStatus.PENDING)
    assert callbacks  # the extraction waits for the commit
    for callback in callbacks:
        callback()
    row.refresh_from_db()
    assert "Quyết định phê duyệt kế hoạch" in row.text
    assert row.text_status == TextStatus.DONE


def test_a_rolled_back_upload_is_never_extracted(
    admin_user, owner, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        file_store(actor=admin_user, upload=b.upload("a.pdf", b.pdf_bytes()), owner=owner)
        raise RuntimeError("the caller fails after storing")
    assert not callbacks
    assert not StoredFile.objects.exists()


def test_the_slow_pdf_is_accepted_without_reading_its_text(
    admin_user, owner, django_capture_on_commit_callbacks
):
    data = b.pdf_slow_to_read()
    assert len(data) < 20_000
    assert file_validate(b.upload("cham.pdf", data)).page_count == 1
    with django_capture_on_commit_callbacks():
        stored = file_store(actor=admin_user, upload=b.upload("cham.pdf", data), owner=owner)
    assert StoredFile.objects.get(pk=stored.pk).text_status == TextStatus.PENDING


def test_only_the_first_pages_are_read(settings, tmp_path):
    settings.CONGVU_TEXT_MAX_PAGES = 3
    result = extract.extract_path(_path(tmp_path, b.pdf_numbered_pages(7)), "pdf")
    assert result.status == TextStatus.TRUNCATED
    assert [f"trang-00{n}-het" in result.text for n in range(1, 8)] == [True] * 3 + [False] * 4
    exact = extract.extract_path(_path(tmp_path, b.pdf_numbered_pages(3), "three.pdf"), "pdf")
    assert exact.status == TextStatus.DONE
    assert "trang-003-het" in exact.text


def test_a_hanging_extraction_is_killed_at_the_timeout(settings, tmp_path):
    settings.CONGVU_TEXT_TIMEOUT = 1
    result = extract.extract_path(_path(tmp_path, b.pdf_slow_to_read()), "pdf")
    assert result.status == TextStatus.TIMEOUT
    with pytest.raises(ProcessLookupError):  # killed and reaped, not left running
        os.kill(result.pid, 0)


def test_the_outcome_is_recorded(admin_user, owner, settings, django_capture_on_commit_callbacks):
    settings.CONGVU_TEXT_TIMEOUT = 1
    settings.CONGVU_TEXT_MAX_PAGES = 2
    uploads = {
        "cham.pdf": b.pdf_slow_to_read(),
        "dai.pdf": b.pdf_numbered_pages(4),
        "anh.png": b.image_bytes(),
        "cv.docx": b.docx_bytes("Công văn"),
    }
    with django_capture_on_commit_callbacks(execute=True):
        stored = {
            name: file_store(actor=admin_user, upload=b.upload(name, data), owner=owner)
            for name, data in uploads.items()
        }
    status = {
        name: StoredFile.objects.values_list("text_status", flat=True).get(pk=row.pk)
        for name, row in stored.items()
    }
    assert status == {
        "cham.pdf": TextStatus.TIMEOUT,
        "dai.pdf": TextStatus.TRUNCATED,
        "anh.png": TextStatus.NONE,
        "cv.docx": TextStatus.DONE,
    }
    assert StoredFile.objects.get(pk=stored["dai.pdf"].pk).text.split() == [
        "trang-001-het",
        "trang-002-het",
    ]
    assert file_text_extract(stored["cv.docx"].pk) is None  # done once, not again


def test_a_missing_blob_is_recorded_as_failed(
    admin_user, owner, _tmp_storage, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        stored = file_store(actor=admin_user, upload=b.upload("a.pdf", b.pdf_bytes()), owner=owner)
    for blob in _tmp_storage.rglob("*.pdf"):
        blob.unlink()
    for callback in callbacks:
        callback()
    assert StoredFile.objects.get(pk=stored.pk).text_status == TextStatus.FAILED


def _in_a_request(view):
    """Run ``view`` as a request through the middleware that marks requests."""
    return BackgroundJobsMiddleware(view)(RequestFactory().post("/app/van-ban-den/vao-so/"))


def test_without_a_broker_a_request_hands_the_job_to_a_background_thread():
    """Eager Celery would run the task in the request's thread: it goes to another one."""
    threads = []

    def view(request):
        in_background(lambda: threads.append(threading.current_thread()))
        return HttpResponse()

    _in_a_request(view)
    background_idle()
    assert len(threads) == 1 and threads[0] is not threading.current_thread()
    in_background(lambda: threads.append(threading.current_thread()))  # a command: at once
    assert threads[1] is threading.current_thread()


@pytest.mark.django_db(transaction=True)
def test_in_a_request_the_committed_upload_is_read_in_the_background(actor_factory):
    """The demo's path, for real: commit, then the eager task in the background thread."""
    user = actor_factory("system_admin")
    owner = UnitFactory()
    upload = b.upload("qd.pdf", b.pdf_with_text("Kế hoạch phòng chống thiên tai"))
    stored = []

    def view(request):
        with transaction.atomic():
            stored.append(file_store(actor=user, upload=upload, owner=owner))
            # Inside the upload's transaction nothing was handed over yet.
            assert StoredFile.objects.get(pk=stored[0].pk).text_status == TextStatus.PENDING
        return HttpResponse()

    _in_a_request(view)
    background_idle()
    row = StoredFile.objects.get(pk=stored[0].pk)
    assert row.text_status == TextStatus.DONE
    assert "Kế hoạch phòng chống thiên tai" in row.text


def test_a_lost_extraction_is_done_by_the_periodic_job(
    admin_user, owner, capsys, django_capture_on_commit_callbacks
):
    """The demo process stopped before the job ran: ``run_periodic`` reads the text later."""
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    with django_capture_on_commit_callbacks():  # the commit's job is lost
        stored = file_store(
            actor=admin_user, upload=b.upload("cv.docx", b.docx_bytes("Công văn")), owner=owner
        )
    call_command("run_periodic", only=["pending-texts"])
    assert StoredFile.objects.get(pk=stored.pk).text_status == TextStatus.PENDING  # too recent
    StoredFile.objects.filter(pk=stored.pk).update(
        uploaded_at=timezone.now() - datetime.timedelta(hours=1)
    )
    call_command("run_periodic", only=["pending-texts"])
    row = StoredFile.objects.get(pk=stored.pk)
    assert (row.text_status, row.text) == (TextStatus.DONE, "Công văn")
    assert "pending-texts" in capsys.readouterr().out
