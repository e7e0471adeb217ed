"""Đọc trước khi ký: the draft shown as page images, and its content digest checked at
"Duyệt ký" and again at issuance."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader, PdfWriter

from congvu.core.errors import ServiceError
from congvu.files.services import file_store
from congvu.outgoing import preview, services
from congvu.outgoing.constants import Status
from congvu.outgoing.models import OutgoingDocument
from congvu.registry.models import IssuedNumber
from tests.files.builders import docx_bytes, pdf_bytes, pdf_with_text, upload
from tests.outgoing.helpers import approved, drafted

pytestmark = pytest.mark.django_db

DIGEST = re.compile(r'name="content_sha256" value="([0-9a-f]{64})"')


@pytest.fixture(autouse=True)
def _tmp_storage(_tmp_storage):
    """Blobs and the preview cache of each test in their own directory."""
    return _tmp_storage


def _fresh(doc) -> OutgoingDocument:
    return OutgoingDocument.objects.select_related("unit", "document_type").get(pk=doc.pk)


def _for_signing(c, **kw) -> OutgoingDocument:
    """In review, its only step the leader's: the leader may approve it now."""
    doc = drafted(c, **kw)
    services.draft_submit(actor=c.specialist, document=doc, reviewers=[c.leader])
    return _fresh(doc)


def _digest(doc, **kw) -> str:
    return preview.content_digest(_fresh(doc), use_cache=False, **kw)


# --- The digest ----------------------------------------------------------------------


def test_rendering_twice_at_different_times_gives_the_same_digest(commune, time_machine):
    doc = drafted(commune, body="Đoạn một.\nĐoạn hai.")
    time_machine.move_to("2026-03-05 08:00:00+07:00")
    first = _digest(doc)
    time_machine.move_to("2026-03-05 16:45:10+07:00")
    assert _digest(doc) == first
    # From the cache (the page reopened) it is the same value again.
    assert preview.content_digest(_fresh(doc)) == first
    assert preview.content_digest(_fresh(doc)) == first


def test_pdf_metadata_does_not_change_the_digest_but_the_text_does(commune):
    _body, pdf = preview.body_pdf(_fresh(drafted(commune, body="Nội dung.")))
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.add_metadata({"/CreationDate": "D:20260101000000+07'00'", "/Producer": "khác"})
    restamped = io.BytesIO()
    writer.write(restamped)
    assert restamped.getvalue() != pdf
    assert preview.pdf_content_digest(restamped.getvalue()) == preview.pdf_content_digest(pdf)
    _other, other = preview.body_pdf(_fresh(drafted(commune, body="Nội dung khác.")))
    assert preview.pdf_content_digest(other) != preview.pdf_content_digest(pdf)


def test_body_subject_recipients_signer_and_files_each_change_the_digest(commune, other):
    doc = drafted(commune, body="Ủy ban nhân dân xã báo cáo như sau.")
    seen = {_digest(doc)}

    def changed(**changes):
        services.draft_update(actor=commune.specialist, document=doc, **changes)
        digest = _digest(doc)
        assert digest not in seen, changes
        seen.add(digest)

    changed(body="Ủy ban nhân dân xã báo cáo như sau, có sửa.")
    changed(subject="V/v tổ chức tiếp công dân tháng 3")
    changed(recipients=[{"unit": other.unit}])
    signed = preview.content_digest(services.as_signed_by(_fresh(doc), commune.leader))
    assert signed not in seen
    as_deputy = services.as_signed_by(_fresh(doc), commune.deputy)
    assert preview.content_digest(as_deputy) not in seen | {signed}
    as_kt = services.as_signed_by(_fresh(doc), commune.leader, authority_prefix="KT.")
    assert preview.content_digest(as_kt) not in seen | {signed}
    services.draft_add_version(
        actor=commune.specialist, document=doc, upload=upload("du-thao.docx", docx_bytes("A"))
    )
    assert _digest(doc) not in seen


