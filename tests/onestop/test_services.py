"""The dossier transitions of the service contract: statuses, forms, pauses, steps, notices."""

from django.core import mail

import pytest

from congvu.audit.models import AuditRecord
from congvu.core.errors import PermissionDenied, ServiceError, TransitionNotAllowed
from congvu.files.models import StoredFile
from congvu.inbox.models import Notification
from congvu.onestop import services, sms
from congvu.onestop.constants import DossierStatus, FormCode, PauseReason
from congvu.onestop.models import (
    ClockPause,
    Dossier,
    DossierCounter,
    DossierForm,
    DueChange,
    Rating,
)
from congvu.onestop.selectors import available_actions, control_sheet_rows, desk_queue
from tests.factories import PositionFactory, UnitFactory

from .conftest import at, pdf

pytestmark = pytest.mark.django_db(transaction=False)


def test_online_submission_gets_a_daily_code_and_waits_at_the_desk(
    submit, commune, citizen, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = submit()
    second = submit(when=at(3, 2, 16))
    third = submit(when=at(3, 3, 8))
    assert first.code == "000.01.31.H57-260302-0001"
    assert second.code == "000.01.31.H57-260302-0002"
    assert third.code == "000.01.31.H57-260303-0001"
    assert first.status == DossierStatus.SUBMITTED and first.national_status == 1
    assert first.applicant == citizen
    assert first.applicant_phone == "0912345678"
    assert first.papers.count() == 2
    assert StoredFile.objects.filter(owner_id=str(first.pk), purpose="paper").count() == 2
    assert list(desk_queue(officer)) == [first, second, third]
    assert AuditRecord.objects.filter(action="congvu.onestop.dossier.submit_online").count() == 3
    assert [m.phone for m in sms.outbox] == ["0912345678"]
    assert "000.01.31.H57-260302-0001" in sms.outbox[0].text
    assert mail.outbox[-1].to == ["binh@congvu.test"]


def test_unit_without_code_is_refused(submit, commune):
    commune.code = ""
    commune.save()
    with pytest.raises(ServiceError) as err:
        submit()
    assert err.value.code == "unit_without_code"
    assert err.value.errors[0].field == "receiving_unit"
    assert not DossierCounter.objects.exists()


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"name": " "}, "required", "name"),
        ({"phone": "12345"}, "invalid_phone", "phone"),
        ({"email": "khong-phai-email"}, "invalid_email", "email"),
        ({"id_number": "12ab"}, "invalid_id_number", "id_number"),
    ],
)
def test_applicant_errors_name_the_field(submit, applicant, change, code, field):
    with pytest.raises(ServiceError) as err:
        submit(applicant={**applicant, **change})
    assert err.value.code == code
    assert field in [e.field for e in err.value.errors]


def test_missing_required_paper_is_refused(submit, version):
    one = version.papers.get(order=1)
    with pytest.raises(ServiceError) as err:
        submit(papers=[(one, pdf())])
    assert err.value.code == "papers_missing"
    assert "Giấy chứng sinh" in err.value.message


def test_official_cannot_submit_online(submit, officer):
    with pytest.raises(PermissionDenied):
        submit(actor=officer)


def test_anonymous_submission_has_no_account(submit):
    from django.contrib.auth.models import AnonymousUser

    dossier = submit(actor=AnonymousUser())
    assert dossier.applicant is None


def test_accept_computes_due_issues_receipt_and_copies_steps(received, officer):
    dossier = received
    assert dossier.status == DossierStatus.RECEIVED and dossier.national_status == 2
    # 3 working days = 24 office hours from Mon 09:30 -> Thu 09:30.
    assert dossier.due_at == at(3, 5, 9, 30)
    assert (dossier.book_year, dossier.book_number) == (2026, 1)
    receipt = DossierForm.objects.get(dossier=dossier, form=FormCode.RECEIPT)
    assert receipt.content["appointment"].startswith("2026-03-05T09:30")
    assert receipt.content["book_number"] == 1
    assert [p["name"] for p in receipt.content["papers"]] == [
        "Tờ khai đăng ký khai sinh",
        "Giấy chứng sinh",
    ]
    steps = list(dossier.steps.order_by("order"))
    assert [s.kind for s in steps] == ["reception", "appraisal", "approval", "result"]
    assert sum(s.budget_hours for s in steps) == 24
    assert steps[0].started_at == at(3, 2, 9, 30) and steps[0].assignee == officer
    assert dossier.current_step == steps[0]
    assert dossier.events.filter(action="accepted", public=True).exists()


