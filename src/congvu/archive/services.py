"""Changes to catalogs and work files (hồ sơ công việc), Decree 30/2020 Art. 28–30.

Each transition is its own function that checks the state it starts from,
saves with ``update_fields`` and writes its audit record in the same
transaction.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.accounts.constants import LEADER_ROLES, Role
from congvu.audit.services import log_action, snapshot
from congvu.core.authz import as_actor
from congvu.core.errors import PermissionDenied, ServiceError, TransitionNotAllowed

from . import documents
from .constants import DocumentKind, WorkFileStatus
from .models import FileCatalog, FileCatalogItem, WorkFile, WorkFileEntry

DESK_ROLES = {Role.CLERK, *LEADER_ROLES}


def _user(actor):
    user = getattr(actor, "user", actor)
    return user if getattr(user, "is_authenticated", False) else None


def can_manage_catalog(actor, unit_id: int) -> bool:
    """Lập danh mục hồ sơ: the unit's văn thư or leaders, its administrators, a system admin."""
    actor = as_actor(actor)
    if actor.is_system_admin or unit_id in actor.admin_unit_ids:
        return True
    return bool(actor.roles.get(unit_id, set()) & DESK_ROLES)


def can_approve_catalog(actor, unit_id: int) -> bool:
    """Duyệt danh mục hồ sơ: the head (or deputy) of the unit (Art. 28(3))."""
    actor = as_actor(actor)
    return actor.is_system_admin or bool(actor.roles.get(unit_id, set()) & LEADER_ROLES)


def can_open_work_file(actor, unit_id: int) -> bool:
    """Mở hồ sơ: anyone holding a position in the unit (Art. 29: whoever handles the work)."""
    actor = as_actor(actor)
    return actor.is_system_admin or unit_id in actor.unit_ids


def can_edit_work_file(actor, work_file: WorkFile) -> bool:
    """Its creator, the person responsible for the catalog item, the unit's clerk or leaders."""
    actor = as_actor(actor)
    if actor.is_system_admin:
        return True
    uid = actor.user_id
    if uid is not None and uid in (
        work_file.creator_id,
        work_file.catalog_item.responsible_user_id,
    ):
        return True
    return bool(actor.roles.get(work_file.unit_id, set()) & DESK_ROLES)


def can_hand_over(actor, work_file: WorkFile) -> bool:
    """Chuẩn bị nộp lưu: the unit's văn thư or leaders (they deliver to the agency archive)."""
    actor = as_actor(actor)
    return actor.is_system_admin or bool(actor.roles.get(work_file.unit_id, set()) & DESK_ROLES)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message, code="permission_denied")


# --- Danh mục hồ sơ --------------------------------------------------------------


@transaction.atomic
def catalog_create(*, actor, unit, year: int) -> FileCatalog:
    """Lập danh mục hồ sơ of ``unit`` for ``year`` (one per unit and year)."""
    _require(
        can_manage_catalog(actor, unit.pk),
        _("Chỉ văn thư, lãnh đạo hoặc quản trị đơn vị được lập danh mục hồ sơ."),
    )
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ServiceError(_("Năm không hợp lệ."), code="invalid_year", field="year")
    if FileCatalog.objects.filter(unit=unit, year=year).exists():
        raise ServiceError(
            _("Đơn vị đã có danh mục hồ sơ năm %(year)s.") % {"year": year},
            code="catalog_exists",
            field="year",
        )
    catalog = FileCatalog.objects.create(unit=unit, year=year, created_by=_user(actor))
    log_action(
        actor=actor,
        action="congvu.archive.catalog.created",
        obj=catalog,
        unit=unit.pk,
        after=snapshot(catalog),
    )
    return catalog


@transaction.atomic
def catalog_item_add(
    *,
    actor,
    catalog: FileCatalog,
    code: str,
    title: str,
    retention_years: int | None = None,
    permanent: bool = False,
    responsible_user=None,
    responsible_unit=None,
) -> FileCatalogItem:
    """Thêm mục vào danh mục: số, ký hiệu hồ sơ, tiêu đề and thời hạn bảo quản."""
    _require(
        can_manage_catalog(actor, catalog.unit_id),
        _("Chỉ văn thư, lãnh đạo hoặc quản trị đơn vị được sửa danh mục hồ sơ."),
    )
    code = (code or "").strip()
    title = (title or "").strip()
    if not code:
        raise ServiceError(_("Nhập số, ký hiệu hồ sơ."), code="required", field="code")
    if len(code) > 20:
        raise ServiceError(
            _("Số, ký hiệu hồ sơ dài tối đa 20 ký tự."), code="too_long", field="code"
        )
    if not title:
        raise ServiceError(_("Nhập tiêu đề hồ sơ."), code="required", field="title")
    if permanent:
        retention_years = None
    elif not retention_years or retention_years < 1:
        raise ServiceError(
            _("Nhập thời hạn bảo quản (số năm) hoặc chọn vĩnh viễn."),
            code="retention_required",
            field="retention_years",
        )
    if catalog.items.filter(code=code).exists():
        raise ServiceError(
            _("Danh mục đã có hồ sơ số, ký hiệu %(code)s.") % {"code": code},
            code="duplicate_code",
            field="code",
        )
    order = (catalog.items.aggregate(m=Max("order"))["m"] or 0) + 1
    item = FileCatalogItem.objects.create(
        catalog=catalog,
        code=code,
        title=title,
        retention_years=retention_years,
        permanent=bool(permanent),
        responsible_user=responsible_user,
        responsible_unit=responsible_unit,
        order=order,
    )
    log_action(
        actor=actor,
        action="congvu.archive.catalog_item.added",
        obj=item,
        unit=catalog.unit_id,
        after=snapshot(item),
    )
    return item