def test_the_preview_is_the_issuance_layout_with_number_and_date_blank(commune):
    doc = _fresh(drafted(commune, type_code="quyet-dinh", subject="Về việc kiện toàn Tổ"))
    context = preview.preview_context(services.as_signed_by(doc, commune.leader))
    assert context["notation"].strip() == "/QĐ-UBND" and context["notation"].startswith("\xa0")
    assert re.fullmatch(r"ngày\xa0+tháng\xa0+năm \d{4}", context["draft_date"])
    assert context["signer_name"] == (commune.leader.full_name or str(commune.leader))


# --- "Duyệt ký" ------------------------------------------------------------------------


def test_leader_sees_pages_and_files_then_approves_what_was_shown(client, commune):
    doc = _for_signing(commune, body="Đề nghị các thôn triển khai.")
    _attach_files(commune, doc)
    client.force_login(commune.leader)
    url = f"/app/van-ban-di/{doc.pk}/duyet-ky/"
    page = client.get(url, {"authority_prefix": "TM."}).content.decode()
    images = re.findall(r'<img src="([^"]+)"[^>]*loading="lazy"', page)
    # One page of the document, two of the PDF attachment; the DOCX is listed, not drawn.
    assert len(images) == 3, images
    for src in images:
        response = client.get(src.replace("&amp;", "&"))
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        assert response.content.startswith(b"\x89PNG")
    assert "bao-cao.docx" in page and "phu-luc.pdf" in page
    assert "Chỉ tệp PDF được hiển thị trong trang" in page
    pdf = client.get(f"/app/van-ban-di/{doc.pk}/ban-in-thu.pdf", {"authority_prefix": "TM."})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("inline;")
    shown = DIGEST.search(page).group(1)
    response = client.post(
        url, {"xac_nhan": "1", "authority_prefix": "TM.", "content_sha256": shown}
    )
    assert response.status_code == 302
    doc = _fresh(doc)
    assert doc.status == Status.APPROVED and doc.approved_content_sha256 == shown
    record = doc_audit(doc, "congvu.outgoing.document.approved")
    assert record.after["approved_content_sha256"] == shown


def _attach_files(c, doc) -> None:
    """The leader (their turn) adds a DOCX version; a two-page PDF phụ lục goes with it."""
    services.draft_add_version(
        actor=c.leader, document=doc, upload=upload("bao-cao.docx", docx_bytes("Báo cáo"))
    )
    file_store(
        actor=c.specialist,
        upload=upload("phu-luc.pdf", pdf_bytes(pages=2), "application/pdf"),
        owner=doc,
        purpose=preview.ATTACHMENT_PURPOSE,
    )


def doc_audit(doc, action):
    from congvu.audit.models import AuditRecord

    return AuditRecord.objects.filter(action=action, object_id=str(doc.pk)).latest("seq")


def test_a_change_between_reading_and_approving_is_refused(client, commune):
    doc = _for_signing(commune, body="Bản lãnh đạo đã đọc.")
    client.force_login(commune.leader)
    url = f"/app/van-ban-di/{doc.pk}/duyet-ky/"
    shown = DIGEST.search(client.get(url).content.decode()).group(1)
    OutgoingDocument.objects.filter(pk=doc.pk).update(body="Bản đã bị sửa sau khi đọc.")
    response = client.post(url, {"xac_nhan": "1", "content_sha256": shown})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Dự thảo đã thay đổi sau khi bạn xem; hãy xem lại trước khi duyệt ký." in body
    assert _fresh(doc).status == Status.IN_REVIEW and not _fresh(doc).approved_content_sha256
    # The page shows the new text with its own digest; approving that works.
    again = DIGEST.search(body).group(1)
    assert again != shown
    assert client.post(url, {"xac_nhan": "1", "content_sha256": again}).status_code == 302
    assert _fresh(doc).status == Status.APPROVED


