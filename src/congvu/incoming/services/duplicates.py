"""Duplicate check of văn bản đến (Art. 22): same issuer, số ký hiệu and date.

Shared by the two ways a document is vào sổ (typed in or from an edXML
package: ``incoming_register``; an internal copy: ``incoming_register_pending``)
so both refuse a likely duplicate the same way.
"""

from __future__ import annotations

import datetime
import re

from django.db import connection
from django.utils.translation import gettext as _

from congvu.core.errors import ServiceError
from congvu.core.text import fold

from ..constants import Status
from ..models import ExternalOrganization, IncomingDocument
from .common import notation_key


def issuer_label(issuer_unit, issuer_external, issuer_name: str) -> str:
    if issuer_unit is not None:
        return issuer_unit.name
    if issuer_external is not None:
        return issuer_external.name
    return (issuer_name or "").strip()


def incoming_find_duplicates(
    *,
    actor,
    unit,
    number_notation: str,
    document_date: datetime.date,
    issuer_unit=None,
    issuer_external=None,
    issuer_name: str = "",
    exclude_pk=None,
):
    """Likely duplicates in ``unit``: same issuer, số ký hiệu and date (flagged before saving).

    Only documents already vào sổ (with a số đến) count: an internal copy still
    waiting for the văn thư (``pending``) is the same document on its way in,
    not one registered before, and the warning names the số đến it was given.
    """
    name = fold(issuer_label(issuer_unit, issuer_external, issuer_name))
    key = notation_key(number_notation)
    # Compare on four columns of the unit's documents of that date (they can be many),
    # then load the few matches whole, through restrict(): the same documents as
    # filtering the scan itself, but the policy's query is built only when something
    # matched, not on every registration. Folding keeps the ASCII digits of a số, ký hiệu and their order (checked over
    # every code point), so an equal key has these digits in this order: a LIKE drops
    # most of the day's documents in the database (a regular expression costs more
    # there than the rows it saves) before Python folds the rest. Plain SQL: this runs
    # on every registration and the ORM spent more building it than the database did.
    table = IncomingDocument._meta.db_table
    sql = (
        "SELECT id, number_notation, issuer_unit_id, issuer_external_id, issuer_name "  # noqa: S608
        f"FROM {table} WHERE unit_id = %s AND document_date = %s AND status <> %s"
        " AND arrival_number IS NOT NULL"
    )
    params = [
        getattr(unit, "pk", unit),
        connection.ops.adapt_datefield_value(document_date),
        Status.RETURNED.value,
    ]
    if exclude_pk is not None:
        sql += " AND id <> %s"
        params.append(exclude_pk)
    digits = re.sub(r"[^0-9]", "", key)
    if digits:
        sql += " AND number_notation LIKE %s"
        params.append("%" + "%".join(digits) + "%")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    candidates = [row for row in rows if notation_key(row[1]) == key]
    found = [
        pk
        for pk, _notation, unit_id, external_id, issuer in candidates
        if (issuer_unit is not None and unit_id == issuer_unit.pk)
        or (issuer_external is not None and external_id == issuer_external.pk)
        or fold(issuer) == name
    ]
    code = _agency_code(issuer_unit, issuer_external)
    if code and len(found) < len(candidates):
        found += _same_agency(code, [row for row in candidates if row[0] not in found])
    if not found:
        return []
    return list(IncomingDocument.objects.restrict(actor, "view").filter(pk__in=found))


def _agency_code(issuer_unit, issuer_external) -> str:
    if issuer_unit is not None:
        return issuer_unit.agency_code()
    if issuer_external is not None:
        return (issuer_external.code or "").strip()
    return ""


def _same_agency(code: str, rows) -> list[int]:
    """The pks of ``rows`` whose issuer carries the agency ``code``.

    An internal copy's issuer is a Unit and an edXML package's an outside
    organisation named after the package's sender (its ``organ_id``): the
    names can be written differently, the code is the same agency. Only the
    few rows that already matched the số, ký hiệu and date get here.
    """
    from congvu.org.models import Unit

    unit_ids = {unit_id for _pk, _n, unit_id, _e, _i in rows if unit_id}
    external_ids = {external_id for _pk, _n, _u, external_id, _i in rows if external_id}
    units = Unit.objects.select_related("parent").in_bulk(unit_ids) if unit_ids else {}
    codes = {}
    if external_ids:
        codes = dict(
            ExternalOrganization.objects.filter(pk__in=external_ids).values_list("pk", "code")
        )
    return [
        pk
        for pk, _n, unit_id, external_id, _i in rows
        if (unit_id in units and units[unit_id].agency_code() == code)
        or (external_id is not None and (codes.get(external_id) or "").strip() == code)
    ]


def refuse_duplicates(
    actor,
    *,
    unit,
    number_notation,
    document_date,
    issuer_unit=None,
    issuer_external=None,
    issuer_name="",
    exclude_pk=None,
) -> None:
    """Raise ``duplicate_suspected`` (field ``confirm_duplicate``) naming each likely duplicate."""
    dupes = incoming_find_duplicates(
        actor=actor,
        unit=unit,
        number_notation=number_notation,
        document_date=document_date,
        issuer_unit=issuer_unit,
        issuer_external=issuer_external,
        issuer_name=issuer_name,
        exclude_pk=exclude_pk,
    )
    if dupes:
        raise ServiceError(
            _(
                "Có thể trùng %(documents)s: cùng cơ quan ban hành, số, ký hiệu và ngày. "
                "Kiểm tra lại, nếu đúng là văn bản khác thì xác nhận để vào sổ."
            )
            % {"documents": "; ".join(_duplicate_label(d) for d in dupes)},
            code="duplicate_suspected",
            field="confirm_duplicate",
        )


def _duplicate_label(document: IncomingDocument) -> str:
    """ "văn bản số 12/QĐ-UBND của <cơ quan>, đã vào sổ với số đến 05": the sender's số, ký hiệu
    is never shown as if it were our số đến."""
    return _("văn bản số %(notation)s của %(issuer)s, đã vào sổ với số đến %(number)s") % {
        "notation": document.number_notation,
        "issuer": document.issuer_name,
        "number": document.arrival_number_display,
    }