@transaction.atomic
def catalog_approve(*, actor, catalog: FileCatalog) -> FileCatalog:
    """Duyệt danh mục hồ sơ (Art. 28): by the head of the unit, once, with at least one item."""
    catalog = FileCatalog.objects.select_for_update().get(pk=catalog.pk)
    _require(
        can_approve_catalog(actor, catalog.unit_id),
        _("Chỉ lãnh đạo đơn vị được duyệt danh mục hồ sơ."),
    )
    if catalog.is_approved:
        raise TransitionNotAllowed(_("Danh mục hồ sơ đã được duyệt."), code="catalog_approved")
    if not catalog.items.exists():
        raise ServiceError(
            _("Danh mục hồ sơ chưa có mục nào."), code="catalog_empty", field="items"
        )
    before = snapshot(catalog, ["approved_at", "approved_by"])
    catalog.approved_at = timezone.now()
    catalog.approved_by = _user(actor)
    catalog.save(update_fields=["approved_at", "approved_by"])
    log_action(
        actor=actor,
        action="congvu.archive.catalog.approved",
        obj=catalog,
        unit=catalog.unit_id,
        before=before,
        after=snapshot(catalog, ["approved_at", "approved_by"]),
    )
    return catalog


# --- Hồ sơ công việc ---------------------------------------------------------------


def file_code_for(item: FileCatalogItem) -> str:
    """Appendix VI FileCode: ``{OrganId}.{year}.{notation}``; a second file of an item gets -02…"""
    unit = item.catalog.unit
    organ = unit.code or unit.short_name or str(unit.pk)
    base = f"{organ}.{item.catalog.year}.{item.code}"
    code, n = base, 1
    while WorkFile.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n:02d}"
    return code


@transaction.atomic
def work_file_open(
    *, actor, catalog_item: FileCatalogItem, title: str = "", start_date=None
) -> WorkFile:
    """Mở hồ sơ for an item of an approved catalog (Art. 29(2)(a))."""
    catalog = catalog_item.catalog
    _require(
        can_open_work_file(actor, catalog.unit_id),
        _("Chỉ cán bộ của đơn vị được mở hồ sơ."),
    )
    if not catalog.is_approved:
        raise TransitionNotAllowed(
            _("Danh mục hồ sơ chưa được duyệt: chưa mở được hồ sơ."), code="catalog_not_approved"
        )
    title = (title or "").strip() or catalog_item.title
    try:
        with transaction.atomic():
            work_file = WorkFile.objects.create(
                catalog_item=catalog_item,
                unit_id=catalog.unit_id,
                code=file_code_for(catalog_item),
                title=title,
                creator=_user(actor),
                start_date=start_date,
            )
    except IntegrityError as exc:
        raise ServiceError(
            _("Mã hồ sơ vừa được dùng; thử lại."), code="code_taken", field="code"
        ) from exc
    log_action(
        actor=actor,
        action="congvu.archive.work_file.opened",
        obj=work_file,
        unit=catalog.unit_id,
        after=snapshot(work_file),
    )
    return work_file


def _lock(work_file: WorkFile) -> WorkFile:
    return (
        WorkFile.objects.select_related("catalog_item")
        .select_for_update(of=("self",))
        .get(pk=work_file.pk)
    )


def _require_open(work_file: WorkFile) -> None:
    if work_file.status != WorkFileStatus.OPEN:
        raise TransitionNotAllowed(
            _("Hồ sơ đã kết thúc: không thay đổi được văn bản trong hồ sơ."),
            code="work_file_closed",
        )