def test_the_service_refuses_a_stale_digest_with_a_stable_code(commune):
    doc = _for_signing(commune, body="Một.")
    shown = preview.content_digest(services.as_signed_by(doc, commune.leader))
    services.draft_add_version(
        actor=commune.leader, document=doc, upload=upload("v2.docx", docx_bytes("Hai"))
    )
    with pytest.raises(ServiceError) as caught:
        services.draft_approve_for_signing(actor=commune.leader, document=doc, content_sha256=shown)
    assert caught.value.code == "content_changed"
    assert _fresh(doc).status == Status.IN_REVIEW


def test_approving_without_having_seen_the_preview_is_refused(client, commune):
    doc = _for_signing(commune)
    client.force_login(commune.leader)
    response = client.post(f"/app/van-ban-di/{doc.pk}/duyet-ky/", {"xac_nhan": "1"})
    assert response.status_code == 400
    assert "Hãy xem bản in thử của dự thảo trước khi duyệt ký." in response.content.decode()
    assert _fresh(doc).status == Status.IN_REVIEW


# --- Issuance -------------------------------------------------------------------------


def test_an_attachment_added_after_approval_blocks_issuance_with_nothing_numbered(commune):
    doc = approved(commune, body="Nội dung đã duyệt.")
    assert doc.approved_content_sha256 == _digest(doc)
    file_store(
        actor=commune.specialist,
        upload=upload("them.pdf", pdf_with_text("Phụ lục thêm sau"), "application/pdf"),
        owner=doc,
        purpose=preview.ATTACHMENT_PURPOSE,
    )
    with pytest.raises(ServiceError) as caught:
        services.document_issue(actor=commune.clerk, document=doc)
    assert caught.value.code == "content_changed_since_approval"
    doc = _fresh(doc)
    assert doc.status == Status.APPROVED and doc.number is None and not doc.issued_file_id
    assert not IssuedNumber.objects.exists()
    # The leader takes the approval back; read again and approved, it is issued.
    services.review_return(actor=commune.leader, document=doc, comment="Có thêm phụ lục")
    assert _fresh(doc).status == Status.RETURNED and not _fresh(doc).approved_content_sha256
    services.draft_submit(actor=commune.specialist, document=doc, reviewers=[])
    shown = preview.content_digest(services.as_signed_by(_fresh(doc), commune.leader))
    services.draft_approve_for_signing(actor=commune.leader, document=doc, content_sha256=shown)
    issued = services.document_issue(actor=commune.clerk, document=doc)
    assert issued.status == Status.ISSUED and issued.number == 1


def test_a_draft_file_altered_in_the_database_after_approval_blocks_issuance(commune):
    doc = drafted(commune)
    services.draft_add_version(
        actor=commune.specialist,
        document=doc,
        upload=upload("v1.pdf", pdf_bytes(), "application/pdf"),
    )
    services.draft_submit(actor=commune.specialist, document=doc, reviewers=[])
    services.draft_approve_for_signing(actor=commune.leader, document=doc)
    from congvu.files.models import StoredFile

    StoredFile.objects.filter(owner_id=str(doc.pk)).update(sha256="0" * 64)
    with pytest.raises(ServiceError) as caught:
        services.document_issue(actor=commune.clerk, document=_fresh(doc))
    assert caught.value.code == "content_changed_since_approval"
    assert not IssuedNumber.objects.exists()


def test_drafts_cannot_be_edited_once_approved(commune):
    doc = approved(commune)
    with pytest.raises(ServiceError):
        services.draft_update(actor=commune.specialist, document=doc, body="Sửa sau khi duyệt")
    with pytest.raises(ServiceError):
        services.draft_add_version(
            actor=commune.specialist, document=doc, upload=upload("x.docx", docx_bytes("x"))
        )


# --- Access ---------------------------------------------------------------------------


