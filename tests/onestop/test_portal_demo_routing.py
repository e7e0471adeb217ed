"""On the Thạnh Phú demo: a dossier filed online to xã Thạnh Phú reaches motcua.thanhphu."""

import io
import re

from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

import pytest

from congvu.accounts.models import User
from congvu.demo import data
from congvu.onestop import selectors
from congvu.onestop.models import Dossier
from congvu.org.models import Unit
from congvu.procedures.models import Procedure
from tests.files.builders import pdf_bytes, upload

pytestmark = pytest.mark.django_db

KHAI_SINH = "1.001193"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    # The whole demo, as `make demo` loads it, rolled back at the end of the module.
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_xa_thanh_phu_goes_to_its_one_stop_officer(demo, client):
    citizen = User.objects.get(email=data.CITIZEN_EMAIL)
    officer = User.objects.get(username="motcua.thanhphu")
    other_officer = User.objects.get(username="motcua.daidien")
    commune = Unit.objects.get(admin_code=data.XA_THANH_PHU[1])
    procedure = Procedure.objects.get(code=KHAI_SINH)
    url = reverse("onestop_portal:submit", args=[KHAI_SINH])
    client.force_login(citizen)

    page = client.get(url).content.decode()
    labels = re.findall(r'name="commune" value="\d+" required> ([^<]+)</label>', page)
    # Only communes whose one-stop desk is staffed, by place name; nothing chosen for the citizen.
    assert labels == ["Xã Đại Điền", "Xã Thạnh Phú"]
    assert "Trung tâm Phục vụ hành chính công" not in "".join(labels)
    assert " checked>" not in re.sub(r'name="keep"[^>]*>', "", page)

    before = {d.pk for d in selectors.desk_queue(officer)}
    form = {"commune": commune.pk, "type": "person", "name": citizen.full_name}
    form.update(phone="0912345678", result_delivery="office", subject="Khai sinh cho con")
    for paper in procedure.versions.get(valid_to__isnull=True).papers.filter(required=True):
        form[f"paper_{paper.pk}"] = upload(f"giay-{paper.pk}.pdf", pdf_bytes())
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]

    dossier = Dossier.objects.get(public_token=response["Location"].rstrip("/").split("/")[-1])
    assert dossier.receiving_unit.parent == commune
    assert dossier.receiving_unit.short_name == "TTPVHCC"
    queue = {d.pk for d in selectors.desk_queue(officer)}
    assert queue - before == {dossier.pk}
    assert dossier.pk not in {d.pk for d in selectors.desk_queue(other_officer)}
    # The officer sees it on his reception page.
    client.force_login(officer)
    assert dossier.code in client.get(reverse("onestop:desk")).content.decode()