def test_accept_needs_the_desk_of_the_receiving_unit(submit, outsider, specialist):
    dossier = submit()
    for who in (outsider, specialist):
        with pytest.raises(PermissionDenied):
            services.dossier_accept(actor=who, dossier=dossier)


def test_accept_twice_is_a_transition_error(received, officer):
    with pytest.raises(TransitionNotAllowed):
        services.dossier_accept(actor=officer, dossier=received)


def test_walk_in_registration_is_accepted_at_once(procedure, version, commune, officer, applicant):
    papers = [(p, None) for p in version.papers.filter(required=True)]
    dossier = services.dossier_register_direct(
        actor=officer,
        procedure=procedure,
        receiving_unit=commune,
        channel="direct",
        applicant=applicant,
        papers=papers,
        when=at(3, 2, 18),  # after hours: the clock starts Tue 07:30
    )
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.clock_start_at == at(3, 3, 7, 30)
    assert dossier.due_at == at(3, 5, 17)
    assert dossier.forms.filter(form=FormCode.RECEIPT).exists()
    assert dossier.applicant is None


def test_processing_to_result_with_step_outcomes(received, officer, specialist, leader):
    dossier = services.dossier_step_complete(
        actor=officer, dossier=received, next_assignee=specialist, when=at(3, 2, 10)
    )
    assert dossier.status == DossierStatus.PROCESSING
    assert Notification.objects.filter(user=specialist, kind="onestop_step").exists()
    assert "processing" in dossier.events.values_list("action", flat=True)
    # The specialist appraises late: 12 h budget from Mon 10:00 -> Wed 10:00.
    dossier = services.dossier_step_complete(
        actor=specialist, dossier=dossier, next_assignee=leader, when=at(3, 4, 15)
    )
    with pytest.raises(TransitionNotAllowed) as err:
        services.dossier_step_complete(actor=leader, dossier=dossier, when=at(3, 4, 16))
    assert err.value.code == "finish_required"
    dossier = services.dossier_finish(
        actor=leader, dossier=dossier, result_file=pdf("ket-qua.pdf"), when=at(3, 4, 16)
    )
    assert dossier.status == DossierStatus.DONE and dossier.national_status == 9
    assert dossier.outcome == "early"  # due Thu 09:30, done Wed
    assert StoredFile.objects.filter(owner_id=str(dossier.pk), purpose="result").exists()
    rows = control_sheet_rows(dossier)
    assert [r["outcome"] for r in rows] == ["on_time", "late", "early", ""]
    assert rows[1]["handed_by"] == officer and rows[1]["received_by"] == specialist
    dossier = services.dossier_return_result(actor=officer, dossier=dossier, when=at(3, 5, 8))
    assert dossier.status == DossierStatus.RETURNED and dossier.returned_at == at(3, 5, 8)
    assert control_sheet_rows(dossier)[-1]["outcome"] == "on_time"


def test_finish_is_refused_while_steps_remain(received, officer):
    with pytest.raises(TransitionNotAllowed) as err:
        services.dossier_finish(actor=officer, dossier=received)
    assert err.value.code == "steps_remaining"


def test_supplement_pauses_and_resume_pushes_due(received, officer, citizen):
    dossier = services.dossier_request_supplement(
        actor=officer, dossier=received, items=["Bản sao CCCD"], when=at(3, 3, 9, 30)
    )
    assert dossier.status == DossierStatus.SUPPLEMENT and dossier.national_status == 5
    pause = ClockPause.objects.get(dossier=dossier)
    assert pause.reason == PauseReason.SUPPLEMENT and pause.ended_at is None
    # The open pause's start and the due moment then are kept for the statistics.
    row = Dossier.objects.get(pk=dossier.pk)
    assert (row.paused_at, row.paused_due) == (at(3, 3, 9, 30), at(3, 5, 9, 30))
    assert pause.due_at_start == at(3, 5, 9, 30)
    form = dossier.forms.get(form=FormCode.SUPPLEMENT)
    assert form.content["items"] == ["Bản sao CCCD"]
    dossier = services.dossier_supplement_answer(
        actor=citizen, dossier=dossier, uploads=[("CCCD", pdf())], when=at(3, 4, 9, 30)
    )
    pause.refresh_from_db()
    assert pause.ended_at == at(3, 4, 9, 30)
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.paused_at is None and Dossier.objects.get(pk=dossier.pk).paused_at is None
    # The push is a due change (thay đổi hẹn trả) with the moment it was made.
    change = DueChange.objects.get(dossier=dossier)
    assert (change.changed_at, change.previous_due, change.new_due) == (
        at(3, 4, 9, 30),
        at(3, 5, 9, 30),
        at(3, 6, 9, 30),
    )
    # Paused one working day (8 h): due moves from Thu 09:30 to Fri 09:30.
    assert dossier.due_at == at(3, 6, 9, 30)
    assert dossier.papers.filter(round=1).count() == 1


