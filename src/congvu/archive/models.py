"""Danh mục hồ sơ, hồ sơ công việc and the documents filed in them (Decree 30/2020 Art. 28–30).

Metadata follow Appendix VI (hồ sơ): FileCode, Title, Maintenance (retention),
Creator, StartDate, EndDate, DocTotal, PageTotal.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from congvu.core.authz import RestrictedManager

from .constants import HANDOVER_MIN_YEARS, DocumentKind, WorkFileStatus


class FileCatalog(models.Model):
    """Danh mục hồ sơ: a unit's yearly list of the work files it will keep (Art. 28)."""

    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        related_name="file_catalogs",
        verbose_name=_("cơ quan"),
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người duyệt"),
    )
    approved_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("danh mục hồ sơ")
        verbose_name_plural = _("danh mục hồ sơ")
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="archive_catalog_unique_year")
        ]

    def __str__(self) -> str:
        return str(
            _("Danh mục hồ sơ năm %(year)s – %(unit)s") % {"year": self.year, "unit": self.unit}
        )

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None


class FileCatalogItem(models.Model):
    """Mục trong danh mục hồ sơ: a planned work file with its code, title and retention (thời hạn bảo quản)."""

    catalog = models.ForeignKey(FileCatalog, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("số, ký hiệu hồ sơ"), max_length=20)
    title = models.CharField(_("tiêu đề hồ sơ"), max_length=500)
    retention_years = models.PositiveSmallIntegerField(
        _("thời hạn bảo quản (năm)"), null=True, blank=True
    )
    permanent = models.BooleanField(_("bảo quản vĩnh viễn"), default=False)
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người lập hồ sơ"),
    )
    responsible_unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đơn vị lập hồ sơ"),
    )
    order = models.PositiveIntegerField(default=0)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("mục danh mục hồ sơ")
        verbose_name_plural = _("mục danh mục hồ sơ")
        ordering = ["catalog", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["catalog", "code"], name="archive_item_unique_code"),
            models.CheckConstraint(
                condition=Q(permanent=True, retention_years__isnull=True)
                | Q(permanent=False, retention_years__gte=1),
                name="archive_item_retention",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def retention_display(self) -> str:
        if self.permanent:
            return str(_("Vĩnh viễn"))
        return str(_("%(n)s năm") % {"n": self.retention_years})

    @property
    def goes_to_archive(self) -> bool:
        """Art. 30: kept 5 years or more (or permanently) ⇒ handed to the agency archive."""
        return self.permanent or (self.retention_years or 0) >= HANDOVER_MIN_YEARS


class WorkFile(models.Model):
    """Hồ sơ công việc: the documents of one piece of work, opened, filled, closed, handed over.

    ``code`` has the Appendix VI FileCode shape ``{OrganId}.{year}.{notation}``.
    ``unit`` repeats the catalog's unit so scope rules need no join.
    """

    catalog_item = models.ForeignKey(
        FileCatalogItem, on_delete=models.PROTECT, related_name="work_files"
    )
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="work_files", verbose_name=_("cơ quan")
    )
    code = models.CharField(_("mã hồ sơ"), max_length=60, unique=True)
    title = models.CharField(_("tiêu đề hồ sơ"), max_length=500)
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người lập hồ sơ"),
    )
    start_date = models.DateField(_("ngày bắt đầu"), null=True, blank=True)
    end_date = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=WorkFileStatus.choices, default=WorkFileStatus.OPEN
    )
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handed_over_at = models.DateTimeField(_("sẵn sàng nộp lưu lúc"), null=True, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    doc_total = models.PositiveIntegerField(_("tổng số văn bản"), default=0)
    page_total = models.PositiveIntegerField(_("tổng số tờ"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("hồ sơ công việc")
        verbose_name_plural = _("hồ sơ công việc")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["unit", "status"], name="archive_workfile_unit_status")]

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"


class WorkFileEntry(models.Model):
    """Văn bản trong hồ sơ: a reference to an incoming or outgoing document, in filing order."""

    work_file = models.ForeignKey(WorkFile, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(_("loại"), max_length=10, choices=DocumentKind.choices)
    document_id = models.PositiveBigIntegerField()
    order = models.PositiveIntegerField(default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("văn bản trong hồ sơ")
        verbose_name_plural = _("văn bản trong hồ sơ")
        ordering = ["work_file", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["work_file", "kind", "document_id"], name="archive_entry_unique_document"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.document_id}"
