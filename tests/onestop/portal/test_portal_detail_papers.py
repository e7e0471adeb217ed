"""The citizen's dossier page names the file under each paper, so two files of one paper differ."""

import html

from django.urls import reverse

import pytest

from congvu.onestop.models import Dossier
from tests.files.builders import pdf_bytes, upload

from .makers import make_citizen, make_commune, make_procedure

pytestmark = pytest.mark.django_db


def test_each_submitted_paper_line_names_its_file(client):
    commune = make_commune()
    procedure = make_procedure()
    papers = list(procedure.versions.get().papers.order_by("order"))
    citizen = make_citizen()
    client.force_login(citizen)
    data = {
        "commune": commune.pk,
        "type": "person",
        "name": "Lê Thị Hồng Nhung",
        "phone": "0912345678",
        "result_delivery": "office",
        f"paper_{papers[0].pk}": upload("to-khai.pdf", pdf_bytes()),
        f"paper_{papers[1].pk}": [
            upload("trang-1.pdf", pdf_bytes()),
            upload("trang-2.pdf", pdf_bytes()),
        ],
    }
    response = client.post(reverse("onestop_portal:submit", args=[procedure.code]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier = Dossier.objects.get()

    page = html.unescape(
        client.get(reverse("onestop_portal:detail", args=[dossier.public_token])).content.decode()
    )

    assert "Tờ khai đăng ký khai sinh — to-khai.pdf" in page
    assert "Giấy chứng sinh — trang-1.pdf" in page
    assert "Giấy chứng sinh — trang-2.pdf" in page
