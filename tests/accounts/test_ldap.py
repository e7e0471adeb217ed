"""LDAP login against a real slapd (Debian's slapd + ldap-utils), started per module.

These tests fail, not skip, when slapd cannot run: LDAP login is a promised
feature and CI installs slapd.
"""

import base64
import importlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from django.contrib.auth import authenticate
from django.test import override_settings
from django.urls import reverse

import pytest

from congvu.accounts.models import User
from tests.factories import UserFactory

from .conftest import audit_actions

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

SUFFIX = "dc=congvu,dc=test"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PW = "mat-khau-quan-tri-ldap"
PEOPLE = f"ou=people,{SUFFIX}"
LAN_DN = f"uid=lan,{PEOPLE}"
LAN_PW = "Mat-khau-LDAP-cua-Lan"
BACKENDS = [
    "congvu.accounts.ldap.OfficialLDAPBackend",
    "django.contrib.auth.backends.ModelBackend",
]


def _find(binary: str) -> str:
    path = shutil.which(binary) or next(
        (p for p in (f"/usr/sbin/{binary}", f"/usr/bin/{binary}") if os.path.exists(p)), None
    )
    if path is None:
        pytest.fail(
            f"{binary} not found: install Debian's slapd and ldap-utils "
            "(deps/debian-test-packages.txt); the LDAP login test must not be skipped."
        )
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _attr(name: str, value: str) -> str:
    # LDIF carries non-ASCII values in base64 (name:: …).
    if value.isascii():
        return f"{name}: {value}"
    return f"{name}:: {base64.b64encode(value.encode()).decode()}"


def _ldif() -> str:
    entries = [
        [
            f"dn: {SUFFIX}",
            "objectClass: dcObject",
            "objectClass: organization",
            "o: congvu",
            "dc: congvu",
        ],
        [f"dn: {PEOPLE}", "objectClass: organizationalUnit", "ou: people"],
        [
            f"dn: {LAN_DN}",
            "objectClass: inetOrgPerson",
            "uid: lan",
            _attr("cn", "Trần Thị Lan"),
            _attr("sn", "Trần"),
            "mail: lan@thanhphu.test",
            "telephoneNumber: 0275 3861 234",
            f"userPassword: {LAN_PW}",
        ],
        [
            f"dn: uid=dan,{PEOPLE}",
            "objectClass: inetOrgPerson",
            "uid: dan",
            _attr("cn", "Võ Văn Dân"),
            _attr("sn", "Võ"),
            "userPassword: mat-khau-cua-dan",
        ],
    ]
    return "\n\n".join("\n".join(e) for e in entries) + "\n"


