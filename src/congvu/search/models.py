"""The search index (chỉ mục tìm kiếm): one row per document, its text folded in Python."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congvu.core.authz import RestrictedManager


class Kind(models.TextChoices):
    INCOMING = "incoming", _("Văn bản đến")
    OUTGOING = "outgoing", _("Văn bản đi")


class SearchDocument(models.Model):
    """Chỉ mục tìm kiếm: the searchable copy of one văn bản đến or văn bản đi.

    ``content`` keeps the original text (for snippets); ``body`` is the same
    text folded by ``congvu.search.text.search_fold`` (lower case, no marks,
    đ→d, punctuation as spaces). PostgreSQL keeps ``to_tsvector('simple', body)``
    in a stored generated column ``body_tsv`` (migration 0004; not a model field,
    so it is never loaded) with a GIN index, plus a pg_trgm index on ``body``, and
    ``head_tsv`` of the ranked fields and access tokens (migration 0008) for the
    bounded candidate tiers; SQLite FTS5 tables ``search_fts`` and ``search_head_fts``. Visibility is the document's own,
    restated over ``unit_id``, ``secrecy`` and ``status`` (``policies.py``).
    """

    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    object_id = models.BigIntegerField(_("mã văn bản"))
    unit_id = models.BigIntegerField(_("đơn vị"), null=True, blank=True)
    secrecy = models.PositiveSmallIntegerField(_("độ mật"), default=0)
    urgency = models.PositiveSmallIntegerField(_("độ khẩn"), default=0)
    date = models.DateField(_("ngày"), null=True, blank=True)
    document_type_id = models.BigIntegerField(_("loại văn bản"), null=True, blank=True)
    register_id = models.BigIntegerField(_("sổ đăng ký"), null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=20, blank=True)
    number_notation = models.CharField(_("số, ký hiệu"), max_length=60, blank=True)
    subject = models.TextField(_("trích yếu"), blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)
    issuer_folded = models.CharField(max_length=255, blank=True)
    #: The ranked fields (``congvu.search.ranking``), folded like ``body``: số ký hiệu,
    #: trích yếu and the signer's name. Short, so scoring reads them and never the body.
    number_folded = models.CharField(max_length=60, blank=True, default="")
    subject_folded = models.TextField(blank=True, default="")
    signer_folded = models.CharField(max_length=255, blank=True, default="")
    #: Trích yếu, issuer and signer in lower case *with* their marks (``text.search_exact``):
    #: a query word typed with its marks ranks "nhiễm" above "nhiệm".
    head_exact = models.TextField(blank=True, default="")
    content = models.TextField(_("nội dung tìm kiếm"), blank=True)
    body = models.TextField(blank=True)
    #: Who may be concerned, as tokens (``congvu.search.access``): a superset of the people
    #: and units that see the document, indexed with the text so PostgreSQL narrows a
    #: search to the actor's documents inside the one GIN scan. Never the authority:
    #: ``policies.py`` still checks the exact rule on every candidate.
    access = models.TextField(blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("chỉ mục tìm kiếm")
        verbose_name_plural = _("chỉ mục tìm kiếm")
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"], name="search_one_row_per_document"
            )
        ]
        indexes = [models.Index(fields=["kind", "date"], name="search_kind_date")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} {self.number_notation}"


class PendingIndex(models.Model):
    """Chỉ mục chờ cập nhật: a document whose index row is due, written with its change.

    A service's change (through ``services.search_index_later``) adds one row in its
    own transaction, so the row exists exactly when the change committed; the indexer
    (``services.search_index_drain``) reindexes the pending documents in batches after
    the commit and deletes the rows it has applied. A crash between the commit and
    the indexing leaves the rows for the next run (the periodic job). Rows only ever
    are added and deleted, never updated: producers never wait on each other or on
    the indexer. Several rows of one document are applied together.
    """

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.BigIntegerField()

    class Meta:
        verbose_name = _("chỉ mục chờ cập nhật")
        verbose_name_plural = _("chỉ mục chờ cập nhật")

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"


class SearchWord(models.Model):
    """Từ vựng tìm kiếm: one distinct folded word of the ranked fields of the index.

    Số ký hiệu, trích yếu, issuer and signer, folded (``SearchDocument.number_folded`` …),
    added by the indexer as it writes rows and never removed (a word whose documents are
    gone only corrects a typo to a word that then matches nothing). The typo fallback
    over the whole table corrects each unknown query word to the nearest word here
    (PostgreSQL trigram index, migration 0011; SQLite FTS5 trigram table kept in step by
    triggers, migration 0012) and then matches exactly: its cost follows the vocabulary,
    not the number of documents.
    """

    word = models.CharField(max_length=64, primary_key=True)

    class Meta:
        verbose_name = _("từ vựng tìm kiếm")
        verbose_name_plural = _("từ vựng tìm kiếm")

    def __str__(self) -> str:
        return self.word


class SearchChange(models.Model):
    """Thay đổi chỉ mục: one index row written or removed, in the order of the changes.

    Written in the same transaction as the ``SearchDocument`` row it announces
    (``services._write_rows``, ``services.search_index_remove``), so it exists exactly
    when that row's change committed. Each node's own full-text index
    (``engines/tantivy.py``) follows this sequence from its position
    (``SearchIndexNode``) and applies the rows again from ``SearchDocument``; rows every
    node has passed are pruned (``engines.sync.prune``). Never updated.
    """

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("thay đổi chỉ mục")
        verbose_name_plural = _("thay đổi chỉ mục")

    def __str__(self) -> str:
        return f"{self.pk} {self.kind}:{self.object_id}"


class SearchIndexNode(models.Model):
    """Nút chỉ mục: one server's full-text index and how far it has followed ``SearchChange``.

    ``position``: every change up to it is in the node's index. Written by the node
    after each sync; pruning keeps the changes any registered node still needs, so a
    retired server must be forgotten (``congvu search_index_sync --forget NAME``).
    """

    name = models.CharField(_("tên nút"), max_length=100, primary_key=True)
    position = models.BigIntegerField(_("vị trí đã áp dụng"), default=0)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("nút chỉ mục")
        verbose_name_plural = _("nút chỉ mục")

    def __str__(self) -> str:
        return f"{self.name} @{self.position}"