def test_outside_the_scope_preview_pages_pdf_and_files_are_not_found(client, commune, other):
    doc = _for_signing(commune, body="Văn bản của xã Thạnh Phú.")
    _attach_files(commune, doc)
    client.force_login(commune.leader)
    page = client.get(f"/app/van-ban-di/{doc.pk}/duyet-ky/").content.decode()
    images = [src.replace("&amp;", "&") for src in re.findall(r'<img src="([^"]+)"', page)]
    pdf = f"/app/van-ban-di/{doc.pk}/ban-in-thu.pdf"
    assert all(client.get(src).status_code == 200 for src in images)
    for outsider in (other.leader, other.clerk):
        client.force_login(outsider)
        for address in (*images, pdf, f"/app/van-ban-di/{doc.pk}/duyet-ky/"):
            assert client.get(address).status_code == 404, address
    # A page image asked for under another content digest is not served either.
    client.force_login(commune.leader)
    stale = re.sub(r"/ban-in-thu/[0-9a-f]{64}/", "/ban-in-thu/" + "0" * 64 + "/", images[0])
    assert client.get(stale).status_code == 404


# --- API ------------------------------------------------------------------------------


def test_api_approval_carries_the_digest_of_the_preview(commune):
    from rest_framework.test import APIClient

    doc = _for_signing(commune, body="Nội dung.")
    api = APIClient()
    api.force_authenticate(commune.leader)
    base = f"/api/v1/outgoing-documents/{doc.pk}"
    response = api.post(f"{base}/approve-for-signing/", {"authority_prefix": "KT."}, format="json")
    assert response.status_code == 400
    shown = api.get(f"{base}/preview/", {"authority_prefix": "KT."}).json()
    assert re.fullmatch(r"[0-9a-f]{64}", shown["content_sha256"])
    pdf = api.get(shown["pdf_url"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # A digest of another choice (no "KT.") is not what will be signed.
    plain = api.get(f"{base}/preview/").json()["content_sha256"]
    response = api.post(
        f"{base}/approve-for-signing/",
        {"authority_prefix": "KT.", "content_sha256": plain},
        format="json",
    )
    assert response.status_code == 409 and response.json()["code"] == "content_changed"
    response = api.post(
        f"{base}/approve-for-signing/",
        {"authority_prefix": "KT.", "content_sha256": shown["content_sha256"]},
        format="json",
    )
    assert response.status_code == 200 and response.json()["status"] == "approved"


def test_a_leader_takes_an_approval_back_from_the_document_page(client, commune):
    doc = approved(commune)
    client.force_login(commune.leader)
    assert "Trả lại để sửa" in client.get(f"/app/van-ban-di/{doc.pk}/").content.decode()
    response = client.post(f"/app/van-ban-di/{doc.pk}/tra-lai/", {"comment": "Xem lại nơi nhận"})
    assert response.status_code == 302
    doc = _fresh(doc)
    assert doc.status == Status.RETURNED and not doc.approved_content_sha256
    # Not the clerk, who only issues.
    doc = approved(commune)
    client.force_login(commune.clerk)
    assert "Trả lại để sửa" not in client.get(f"/app/van-ban-di/{doc.pk}/").content.decode()


# --- The cache on a full disk ----------------------------------------------------------


def test_a_full_disk_costs_the_cache_never_the_digest_nor_leaves_half_a_pdf(
    commune, monkeypatch, _tmp_storage
):
    import errno

    from django.core.files.storage import default_storage

    doc = drafted(commune, body="Nội dung đầy đủ của công văn.\n" * 40)
    expected = _digest(doc)

    def full(name, content, max_length=None):
        # As FileSystemStorage on ENOSPC: part of the file is written, then the error.
        target = _tmp_storage / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.read()[:100])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(default_storage, "save", full)
    assert preview.content_digest(_fresh(doc)) == expected
    body_digest, pages = preview.body_pages(_fresh(doc))
    assert pages.shown >= 1 and pages.error == ""
    # Nothing half-written stays in the cache, and no index names a missing entry.
    assert not [p for p in _tmp_storage.rglob("*") if p.is_file()]
    assert preview.page_image(pages, 1) is None

    monkeypatch.undo()
    assert preview.content_digest(_fresh(doc)) == expected
    _digest2, cached = preview.body_pages(_fresh(doc))
    assert preview.page_image(cached, 1).startswith(b"\x89PNG")
