"""Mẫu 01–05 on A5, filled from the dossier and the issued form's ``content``.

A :class:`~congvu.onestop.models.DossierForm` keeps what the form said that
is not on the dossier (missing papers, refusal reason, delay reason and new
date); a reprint shows those stored values, so it says what the citizen was
given. Mẫu 05 is drawn from the handover records (``DossierStep``) at print time.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace

from django.utils import timezone

from congvu.core.pdf import render_pdf
from congvu.onestop.constants import FormCode, ResultDelivery
from congvu.onestop.models import Dossier, DossierForm
from congvu.procedures.constants import PaperForm

from . import text
from .desk import DESK, agency_issuer, desk_issuer
from .layouts import form_layout

STYLESHEET = "onestop/print/a5.css"


def _lines(value) -> list[str]:
    """A list of strings from a content value given as a list or as text with one item a line."""
    if not value:
        return []
    if isinstance(value, str):
        return [line.strip() for line in value.splitlines() if line.strip()]
    return [str(item.get("name", item) if isinstance(item, dict) else item) for item in value]


def _paper_rows(papers) -> list[dict]:
    """Papers as printed: the form's label (bản chính, bản sao, bản chụp), not its code."""
    labels = dict(PaperForm.choices)
    return [
        {
            "name": p.get("name", ""),
            "form": str(labels.get(p.get("form"), p.get("form") or "")),
            "count": p.get("count", 1),
        }
        for p in papers
    ]


def _papers(dossier: Dossier) -> list[dict]:
    return _paper_rows(
        {"name": p.name, "form": p.form, "count": p.count}
        for p in dossier.papers.all()
        if p.round == 0
    )


def _duration(content: dict, version) -> str:
    if content.get("duration"):
        return content["duration"]
    if content.get("duration_unit"):
        # The time stated when the form was issued, as the service recorded it.
        try:
            value = Decimal(content["duration_value"]) if content.get("duration_value") else None
        except InvalidOperation:
            value = None
        snapshot = SimpleNamespace(
            duration_value=value,
            duration_unit=content["duration_unit"],
            same_day_cutoff=version.same_day_cutoff,
        )
        return text.duration_text(snapshot)
    return text.duration_text(version)


def _applicant(dossier: Dossier) -> dict:
    return {
        "name": dossier.applicant_name,
        "address": dossier.applicant_address,
        "phone": dossier.applicant_phone,
        "email": dossier.applicant_email,
    }


def _base_context(dossier: Dossier, layout, issued_at, *, agency_unit=None, desk=True) -> dict:
    unit = agency_unit or dossier.receiving_unit
    issuer = desk_issuer(unit) if desk else agency_issuer(unit)
    return {
        "title": layout.title,
        "layout": layout,
        "dossier": dossier,
        "agency_parent": issuer.parent,
        "agency_name": issuer.name,
        # The body names the desk with the commune where the dossier was filed.
        "desk": DESK,
        "issuer": issuer,
        "receiving": desk_issuer(dossier.receiving_unit),
        "place": text.place_name(unit),
        "date": text.as_datetime(issued_at),
        "applicant": _applicant(dossier),
        "subject": dossier.subject or dossier.procedure_version.name,
        "procedure_name": dossier.procedure_version.name,
        "receiving_unit": dossier.receiving_unit,
    }


def _receipt(form: DossierForm, context: dict) -> None:
    dossier, content = form.dossier, form.content or {}
    delivery = content.get("result_delivery") or dossier.result_delivery
    due = content.get("appointment") or content.get("due_at") or dossier.due_at
    context.update(
        papers=_paper_rows(content["papers"]) if content.get("papers") else _papers(dossier),
        copies=content.get("copies") or dossier.copies,
        duration=_duration(content, dossier.procedure_version),
        received=text.time_and_date(content.get("received_at") or dossier.received_at),
        due=text.time_and_date(due),
        delivery=str(dict(ResultDelivery.choices).get(delivery, delivery)),
        book_volume=content.get("book_year") or dossier.book_year or text.BLANK,
        book_number=content.get("book_number") or dossier.book_number or text.BLANK,
        receiver=str(form.issued_by or dossier.received_by or ""),
    )


