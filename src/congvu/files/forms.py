"""A form field for uploads that applies the same checks as ``file_store``."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from congvu.core.errors import ServiceError

from .validation import EXTENSIONS, file_validate

ACCEPT = ",".join(f".{ext}" for ext in EXTENSIONS)


def validate_upload(upload):
    """Django validator wrapper of :func:`file_validate` (keeps the stable code)."""
    try:
        return file_validate(upload)
    except ServiceError as exc:
        raise ValidationError(exc.message, code=exc.code) from exc


class UploadField(forms.FileField):
    """A file input limited to the allowed types; ``cleaned_data`` keeps the upload.

    After cleaning, ``upload.congvu_detected`` holds the ``DetectedFile``.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 255)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", ACCEPT)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and upload is not initial:
            upload.congvu_detected = validate_upload(upload)
        return upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleUploadField(UploadField):
    """Several uploads in one input; each is checked."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super(UploadField, self).clean
        if isinstance(data, list | tuple):
            if not data and self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            uploads = [single(d, initial) for d in data]
        else:
            uploads = [single(data, initial)] if data else []
        for upload in uploads:
            upload.congvu_detected = validate_upload(upload)
        return uploads
