from django import forms

from congvu.files.forms import MultipleUploadField, UploadField

from . import builders as b


class AttachForm(forms.Form):
    file = UploadField(label="Tệp")


class ManyForm(forms.Form):
    files = MultipleUploadField(label="Tệp", required=False)


def test_upload_field_accepts_a_real_file_and_keeps_what_was_detected():
    form = AttachForm(data={}, files={"file": b.upload("Tờ trình.docx", b.docx_bytes("a"))})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["file"].congvu_detected.kind == "docx"
    assert 'accept=".pdf,.docx' in str(form["file"])


def test_upload_field_reports_the_service_code():
    form = AttachForm(data={}, files={"file": b.upload("a.pdf", b.encrypted_pdf_bytes())})
    assert not form.is_valid()
    assert form.errors.as_data()["file"][0].code == "pdf_encrypted"
    assert "mã hóa" in form.errors["file"][0]


def test_multiple_upload_field_checks_each_file():
    from django.utils.datastructures import MultiValueDict

    files = MultiValueDict(
        {"files": [b.upload("a.pdf", b.pdf_bytes()), b.upload("b.png", b.pdf_bytes())]}
    )
    form = ManyForm(data={}, files=files)
    assert not form.is_valid()
    assert form.errors.as_data()["files"][0].code == "type_mismatch"

    ok = ManyForm(data={}, files=MultiValueDict({"files": [b.upload("a.pdf", b.pdf_bytes())]}))
    assert ok.is_valid(), ok.errors
    assert [u.congvu_detected.kind for u in ok.cleaned_data["files"]] == ["pdf"]