def test_supplement_before_reception_has_no_pause(submit, officer, citizen):
    dossier = services.dossier_request_supplement(
        actor=officer, dossier=submit(), items=["Tờ khai có chữ ký"]
    )
    assert not dossier.pauses.exists()
    dossier = services.dossier_supplement_answer(
        actor=citizen, dossier=dossier, uploads=[("Tờ khai", pdf())]
    )
    assert dossier.status == DossierStatus.SUBMITTED


def test_supplement_needs_items_and_the_applicant(received, officer, specialist):
    with pytest.raises(ServiceError) as err:
        services.dossier_request_supplement(actor=officer, dossier=received, items=[" "])
    assert err.value.code == "items_required"
    dossier = services.dossier_request_supplement(actor=officer, dossier=received, items=["A"])
    other = PositionFactory(unit=UnitFactory(), role="specialist").user
    with pytest.raises(PermissionDenied):
        services.dossier_supplement_answer(actor=other, dossier=dossier, uploads=[("A", pdf())])


def test_refuse_issues_form_03_and_closes(submit, officer):
    dossier = services.dossier_refuse(actor=officer, dossier=submit(), reason="Sai thẩm quyền")
    assert dossier.status == DossierStatus.REFUSED and dossier.national_status == 3
    assert dossier.closed_at is not None
    assert dossier.forms.get(form=FormCode.REFUSAL).content == {"reason": "Sai thẩm quyền"}
    with pytest.raises(ServiceError):
        services.dossier_refuse(actor=officer, dossier=submit(), reason="")


def test_delay_notice_sets_new_date(received, officer):
    with pytest.raises(ServiceError) as err:
        services.dossier_delay_notice(
            actor=officer, dossier=received, reason="Chờ xác minh", new_due_at=at(3, 4, 9)
        )
    assert err.value.code == "new_due_not_later"
    dossier = services.dossier_delay_notice(
        actor=officer,
        dossier=received,
        reason="Chờ xác minh",
        new_due_at=at(3, 10, 9),
        when=at(3, 4, 9),
    )
    assert dossier.extended_due_at == at(3, 10, 9)
    assert dossier.effective_due_at == at(3, 10, 9)
    content = dossier.forms.get(form=FormCode.APOLOGY).content
    assert content["reason"] == "Chờ xác minh" and content["new_due_at"].startswith("2026-03-10")
    change = DueChange.objects.get(dossier=dossier)
    assert (change.changed_at, change.previous_due, change.new_due) == (
        at(3, 4, 9),
        at(3, 5, 9, 30),
        at(3, 10, 9),
    )


def test_payment_pauses_and_settling_is_idempotent(received, officer):
    dossier = services.dossier_request_payment(actor=officer, dossier=received, when=at(3, 2, 10))
    assert dossier.status == DossierStatus.AWAITING_PAYMENT and dossier.payment_amount == 8000
    dossier = services.dossier_payment_settled(
        actor=None, dossier=dossier, reference="PAY-1", when=at(3, 2, 11)
    )
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.due_at == at(3, 5, 10, 30)
    again = services.dossier_payment_settled(actor=None, dossier=dossier, reference="PAY-1")
    assert again.due_at == dossier.due_at
    assert dossier.events.filter(action="payment_settled").count() == 1
    with pytest.raises(TransitionNotAllowed):
        services.dossier_payment_settled(actor=None, dossier=dossier, reference="PAY-2")


def test_stop_and_resume(received, officer):
    dossier = services.dossier_stop(actor=officer, dossier=received, reason="Chờ tòa án")
    assert dossier.status == DossierStatus.STOPPED and dossier.national_status == 8
    assert dossier.pauses.get(ended_at__isnull=True).reason == PauseReason.STOPPED
    dossier = services.dossier_resume(actor=officer, dossier=dossier)
    assert dossier.status == DossierStatus.RECEIVED
    assert not dossier.pauses.filter(ended_at__isnull=True).exists()


