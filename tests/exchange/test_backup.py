"""Received packages are part of every backup: their bytes are copied and checked."""

from __future__ import annotations

import json

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

import pytest

from congvu.core import backup as backup_module
from congvu.core.errors import ServiceError
from congvu.exchange.services import package_receive

from .conftest import fixture_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def test_backup_copies_received_packages_and_checks_them(tmp_path):
    package = package_receive(raw=fixture_bytes("missing_subject.xml"), source="edxml_axis")
    backup_module.backup(tmp_path / "bk")
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    entry = next(f for f in manifest["files"] if f["name"] == package.storage_name)
    assert entry["sha256"] == package.sha256
    copied = tmp_path / "bk" / backup_module.FILES_DIR / package.storage_name
    assert copied.read_bytes() == fixture_bytes("missing_subject.xml")
    # A damaged blob is caught, not silently copied.
    default_storage.delete(package.storage_name)
    default_storage.save(package.storage_name, ContentFile(b"hong"))
    with pytest.raises(ServiceError) as err:
        backup_module.backup(tmp_path / "bk2")
    assert err.value.code == "checksum_mismatch"
