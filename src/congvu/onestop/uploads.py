"""Files of the online form kept between two submissions of the form (tệp đã tải lên, chờ nộp)."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from congvu.core.authz import RestrictedManager


def _token() -> str:
    return secrets.token_urlsafe(24)


class PendingUpload(models.Model):
    """Tệp chờ nộp: a valid file of one paper, uploaded on the online form before the dossier exists.

    When the form comes back with an error (a bad file, a missing field), the
    valid files are stored here so the citizen does not upload them again;
    the form carries their ``token``. ``holder`` ties them to whoever
    uploaded them (``u:<user pk>`` for an account, ``s:<session key>``
    otherwise): a token alone never attaches someone else's file. At
    submission the stored file moves onto the dossier and the row goes.
    """

    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    holder = models.CharField(max_length=80, db_index=True)
    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.CASCADE, related_name="+"
    )
    required_paper = models.ForeignKey(
        "procedures.RequiredPaper", on_delete=models.CASCADE, related_name="+"
    )
    # Null only for the instant between the row and its file (the file needs an owner).
    file = models.ForeignKey(
        "files.StoredFile", on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("tệp chờ nộp")
        verbose_name_plural = _("tệp chờ nộp")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.required_paper_id}: {self.file_id}"