def _supplement(form: DossierForm, context: dict) -> None:
    content = form.content or {}
    unit = form.dossier.receiving_unit
    context.update(
        items=_lines(content.get("items") or content.get("missing")),
        reason=content.get("reason", ""),
        contact_name=str(form.issued_by or ""),
        contact_phone=content.get("contact_phone") or unit.phone,
        guide=str(form.issued_by or ""),
    )


def _refusal(form: DossierForm, context: dict) -> None:
    content = form.content or {}
    context.update(
        reason=content.get("reason", ""),
        receiver=str(form.issued_by or ""),
    )


def _apology(form: DossierForm, context: dict) -> None:
    dossier, content = form.dossier, form.content or {}
    context.update(
        received_on=text.date_words(dossier.received_at or dossier.submitted_at),
        old_due=text.time_and_date(
            content.get("previous_due_at") or content.get("old_due_at") or dossier.due_at
        ),
        new_due=text.date_words(content.get("new_due_at") or dossier.extended_due_at),
        reason=content.get("reason", ""),
    )


FILLERS = {
    FormCode.RECEIPT: _receipt,
    FormCode.SUPPLEMENT: _supplement,
    FormCode.REFUSAL: _refusal,
    FormCode.APOLOGY: _apology,
}


def form_context(form: DossierForm) -> dict:
    dossier = form.dossier
    layout = form_layout(form.form, timezone.localdate(form.issued_at))
    if form.form == FormCode.CONTROL:
        return control_sheet_context(dossier, issued_at=form.issued_at)
    # Mẫu 04 is the competent agency's letter; the others are the desk's.
    apology = form.form == FormCode.APOLOGY
    context = _base_context(
        dossier,
        layout,
        form.issued_at,
        agency_unit=dossier.competent_unit if apology else None,
        desk=not apology,
    )
    FILLERS[form.form](form, context)
    return context


def form_pdf(form: DossierForm) -> bytes:
    """The PDF (A5) of an issued form."""
    context = form_context(form)
    return render_pdf(context["layout"].template, context, stylesheets=[STYLESHEET])


@dataclass
class ControlRow:
    """One handover of Mẫu 05: who gave, who received, when, and how it went against the budget."""

    order: int
    unit: str
    step: str
    handed_at: str
    giver: str
    receiver: str
    outcome: str
    note: str


def _person(user) -> str:
    return str(user) if user else ""


def control_rows(dossier: Dossier) -> list[ControlRow]:
    """Rows of Mẫu 05 from the handover records (``selectors.control_sheet_rows``), in order."""
    from congvu.onestop.selectors import control_sheet_rows

    return [
        ControlRow(
            order=row["order"],
            unit=row["unit"].name,
            step=row["step"],
            handed_at=text.time_and_date(row["handed_at"]) if row["handed_at"] else "",
            giver=_person(row["handed_by"]),
            receiver=_person(row["received_by"]),
            outcome=str(row["outcome_label"]),
            note=row["note"],
        )
        for row in control_sheet_rows(dossier)
    ]


def control_sheet_context(dossier: Dossier, *, issued_at=None) -> dict:
    issued_at = issued_at or timezone.now()
    layout = form_layout(FormCode.CONTROL, timezone.localdate(issued_at))
    context = _base_context(dossier, layout, issued_at)
    rows = control_rows(dossier)
    main = {dossier.receiving_unit.name, dossier.competent_unit.name}
    coordinating = sorted({row.unit for row in rows} - main)
    context.update(
        rows=rows,
        competent_unit=dossier.competent_unit,
        coordinating=", ".join(coordinating),
        due=text.time_and_date(dossier.effective_due_at),
    )
    return context


def control_sheet_pdf(dossier: Dossier) -> bytes:
    """Mẫu 05 (A5) as it stands now."""
    context = control_sheet_context(dossier)
    return render_pdf(context["layout"].template, context, stylesheets=[STYLESHEET])
