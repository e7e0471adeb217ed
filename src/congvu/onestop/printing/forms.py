"""Mẫu 01–05 on A5, filled from the dossier and the issued form's ``content``.

A :class:`~congvu.onestop.models.DossierForm` keeps what the form said that
is not on the dossier (missing papers, refusal reason, delay reason and new
date); a reprint shows those stored values, so it says what the citizen was
given. Mẫu 05 is drawn from the handover records (``DossierStep``) at print time.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from congvu.core.pdf import render_pdf
from congvu.onestop.constants import FormCode, StepOutcome
from congvu.onestop.models import Dossier, DossierForm
from congvu.procedures.constants import PaperForm

from . import text
from .layouts import form_layout

STYLESHEET = "onestop/print/a5.css"
DESK = "Bộ phận tiếp nhận và trả kết quả"


def _lines(value) -> list[str]:
    """A list of strings from a content value given as a list or as text with one item a line."""
    if not value:
        return []
    if isinstance(value, str):
        return [line.strip() for line in value.splitlines() if line.strip()]
    return [str(item.get("name", item) if isinstance(item, dict) else item) for item in value]


def _papers(dossier: Dossier) -> list[dict]:
    labels = dict(PaperForm.choices)
    return [
        {"name": p.name, "form": str(labels.get(p.form, p.form)), "count": p.count}
        for p in dossier.papers.all()
        if p.round == 0
    ]


def _applicant(dossier: Dossier) -> dict:
    return {
        "name": dossier.applicant_name,
        "address": dossier.applicant_address,
        "phone": dossier.applicant_phone,
        "email": dossier.applicant_email,
    }


def _base_context(dossier: Dossier, layout, issued_at, *, agency_unit=None, desk=True) -> dict:
    unit = agency_unit or dossier.receiving_unit
    return {
        "title": layout.title,
        "layout": layout,
        "dossier": dossier,
        "agency_parent": unit.name if desk else (unit.parent.name if unit.parent_id else ""),
        "agency_name": DESK if desk else unit.name,
        "place": text.place_name(unit),
        "date": text.as_datetime(issued_at),
        "applicant": _applicant(dossier),
        "subject": dossier.subject or dossier.procedure_version.name,
        "procedure_name": dossier.procedure_version.name,
        "receiving_unit": dossier.receiving_unit,
    }


def _receipt(form: DossierForm, context: dict) -> None:
    dossier, content = form.dossier, form.content or {}
    context.update(
        papers=content.get("papers") or _papers(dossier),
        copies=content.get("copies") or dossier.copies,
        duration=content.get("duration") or text.duration_text(dossier.procedure_version),
        received=text.time_and_date(content.get("received_at") or dossier.received_at),
        due=text.time_and_date(content.get("due_at") or dossier.due_at),
        delivery=dossier.get_result_delivery_display(),
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
        old_due=text.time_and_date(content.get("old_due_at") or dossier.due_at),
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
    """Rows of Mẫu 05 from the dossier's steps, in order."""
    outcomes = dict(StepOutcome.choices)
    rows = []
    previous = None
    steps = dossier.steps.select_related("unit", "assignee", "handed_by", "finished_by")
    for step in steps.order_by("order", "pk"):
        giver = _person(step.handed_by) or (
            _person(previous.finished_by or previous.assignee) if previous else ""
        )
        rows.append(
            ControlRow(
                order=step.order,
                unit=step.unit.name,
                step=step.name,
                handed_at=text.time_and_date(step.started_at) if step.started_at else "",
                giver=giver,
                receiver=_person(step.assignee),
                outcome=str(outcomes.get(step.outcome, "")),
                note=step.note,
            )
        )
        previous = step
    return rows


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
