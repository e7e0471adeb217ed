"""Trích yếu has a length limit (issue 11: a 9.8 MB subject was accepted)."""

import pytest
from rest_framework.test import APIClient

from congvu.core.errors import ServiceError
from congvu.incoming.constants import SUBJECT_MAX_LENGTH
from congvu.incoming.forms import RegisterForm
from congvu.incoming.models import IncomingDocument

pytestmark = pytest.mark.django_db

TOO_LONG = "V/v " + "báo cáo " * 300  # 2,404 characters
LONGEST = "V/v " + "x" * (SUBJECT_MAX_LENGTH - 4)


def test_limit_is_sane():
    assert 1000 <= SUBJECT_MAX_LENGTH <= 5000
    assert len(TOO_LONG.strip()) > SUBJECT_MAX_LENGTH


def test_service_refuses_a_too_long_subject(register_doc):
    with pytest.raises(ServiceError) as exc:
        register_doc(subject=TOO_LONG)
    assert exc.value.code == "too_long"
    assert exc.value.errors[0].field == "subject"
    assert "2.000" in str(exc.value.message)
    assert not IncomingDocument.objects.exists()
    assert register_doc(subject=LONGEST).subject == LONGEST


def test_api_refuses_a_too_long_subject(clerk, commune, cong_van):
    client = APIClient()
    client.force_login(clerk)
    data = {
        "unit": commune.pk,
        "issuer_name": "Sở Y tế tỉnh Vĩnh Long",
        "number_notation": "101/SYT-NVY",
        "document_date": "2026-03-02",
        "document_type": cong_van.pk,
        "subject": TOO_LONG,
    }
    resp = client.post("/api/v1/incoming-documents/", data, format="json")
    assert resp.status_code == 400
    (error,) = resp.json()["errors"]
    assert error["field"] == "subject" and error["code"] == "max_length"
    assert "2000" in error["message"]
    assert not IncomingDocument.objects.exists()


def test_form_refuses_a_too_long_subject():
    form = RegisterForm(data={"subject": TOO_LONG})
    assert not form.is_valid()
    assert "subject" in form.errors
    assert 'maxlength="2000"' in str(form["subject"])
    assert "subject" not in RegisterForm(data={"subject": LONGEST}).errors