@pytest.fixture(scope="module")
def slapd():
    """A private slapd on a free 127.0.0.1 port with an mdb database in a temp dir."""
    slapd_bin, ldapadd = _find("slapd"), _find("ldapadd")
    schema = Path("/etc/ldap/schema")
    modules = Path("/usr/lib/ldap")
    with tempfile.TemporaryDirectory(prefix="congvu-slapd-") as tmp:
        tmp = Path(tmp)
        (tmp / "db").mkdir()
        lines = [f"include {schema / n}.schema" for n in ("core", "cosine", "inetorgperson")]
        if (modules / "back_mdb.so").exists() or (modules / "back_mdb.la").exists():
            lines += [f"modulepath {modules}", "moduleload back_mdb"]
        lines += [
            f"pidfile {tmp / 'slapd.pid'}",
            "database mdb",
            "maxsize 10485760",
            f'suffix "{SUFFIX}"',
            f'rootdn "{ROOT_DN}"',
            f"rootpw {ROOT_PW}",
            f"directory {tmp / 'db'}",
        ]
        (tmp / "slapd.conf").write_text("\n".join(lines) + "\n")
        port = _free_port()
        uri = f"ldap://127.0.0.1:{port}"
        log = open(tmp / "slapd.log", "w")  # noqa: SIM115 (closed below)
        # -d 0 keeps slapd in the foreground so we own and stop the process.
        proc = subprocess.Popen(
            [slapd_bin, "-f", str(tmp / "slapd.conf"), "-h", f"{uri}/", "-d", "0"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 15
            while True:
                if proc.poll() is not None:
                    pytest.fail(
                        f"slapd exited with {proc.returncode}: {(tmp / 'slapd.log').read_text()}"
                    )
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        pytest.fail(
                            f"slapd did not listen on {uri}: {(tmp / 'slapd.log').read_text()}"
                        )
                    time.sleep(0.1)
            (tmp / "data.ldif").write_text(_ldif(), encoding="utf-8")
            added = subprocess.run(
                [
                    ldapadd,
                    "-x",
                    "-H",
                    uri,
                    "-D",
                    ROOT_DN,
                    "-w",
                    ROOT_PW,
                    "-f",
                    str(tmp / "data.ldif"),
                ],
                capture_output=True,
                text=True,
                timeout=30,
            )
            assert added.returncode == 0, added.stderr
            yield uri
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            log.close()


@pytest.fixture
def ldap_settings(slapd, monkeypatch):
    """The AUTH_LDAP_* values settings/ldap.py builds from the environment."""
    monkeypatch.setenv("LDAP_SERVER_URI", slapd)
    monkeypatch.setenv("LDAP_BIND_DN", ROOT_DN)
    monkeypatch.setenv("LDAP_BIND_PASSWORD", ROOT_PW)
    monkeypatch.setenv("LDAP_USER_SEARCH_BASE", PEOPLE)
    monkeypatch.delenv("LDAP_USER_FILTER", raising=False)
    module = importlib.reload(importlib.import_module("congvu.settings.ldap"))
    values = {k: getattr(module, k) for k in dir(module) if k.startswith("AUTH_LDAP_")}
    assert values["AUTH_LDAP_USER_SEARCH"].filterstr == "(uid=%(user)s)"
    with override_settings(AUTHENTICATION_BACKENDS=BACKENDS, **values):
        yield values


def test_official_logs_in_through_ldap_and_is_created(ldap_settings):
    user = authenticate(username="lan", password=LAN_PW)
    assert user is not None
    user.refresh_from_db()
    assert user.kind == "official"
    assert user.ldap_dn == LAN_DN
    assert user.full_name == "Trần Thị Lan"
    assert user.email == "lan@thanhphu.test"
    assert user.phone == "0275 3861 234"
    assert not user.has_usable_password()
    assert audit_actions("congvu.accounts.user.created_from_ldap", user).count() == 1
    # A second login updates, it does not duplicate.
    assert authenticate(username="LAN", password=LAN_PW).pk == user.pk
    assert User.objects.filter(username="lan").count() == 1


def test_wrong_ldap_password_is_refused(ldap_settings):
    assert authenticate(username="lan", password="sai-mat-khau") is None
    assert authenticate(username="khongco", password="x") is None
    assert not User.objects.filter(username="lan").exists()


def test_existing_official_gets_linked(ldap_settings):
    local = UserFactory(username="lan", full_name="Lan (cũ)", email="")
    user = authenticate(username="lan", password=LAN_PW)
    assert user.pk == local.pk
    local.refresh_from_db()
    assert local.ldap_dn == LAN_DN
    assert local.full_name == "Trần Thị Lan"


def test_portal_account_with_same_username_is_not_taken_over(ldap_settings):
    citizen = UserFactory(username="dan", citizen=True)
    assert authenticate(username="dan", password="mat-khau-cua-dan") is None
    citizen.refresh_from_db()
    assert citizen.kind == "citizen" and citizen.ldap_dn == ""
    # The citizen's own (local) password still works for the portal's backend chain.
    assert authenticate(username="dan", password="mat-khau-thu-nghiem-1").pk == citizen.pk


def test_login_page_with_ldap(client, ldap_settings):
    response = client.post(reverse("accounts:login"), {"username": "lan", "password": LAN_PW})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    user = User.objects.get(username="lan")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session["_auth_user_backend"] == "congvu.accounts.ldap.OfficialLDAPBackend"
    assert client.get(reverse("accounts:profile")).status_code == 200