@transaction.atomic
def work_file_add_document(*, actor, work_file: WorkFile, kind: str, document_id) -> WorkFileEntry:
    """Đưa văn bản vào hồ sơ: a document the actor can see, once, into an open file."""
    work_file = _lock(work_file)
    _require(can_edit_work_file(actor, work_file), _("Bạn không được sửa hồ sơ này."))
    _require_open(work_file)
    if kind not in DocumentKind.values:
        raise ServiceError(_("Loại văn bản không hợp lệ."), code="invalid_kind", field="kind")
    ref = documents.visible_document(actor=actor, kind=kind, document_id=document_id)
    if ref is None:
        raise ServiceError(
            _("Không tìm thấy văn bản hoặc bạn không được xem văn bản này."),
            code="document_not_found",
            field="document_id",
        )
    if work_file.entries.filter(kind=kind, document_id=ref.id).exists():
        raise ServiceError(
            _("Văn bản đã có trong hồ sơ."), code="duplicate_document", field="document_id"
        )
    order = (work_file.entries.aggregate(m=Max("order"))["m"] or 0) + 1
    entry = WorkFileEntry.objects.create(
        work_file=work_file, kind=kind, document_id=ref.id, order=order, added_by=_user(actor)
    )
    log_action(
        actor=actor,
        action="congvu.archive.work_file.document_added",
        obj=work_file,
        unit=work_file.unit_id,
        after={"kind": kind, "document_id": ref.id, "entry": entry.pk},
    )
    return entry


@transaction.atomic
def work_file_remove_document(*, actor, entry: WorkFileEntry) -> None:
    """Rút văn bản khỏi hồ sơ, only while the file is open."""
    work_file = _lock(entry.work_file)
    _require(can_edit_work_file(actor, work_file), _("Bạn không được sửa hồ sơ này."))
    _require_open(work_file)
    before = {"kind": entry.kind, "document_id": entry.document_id, "entry": entry.pk}
    entry.delete()
    log_action(
        actor=actor,
        action="congvu.archive.work_file.document_removed",
        obj=work_file,
        unit=work_file.unit_id,
        before=before,
    )


@transaction.atomic
def work_file_close(
    *, actor, work_file: WorkFile, end_date: datetime.date | None = None
) -> WorkFile:
    """Kết thúc hồ sơ (Art. 29(2)(c)): computes DocTotal, PageTotal, StartDate and EndDate."""
    work_file = _lock(work_file)
    _require(can_edit_work_file(actor, work_file), _("Bạn không được kết thúc hồ sơ này."))
    if work_file.status != WorkFileStatus.OPEN:
        raise TransitionNotAllowed(_("Hồ sơ đã kết thúc."), code="work_file_closed")
    pairs = list(work_file.entries.values_list("kind", "document_id"))
    if not pairs:
        raise ServiceError(
            _("Hồ sơ chưa có văn bản nào: không kết thúc được."), code="work_file_empty"
        )
    refs = documents.all_refs(pairs)
    dates = [r.date for r in refs if r.date]
    before = snapshot(work_file)
    work_file.doc_total = len(refs)
    work_file.page_total = sum(r.pages for r in refs)
    if dates:
        work_file.start_date = min(dates + ([work_file.start_date] if work_file.start_date else []))
        work_file.end_date = max(dates)
    if end_date:
        work_file.end_date = end_date
    work_file.status = WorkFileStatus.CLOSED
    work_file.closed_at = timezone.now()
    work_file.closed_by = _user(actor)
    work_file.save(
        update_fields=[
            "doc_total",
            "page_total",
            "start_date",
            "end_date",
            "status",
            "closed_at",
            "closed_by",
        ]
    )
    log_action(
        actor=actor,
        action="congvu.archive.work_file.closed",
        obj=work_file,
        unit=work_file.unit_id,
        before=before,
        after=snapshot(work_file),
    )
    return work_file


@transaction.atomic
def work_file_mark_handed_over(*, actor, work_file: WorkFile) -> WorkFile:
    """Sẵn sàng nộp lưu (Art. 30): a closed file kept ≥5 years goes to the agency archive."""
    work_file = _lock(work_file)
    _require(can_hand_over(actor, work_file), _("Chỉ văn thư hoặc lãnh đạo đơn vị được nộp lưu."))
    if work_file.status != WorkFileStatus.CLOSED:
        raise TransitionNotAllowed(
            _("Chỉ hồ sơ đã kết thúc mới được chuẩn bị nộp lưu."), code="work_file_not_closed"
        )
    if not work_file.catalog_item.goes_to_archive:
        raise TransitionNotAllowed(
            _("Hồ sơ có thời hạn bảo quản dưới 5 năm không nộp lưu vào lưu trữ cơ quan."),
            code="retention_too_short",
        )
    before = snapshot(work_file, ["status", "handed_over_at", "handed_over_by"])
    work_file.status = WorkFileStatus.HANDED_OVER
    work_file.handed_over_at = timezone.now()
    work_file.handed_over_by = _user(actor)
    work_file.save(update_fields=["status", "handed_over_at", "handed_over_by"])
    log_action(
        actor=actor,
        action="congvu.archive.work_file.handed_over",
        obj=work_file,
        unit=work_file.unit_id,
        before=before,
        after=snapshot(work_file, ["status", "handed_over_at", "handed_over_by"]),
    )
    return work_file
