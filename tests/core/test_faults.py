"""Fault checkpoints are inert unless asked for; a database outage answers 503, not 500."""

import json
import sys

from django.db import OperationalError
from django.test import RequestFactory

from congvu.core import faults


def test_checkpoint_does_nothing_unless_named(monkeypatch, tmp_path):
    marker = tmp_path / "marker"
    monkeypatch.setattr(faults, "_PAUSE_AT", "")
    monkeypatch.setattr(faults, "_MARKER", str(marker))
    faults.checkpoint("outgoing.issue.after_number")
    monkeypatch.setattr(faults, "_PAUSE_AT", "files.store.after_blob")
    faults.checkpoint("outgoing.issue.after_number")
    assert not marker.exists()


def test_checkpoint_named_writes_the_pid_and_pauses(monkeypatch, tmp_path):
    marker = tmp_path / "marker"
    monkeypatch.setattr(faults, "_PAUSE_AT", "outgoing.issue.after_number")
    monkeypatch.setattr(faults, "_MARKER", str(marker))
    monkeypatch.setattr(faults, "_PAUSE_SECONDS", 0)
    faults.checkpoint("outgoing.issue.after_number")
    assert marker.read_text().strip().isdigit()


def _handle(path, exc):
    request = RequestFactory().get(path)
    try:
        raise exc
    except Exception:
        assert sys.exc_info()[1] is exc
        return faults.server_error(request)


def test_database_outage_is_503_with_retry_after():
    try:
        raise OperationalError("connection refused")
    except OperationalError as cause:
        wrapped = RuntimeError("while rendering")
        wrapped.__cause__ = cause
    for exc in (OperationalError("connection refused"), wrapped):
        response = _handle("/thu-tuc/", exc)
        assert response.status_code == 503
        assert response["Retry-After"] == "5"
        assert "Hệ thống đang bận" in response.content.decode()


def test_database_outage_on_the_api_is_json():
    response = _handle("/api/v1/units/", OperationalError("server closed the connection"))
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["code"] == "service_unavailable"
    assert "Hệ thống đang bận" in body["message"]


def test_other_errors_stay_500():
    response = _handle("/app/", ValueError("bug"))
    assert response.status_code == 500
    assert "Retry-After" not in response