def test_withdraw_by_applicant_only(received, citizen, officer):
    with pytest.raises(PermissionDenied):
        services.dossier_withdraw(actor=officer, dossier=received)
    dossier = services.dossier_withdraw(actor=citizen, dossier=received, reason="Không cần nữa")
    assert dossier.status == DossierStatus.WITHDRAWN and dossier.national_status == 7
    assert dossier.closed_at is not None


def test_rating_once_after_result(received, officer, leader, citizen):
    with pytest.raises(TransitionNotAllowed):
        services.dossier_rate(actor=citizen, dossier=received, score=5)
    d = services.dossier_step_complete(actor=officer, dossier=received)
    d = services.dossier_step_complete(actor=leader, dossier=d)
    d = services.dossier_finish(actor=leader, dossier=d)
    with pytest.raises(ServiceError) as err:
        services.dossier_rate(actor=citizen, dossier=d, score=9)
    assert err.value.code == "invalid_score"
    rating = services.dossier_rate(actor=citizen, dossier=d, score=4, comment="Tốt")
    assert isinstance(rating, Rating) and rating.score == 4
    # The statistics read the rating from the dossier row, written in the same transaction.
    d.refresh_from_db()
    assert (d.rating_score, d.rated_at) == (4, rating.rated_at)
    with pytest.raises(TransitionNotAllowed) as err:
        services.dossier_rate(actor=citizen, dossier=d, score=5)
    assert err.value.code == "already_rated"
    d.refresh_from_db()
    assert d.rating_score == 4


def test_backfill_copies_existing_ratings_and_open_pauses(
    received, submit, officer, leader, citizen
):
    """Data migration onestop 0007: ratings and open pauses from before the copies existed."""
    from importlib import import_module

    from django.apps import apps

    paused = services.dossier_request_supplement(
        actor=officer, dossier=received, items=["Bản sao CCCD"], when=at(3, 3, 9, 30)
    )
    d = services.dossier_supplement_answer(
        actor=citizen, dossier=paused, uploads=[("CCCD", pdf())], when=at(3, 4, 9, 30)
    )
    d = services.dossier_step_complete(actor=officer, dossier=d)
    d = services.dossier_step_complete(actor=leader, dossier=d)
    d = services.dossier_finish(actor=leader, dossier=d)
    rating = services.dossier_rate(actor=citizen, dossier=d, score=3)
    other = services.dossier_accept(actor=officer, dossier=submit(), when=at(3, 5, 9))
    other = services.dossier_stop(actor=officer, dossier=other, reason="Chờ ý kiến liên ngành")
    Dossier.objects.update(rating_score=None, rated_at=None, paused_at=None, paused_due=None)
    ClockPause.objects.update(due_at_start=None)
    import_module("congvu.onestop.migrations.0007_dossier_stats_backfill").backfill(apps, None)
    d.refresh_from_db()
    other.refresh_from_db()
    assert (d.rating_score, d.rated_at, d.paused_at) == (3, rating.rated_at, None)
    open_pause = ClockPause.objects.get(dossier=other, ended_at__isnull=True)
    assert (other.rating_score, other.paused_at) == (None, open_pause.started_at)
    assert other.paused_due == other.effective_due_at == open_pause.due_at_start
    assert ClockPause.objects.get(dossier=d).due_at_start is None  # ended before: not known


def test_assign_checks_the_unit(received, officer, specialist, leader, outsider):
    d = services.dossier_step_complete(actor=officer, dossier=received)
    with pytest.raises(PermissionDenied):
        services.dossier_step_assign(actor=officer, dossier=d, assignee=specialist)
    with pytest.raises(ServiceError) as err:
        services.dossier_step_assign(actor=leader, dossier=d, assignee=outsider)
    assert err.value.code == "assignee_not_in_unit"
    d = services.dossier_step_assign(actor=specialist, dossier=d, assignee=specialist)
    assert d.current_step.assignee == specialist
    assert Notification.objects.filter(user=specialist).count() == 1


def test_available_actions_follow_status_and_role(submit, officer, specialist, leader):
    dossier = submit()
    assert set(available_actions(officer, dossier)) == {"accept", "request_supplement", "refuse"}
    assert available_actions(specialist, dossier) == []
    d = services.dossier_accept(actor=officer, dossier=dossier)
    assert "step_complete" in available_actions(officer, d)
    d = services.dossier_step_complete(actor=officer, dossier=d)
    assert "step_complete" in available_actions(specialist, d)
    assert "finish" not in available_actions(specialist, d)
    d = services.dossier_step_complete(actor=specialist, dossier=d)
    assert "finish" in available_actions(leader, d)
