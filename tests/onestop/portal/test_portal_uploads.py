"""The online form's files: one bad file keeps the good ones, several files a paper, limits, inputs."""

import datetime
import io
import re

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

import pytest

from congvu.files.models import StoredFile
from congvu.onestop import services
from congvu.onestop.constants import DossierStatus, FormCode
from congvu.onestop.models import Dossier, DossierForm, PendingUpload
from congvu.onestop.tasks import purge_pending_uploads
from tests.factories import PositionFactory, UserFactory
from tests.files.builders import pdf_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def papers(procedure):
    return list(procedure.versions.get().papers.order_by("order"))


def url(procedure):
    return reverse("onestop_portal:submit", args=[procedure.code])


def base(commune, **overrides):
    data = {
        "commune": commune.pk,
        "type": "person",
        "name": "Lê Thị Hồng Nhung",
        "phone": "0912345678",
        "result_delivery": "office",
    }
    data.update(overrides)
    return data


def kept_tokens(page: str) -> list[str]:
    return re.findall(r'<input type="checkbox" name="keep" value="([^"]+)" checked>', page)


def test_one_bad_file_keeps_the_good_ones_for_the_next_attempt(
    client, citizen, commune, procedure, papers
):
    client.force_login(citizen)
    data = base(commune)
    data[f"paper_{papers[0].pk}"] = upload("to-khai.pdf", pdf_bytes())
    data[f"paper_{papers[1].pk}"] = [
        upload("chung-sinh-trang-1.pdf", pdf_bytes()),
        upload("virus.exe", b"MZ\x90\x00 not a paper"),
    ]
    response = client.post(url(procedure), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Giấy chứng sinh: tệp “virus.exe” không được nhận: Loại tệp không được phép." in page
    assert not Dossier.objects.exists()
    # The two good files are stored and shown as attached, each under its paper.
    assert "Đã đính kèm: to-khai.pdf" in page and "Đã đính kèm: chung-sinh-trang-1.pdf" in page
    tokens = kept_tokens(page)
    assert len(tokens) == 2 == PendingUpload.objects.filter(holder=f"u:{citizen.pk}").count()
    # Sent again with nothing new: the kept files make the dossier.
    response = client.post(url(procedure), {**base(commune), "keep": tokens})
    assert response.status_code == 302, response.content.decode()[:3000]
    dossier = Dossier.objects.get()
    names = sorted(dossier.papers.values_list("file__original_name", flat=True))
    assert names == ["chung-sinh-trang-1.pdf", "to-khai.pdf"]
    owned = StoredFile.objects.filter(owner_type="onestop.dossier", owner_id=str(dossier.pk))
    assert owned.count() == 2
    assert not PendingUpload.objects.exists()


def test_a_field_error_keeps_the_files_too(client, citizen, commune, procedure, papers):
    client.force_login(citizen)
    data = base(commune, name="")
    data[f"paper_{papers[0].pk}"] = upload("to-khai.pdf", pdf_bytes())
    data[f"paper_{papers[1].pk}"] = upload("chung-sinh.pdf", pdf_bytes())
    page = client.post(url(procedure), data).content.decode()
    assert "Họ và tên người nộp: bắt buộc nhập." in page
    assert len(kept_tokens(page)) == 2


def test_kept_files_of_someone_else_attach_nothing(client, citizen, commune, procedure, papers):
    client.force_login(citizen)
    data = base(commune, name="")
    data[f"paper_{papers[0].pk}"] = upload("to-khai.pdf", pdf_bytes())
    data[f"paper_{papers[1].pk}"] = upload("chung-sinh.pdf", pdf_bytes())
    tokens = kept_tokens(client.post(url(procedure), data).content.decode())
    assert len(tokens) == 2
    intruder = UserFactory(citizen=True, email="ke-gian@example.vn")
    client.force_login(intruder)
    response = client.post(url(procedure), {**base(commune), "keep": tokens})
    assert response.status_code == 400
    assert "Tờ khai đăng ký khai sinh: phải tải lên tệp giấy tờ này." in response.content.decode()
    assert not Dossier.objects.exists()
    assert PendingUpload.objects.count() == 2  # still the owner's


def test_several_files_for_one_paper_and_one_line_on_mau_01(
    client, citizen, commune, procedure, papers
):
    client.force_login(citizen)
    data = base(commune)
    data[f"paper_{papers[0].pk}"] = upload("to-khai.pdf", pdf_bytes())
    data[f"paper_{papers[1].pk}"] = [
        upload("trang-1.pdf", pdf_bytes()),
        upload("trang-2.pdf", pdf_bytes()),
    ]
    page = client.get(url(procedure)).content.decode()
    assert len(re.findall(r'<input type="file" name="paper_\d+"[^>]* multiple', page)) == 3
    assert client.post(url(procedure), data).status_code == 302
    dossier = Dossier.objects.get()
    files = dossier.papers.filter(required_paper=papers[1]).values_list(
        "file__original_name", flat=True
    )
    assert sorted(files) == ["trang-1.pdf", "trang-2.pdf"]
    officer = PositionFactory(role="onestop_officer", unit=commune).user
    services.dossier_accept(actor=officer, dossier=dossier)
    receipt = DossierForm.objects.get(dossier=dossier, form=FormCode.RECEIPT)
    assert [p["name"] for p in receipt.content["papers"]] == [
        "Tờ khai đăng ký khai sinh",
        "Giấy chứng sinh",
    ]


def test_the_size_limit_is_stated_next_to_every_file_input(
    client, citizen, procedure, papers, settings
):
    settings.CONGVU_MAX_UPLOAD_BYTES = 7 * 1024 * 1024
    client.force_login(citizen)
    page = client.get(url(procedure)).content.decode()
    hints = re.findall(r'<div class="helptext" id="id_paper_\d+_helptext">([^<]*)</div>', page)
    assert len(hints) == len(papers)
    assert all("Tối đa 7 MB mỗi tệp" in hint for hint in hints)


def test_phone_and_id_inputs_have_their_modes_and_the_profile(client, citizen, procedure):
    client.force_login(citizen)
    page = client.get(url(procedure)).content.decode()
    phone = re.search(r'<input[^>]*name="phone"[^>]*>', page).group(0)
    assert 'inputmode="tel"' in phone and 'autocomplete="tel"' in phone
    assert 'pattern="\\+?[0-9 .]{9,19}"' in phone and 'value="0912345678"' in phone
    id_number = re.search(r'<input[^>]*name="id_number"[^>]*>', page).group(0)
    assert 'inputmode="numeric"' in id_number and 'pattern="[0-9]{9,12}"' in id_number
    assert 'value="083195000123"' in id_number
    email = re.search(r'<input[^>]*name="email"[^>]*>', page).group(0)
    assert 'autocomplete="email"' in email


def test_the_upload_script_gets_the_address_of_the_new_dossier(
    client, citizen, commune, procedure, papers
):
    client.force_login(citizen)
    data = base(commune)
    data[f"paper_{papers[0].pk}"] = upload("to-khai.pdf", pdf_bytes())
    data[f"paper_{papers[1].pk}"] = upload("chung-sinh.pdf", pdf_bytes())
    response = client.post(url(procedure), data, headers={"X-Congvu-Upload": "1"})
    dossier = Dossier.objects.get()
    assert response.status_code == 204
    target = reverse("onestop_portal:detail", args=[dossier.public_token])
    assert response["X-Congvu-Redirect"] == target
    # The success message waits for the page the script opens.
    assert f"Mã hồ sơ của bạn là {dossier.code}" in client.get(target).content.decode()


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (DossierStatus.RECEIVED, "Được tiếp nhận (mã 2)"),
        (DossierStatus.PROCESSING, "Đang xử lý (mã 4)"),
        (DossierStatus.AWAITING_PAYMENT, "Yêu cầu thực hiện nghĩa vụ tài chính (mã 6)"),
    ],
)
def test_the_national_status_is_shown_in_words(client, citizen, commune, procedure, status, words):
    from .test_portal_submit import submit_as

    dossier = submit_as(client, citizen, procedure, commune)
    Dossier.objects.filter(pk=dossier.pk).update(status=status)
    page = client.get(reverse("onestop_portal:detail", args=[dossier.public_token]))
    assert words in page.content.decode()


def test_files_of_forms_never_sent_are_purged(citizen, procedure, papers):
    pending = services.pending_upload_store(
        actor=citizen,
        holder=f"u:{citizen.pk}",
        procedure=procedure,
        required_paper=papers[0],
        upload=upload("to-khai.pdf", pdf_bytes()),
    )
    assert purge_pending_uploads.apply().get() == 0  # the periodic task: nothing stale yet
    later = timezone.now() + datetime.timedelta(days=2)
    assert services.pending_uploads_purge(now=later) == 1
    assert not PendingUpload.objects.exists()
    assert not StoredFile.objects.filter(pk=pending.file_id).exists()


def test_the_purge_is_on_the_schedule_and_run_periodic_runs_it(citizen, procedure, papers):
    pending = services.pending_upload_store(
        actor=citizen,
        holder=f"u:{citizen.pk}",
        procedure=procedure,
        required_paper=papers[0],
        upload=upload("to-khai.pdf", pdf_bytes()),
    )
    PendingUpload.objects.filter(pk=pending.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=2)
    )
    call_command("run_periodic", only=["onestop-pending-uploads"], stdout=io.StringIO())
    assert not PendingUpload.objects.exists()
