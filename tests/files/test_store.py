import hashlib

from django.core.files.storage import default_storage

import pytest

from congvu.audit.models import AuditRecord
from congvu.core.errors import ServiceError
from congvu.files.models import StoredFile
from congvu.files.selectors import files_of
from congvu.files.services import file_open_verified, file_store
from congvu.org.models import Unit
from tests.factories import UnitFactory

from . import builders as b

pytestmark = pytest.mark.django_db

ALLOWED = [
    ("Quyết định.pdf", b.pdf_bytes, "application/pdf"),
    ("Tờ trình.docx", lambda: b.docx_bytes("Tờ trình"), "wordprocessingml"),
    ("Danh sách.xlsx", lambda: b.xlsx_bytes("Họ tên"), "spreadsheetml"),
    ("Báo cáo.odt", lambda: b.odt_bytes("Báo cáo"), "opendocument.text"),
    ("Ảnh chụp.jpg", lambda: b.image_bytes("JPEG"), "image/jpeg"),
    ("Ảnh chụp.jpeg", lambda: b.image_bytes("JPEG"), "image/jpeg"),
    ("Sơ đồ.png", b.image_bytes, "image/png"),
]


@pytest.fixture
def owner():
    return UnitFactory(name="Ủy ban nhân dân xã Thạnh Phú")


@pytest.fixture
def admin_user(actor_factory):
    return actor_factory("system_admin")


@pytest.mark.parametrize(("name", "build", "content_type"), ALLOWED)
def test_each_allowed_type_is_stored_with_hash_and_audit(
    admin_user, owner, name, build, content_type
):
    data = build()
    stored = file_store(actor=admin_user, upload=b.upload(name, data), owner=owner)

    assert stored.original_name == name
    assert content_type in stored.content_type
    assert stored.size == len(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.owner_type == "org.unit" and stored.owner_id == str(owner.pk)
    assert stored.storage_name.startswith("files/") and name not in stored.storage_name
    assert default_storage.exists(stored.storage_name)
    assert AuditRecord.objects.filter(
        action="congvu.files.storedfile.create", object_id=str(stored.pk)
    ).exists()
    with file_open_verified(stored) as fh:
        assert fh.read() == data
    assert list(files_of(owner)) == [stored]


def _stored_after_commit(capture, **kwargs):
    """``file_store`` in a transaction that commits (the text is extracted then), reread."""
    with capture(execute=True):
        stored = file_store(**kwargs)
    stored.refresh_from_db()
    return stored


def test_text_is_extracted_from_docx_and_pdf(admin_user, owner, django_capture_on_commit_callbacks):
    docx = _stored_after_commit(
        django_capture_on_commit_callbacks,
        actor=admin_user,
        upload=b.upload("cv.docx", b.docx_bytes("Về việc tăng cường công tác", "Đặng Văn Thành")),
        owner=owner,
    )
    assert "Về việc tăng cường công tác" in docx.text
    assert "Đặng Văn Thành" in docx.text
    assert docx.text_status == "done"

    pdf = _stored_after_commit(
        django_capture_on_commit_callbacks,
        actor=admin_user,
        upload=b.upload("qd.pdf", b.pdf_with_text("Quyết định phê duyệt Đặng Văn Thành")),
        owner=owner,
    )
    assert "Quyết định phê duyệt" in pdf.text
    assert "Đặng Văn Thành" in pdf.text
    assert pdf.text_status == "done"


def test_refused_upload_writes_nothing(admin_user, owner, _tmp_storage):
    with pytest.raises(ServiceError) as exc:
        file_store(actor=admin_user, upload=b.upload("x.pdf", b.image_bytes()), owner=owner)
    assert exc.value.code == "type_mismatch"
    assert exc.value.errors[0].field == "file"
    assert not StoredFile.objects.exists()
    assert not _tmp_storage.exists() or not any(p.is_file() for p in _tmp_storage.rglob("*"))


def test_owner_must_be_saved(admin_user):
    with pytest.raises(ServiceError) as exc:
        file_store(actor=admin_user, upload=b.upload("a.pdf", b.pdf_bytes()), owner=Unit())
    assert exc.value.code == "owner_required"


def test_text_is_extracted_from_xlsx_and_odt(admin_user, owner, django_capture_on_commit_callbacks):
    xlsx = _stored_after_commit(
        django_capture_on_commit_callbacks,
        actor=admin_user,
        upload=b.upload("ds.xlsx", b.xlsx_bytes("Danh sách hộ nghèo", "Ấp An Điền")),
        owner=owner,
    )
    assert "Danh sách hộ nghèo" in xlsx.text and "Ấp An Điền" in xlsx.text
    odt = _stored_after_commit(
        django_capture_on_commit_callbacks,
        actor=admin_user,
        upload=b.upload("bc.odt", b.odt_bytes("Báo cáo quý IV")),
        owner=owner,
    )
    assert odt.text == "Báo cáo quý IV"


def test_secrecy_and_versions_are_recorded(admin_user):
    from tests.registry.factories import RegisterFactory

    secret = RegisterFactory(secret=True)
    first = file_store(
        actor=admin_user,
        upload=b.upload("v1.docx", b.docx_bytes("1")),
        owner=secret,
        purpose="draft",
    )
    second = file_store(
        actor=admin_user,
        upload=b.upload("v2.docx", b.docx_bytes("2")),
        owner=secret,
        purpose="draft",
        version=2,
    )
    assert first.secrecy == second.secrecy == 1
    from congvu.files.selectors import latest_version

    assert latest_version(secret, "draft") == second


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [({"purpose": "Bad Purpose"}, "invalid_purpose"), ({"version": 0}, "invalid_version")],
)
def test_purpose_and_version_are_checked(admin_user, owner, kwargs, code):
    with pytest.raises(ServiceError) as exc:
        file_store(actor=admin_user, upload=b.upload("a.pdf", b.pdf_bytes()), owner=owner, **kwargs)
    assert exc.value.code == code
