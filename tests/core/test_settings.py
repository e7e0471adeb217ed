"""Configuration comes from the environment; production refuses unsafe values."""

import os
import subprocess
import sys

from django.core.exceptions import ImproperlyConfigured

import pytest

from congvu.settings.env import env_bool, parse_email_url

GOOD_SECRET = "a-random-production-secret-with-more-than-forty-characters-0123"
GOOD_ANCHOR_KEY = "another-random-key-for-the-audit-anchors-0123456789"


def run_production_check(**env) -> subprocess.CompletedProcess:
    # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests for their own process only.
    dropped = ("SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    full = {k: v for k, v in os.environ.items() if k not in dropped}
    full.update(
        DJANGO_SETTINGS_MODULE="congvu.settings.production", ALLOWED_HOSTS="congvu.example.vn"
    )
    full["EMAIL_URL"] = "smtp://mail.congvu.example.vn:587?tls=1"
    full.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    full.update(env)
    return subprocess.run(
        [sys.executable, "-m", "congvu.manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_a_missing_secret():
    result = run_production_check()
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_a_default_secret():
    result = run_production_check(SECRET_KEY="dev-insecure-secret-key-do-not-use-in-production")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_debug():
    result = run_production_check(SECRET_KEY=GOOD_SECRET, DEBUG="1")
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_production_check_deploy_is_clean():
    result = run_production_check(SECRET_KEY=GOOD_SECRET, AUDIT_ANCHOR_KEY=GOOD_ANCHOR_KEY)
    assert result.returncode == 0, result.stderr + result.stdout


def test_email_url_smtp_with_tls():
    conf = parse_email_url("smtp://hopthu%40ubnd.vn:m%C3%A2t@mail.ubnd.vn:587?tls=1")["default"]
    assert conf["BACKEND"].endswith("smtp.EmailBackend")
    assert conf["OPTIONS"]["host"] == "mail.ubnd.vn"
    assert conf["OPTIONS"]["port"] == 587
    assert conf["OPTIONS"]["username"] == "hopthu@ubnd.vn"
    assert conf["OPTIONS"]["password"] == "mât"
    assert conf["OPTIONS"]["use_tls"] is True
    assert conf["OPTIONS"]["use_ssl"] is False


def test_email_url_smtps_defaults_to_port_465():
    options = parse_email_url("smtps://mail.ubnd.vn")["default"]["OPTIONS"]
    assert options["port"] == 465
    assert options["use_ssl"] is True


def test_email_url_console_and_unknown_scheme():
    assert parse_email_url("console://")["default"]["BACKEND"].endswith("console.EmailBackend")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        parse_email_url("pigeon://loft")


def test_env_bool_rejects_garbage(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env_bool("DEBUG")
    monkeypatch.setenv("DEBUG", "off")
    assert env_bool("DEBUG") is False


def test_time_zone_is_vietnam(settings):
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.LANGUAGE_CODE == "vi"


def test_a_malformed_work_mem_is_refused_naming_the_variable():
    result = run_production_check(
        SECRET_KEY=GOOD_SECRET,
        AUDIT_ANCHOR_KEY=GOOD_ANCHOR_KEY,
        DATABASE_URL="postgres://congvu@127.0.0.1:5432/congvu",
        DB_WORK_MEM="32MB; DROP",
    )
    assert result.returncode != 0
    assert "DB_WORK_MEM" in result.stderr


@pytest.mark.django_db
def test_postgresql_connections_get_the_configured_work_mem():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("work_mem is a PostgreSQL setting; SQLite has none")
    with connection.cursor() as cursor:
        cursor.execute("SHOW work_mem")
        # Lossy bitmaps under PostgreSQL's 4MB reread whole text vectors (issue 12).
        assert cursor.fetchone()[0] == "32MB"
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
