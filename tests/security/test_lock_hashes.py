"""Dependencies are installed only as the exact files the lock names (ASVS 10.3, 14.2).

pip refuses a file whose SHA-256 is not listed (checked by hand when the hashes
were added: a changed hash stops ``pip install --require-hashes``). Here: every
pin of both lock files is exact and carries hashes, and bin/bootstrap installs
them in hash-checking mode without fetching unchecked build dependencies.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOCKS = ["requirements.lock", "requirements-build.lock", "requirements-pip.lock"]


def entries(path: Path) -> list[str]:
    """One string per requirement: the pin line and its continuation lines."""
    text = re.sub(r"\\\n", " ", path.read_text())
    return [
        line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]


@pytest.mark.parametrize("name", LOCKS)
def test_every_pin_is_exact_and_hashed(name):
    found = entries(ROOT / name)
    assert found
    for entry in found:
        requirement = entry.split()[0]
        assert re.fullmatch(r"[A-Za-z0-9_.\-\[\],]+==[A-Za-z0-9_.+!\-]+", requirement), entry
        assert re.search(r"--hash=sha256:[0-9a-f]{64}", entry), f"{requirement} has no hash"


def test_the_build_backend_is_locked_and_the_main_lock_is_complete():
    names = {e.split("==")[0].lower() for e in entries(ROOT / "requirements-build.lock")}
    assert "setuptools" in names
    build = (ROOT / "pyproject.toml").read_text()
    assert 'requires = ["setuptools' in build, "the build lock must hold the build backend"
    main = {e.split("==")[0].lower().split("[")[0] for e in entries(ROOT / "requirements.lock")}
    assert {"django", "djangorestframework", "python-ldap"} <= main


def test_bootstrap_installs_in_hash_checking_mode():
    script = (ROOT / "bin" / "bootstrap").read_text()
    installs = [line for line in script.splitlines() if '"${pip[@]}"' in line]
    assert any("--require-hashes -r requirements-build.lock" in line for line in installs)
    assert any(
        "--require-hashes" in line
        and "--no-build-isolation" in line
        and "requirements.lock" in line
        for line in installs
    )
    # Nothing is installed from the index outside the locks (no "pip install -U pip"):
    # the venv's own pip is replaced first, from its hashed lock, before any other lock.
    assert "-U pip" not in script
    assert "--require-hashes --no-deps -r requirements-pip.lock" in installs[0]
    assert "requirements-build.lock" in installs[1]
    assert all("--no-build-isolation" in line for line in installs[2:])


def test_the_pip_lock_pins_pip_alone():
    found = entries(ROOT / "requirements-pip.lock")
    assert [e.split("==")[0] for e in found] == ["pip"]


def test_the_image_installs_in_hash_checking_mode_too():
    installs = [
        line.strip(" &\\")
        for line in (ROOT / "Dockerfile").read_text().splitlines()
        if "pip install" in line
    ]
    assert installs[0] == "pip install --require-hashes --no-deps -r requirements-pip.lock"
    assert installs[1] == "pip install --require-hashes -r requirements-build.lock"
    assert "pip install --require-hashes --no-build-isolation -r requirements.lock" in installs
    assert all("--no-build-isolation" in line for line in installs[2:])
