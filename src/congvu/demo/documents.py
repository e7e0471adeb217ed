"""A year of Thạnh Phú documents (văn bản đến, văn bản đi) in every state, for the demo.

Everything goes through the public services of ``congvu.incoming`` and
``congvu.outgoing``, acting as the demo officials, so numbers, registers,
processing history and the audit trail are real. Dates the services accept
(ngày văn bản, ngày đến, hạn xử lý) are spread over the past months; the
services stamp their own "now" on the rest (vào sổ lúc, ban hành lúc), and
numbers come from this year's registers.

District-era documents (UBND huyện Thạnh Phú, until 30/06/2025) are handled
by the officials as they were then: their actor is built from the positions
they held on a day of that era (``_era_actor``), since those positions have
ended. The district's công văn to its 18 commune-level units leaves each of
them a văn bản đến waiting to be registered.

Idempotent: nothing is created when the marker document already exists.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from congvu.accounts.models import Position, User
from congvu.core.authz import Actor, as_actor
from congvu.incoming import services as incoming
from congvu.incoming.models import IncomingDocument
from congvu.org.models import Unit
from congvu.outgoing import services as outgoing
from congvu.outgoing.models import OutgoingDocument
from congvu.registry.models import DocumentType
from congvu.workdays.calendar import is_working_day

from . import data
from .document_data import (
    DAI_DIEN_INCOMING,
    DISTRICT_CONG_VAN,
    DISTRICT_ERA_DAY,
    DISTRICT_INCOMING,
    REPLY_SUBJECTS,
    THANH_PHU_INCOMING,
    THANH_PHU_OUTGOING,
)


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _actor(username: str) -> Actor:
    return as_actor(_user(username))


def _era_actor(username: str, day: datetime.date = DISTRICT_ERA_DAY) -> Actor:
    """The official as they were on ``day``: roles and clearance of the positions held then."""
    user = _user(username)
    roles: dict[int, set[str]] = {}
    clearance = 0
    for unit_id, role, level in (
        Position.objects.active(day).filter(user=user).values_list("unit_id", "role", "clearance")
    ):
        roles.setdefault(unit_id, set()).add(role)
        clearance = max(clearance, level)
    return Actor(user=user, roles=roles, clearance=clearance)


def _working_day(day: datetime.date) -> datetime.date:
    while not is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day


class _Office:
    """The people of one unit who handle its documents."""

    def __init__(self, unit, *, clerk, leader, deputy, specialist, specialist_unit=None, era=False):
        self.unit, self.clerk, self.leader = unit, clerk, leader
        self.deputy, self.specialist, self.specialist_unit = deputy, specialist, specialist_unit
        # District era: the leaders' positions have ended, so documents go to them without
        # presentation (trình needs a current post) and the signer's title is given.
        self.era = era


def _window_start(today: datetime.date) -> datetime.date:
    # The registers restart on 1 January: keep the year's documents in the year when it is
    # old enough, never before the new communes began.
    start = max(data.NEW_ERA_START, today - datetime.timedelta(days=365))
    january = datetime.date(today.year, 1, 1)
    return max(start, january) if (today - january).days >= 90 else start


def _arrival(days, today, start) -> datetime.date:
    if isinstance(days, datetime.date):
        return _working_day(days)
    span = (today - start).days
    # Spread "days ago" (out of a year) over the window.
    return _working_day(today - datetime.timedelta(days=round(days * span / 365)))


def _register(office: _Office, spec, today, start, orgs) -> IncomingDocument:
    key, issuer, notation, type_code, subject, signer, urgency, secrecy, state, days, opts = spec
    arrival = _arrival(days, today, start)
    year = arrival.year
    deadline = arrival + datetime.timedelta(days=10 if "overdue" in opts else 20)
    if state in ("directed", "in_progress") and "overdue" not in opts:
        deadline = max(deadline, today + datetime.timedelta(days=7))
    org = orgs.get(issuer)
    if org is None:
        org = orgs[issuer] = incoming.external_org_create(actor=office.clerk, name=issuer)
    document = incoming.incoming_register(
        actor=office.clerk,
        unit=office.unit,
        number_notation=notation.format(year=year),
        document_date=_working_day(arrival - datetime.timedelta(days=2)),
        document_type=DocumentType.objects.get(code=type_code),
        subject=subject.format(year=year, next_year=year + 1),
        issuer_external=org,
        signer_name=signer,
        urgency=urgency,
        secrecy=secrecy,
        page_count=2 + len(subject) % 4,
        deadline=deadline if state != "registered" else None,
        arrival_date=arrival,
    )
    _advance(office, document, state, opts)
    return document


def _advance(office: _Office, document, state: str, opts) -> None:
    if state == "registered":
        return
    if state == "returned":
        incoming.incoming_return(
            actor=office.clerk,
            document=document,
            reason=(
                "Văn bản gửi nhầm địa chỉ: nội dung thuộc thẩm quyền của Ủy ban nhân dân xã "
                "Thạnh Phong. Đề nghị quý cơ quan gửi lại đúng nơi nhận."
            ),
        )
        return
    mat = "mat" in opts
    if not office.era:
        incoming.incoming_present(
            actor=office.clerk, document=document, to_user=office.leader.user, note=""
        )
    if state == "presented":
        return
    handler = office.deputy if mat else office.specialist
    incoming.incoming_direct(
        actor=office.leader,
        document=document,
        instruction=(
            "Giao Phó Chủ tịch trực tiếp chỉ đạo, bảo đảm bí mật theo quy định."
            if mat
            else "Giao chuyên viên chủ trì tham mưu, báo cáo kết quả đúng hạn."
        ),
        main=handler.user,
        coordinators=[office.deputy.user] if not mat and office.deputy else [],
    )
    if state == "directed":
        return
    incoming.incoming_progress(
        actor=handler,
        document=document,
        note="Đã rà soát số liệu, đang tổng hợp và dự thảo văn bản báo cáo.",
    )
    if state == "completed" and "reply" not in opts:
        incoming.incoming_complete(
            actor=handler, document=document, note="Đã triển khai thực hiện theo chỉ đạo."
        )


def _recipients(items, office: _Office) -> list[dict]:
    result = []
    for item in items:
        if isinstance(item, tuple):
            unit = Unit.objects.get(parent=office.unit, short_name=item[1])
            result.append({"unit": unit})
        elif item.startswith(("w:", "p:", "lw:")):
            result.append({"unit": Unit.objects.get(admin_code=item)})
        else:
            result.append({"external_name": item})
    return result


#: The phụ lục attached to the demo's draft waiting for "Duyệt ký" (rendered at load time).
ATTACHMENT_ROWS = [
    ("Nguyễn Văn Tám", "Ấp Giồng Chông", "Hộ nghèo", "40.000.000"),
    ("Trần Thị Bé", "Ấp Thạnh Hòa", "Hộ cận nghèo", "30.000.000"),
    ("Lê Văn Út", "Ấp Giồng Chông", "Gia đình chính sách", "40.000.000"),
    ("Phạm Thị Mười", "Ấp An Thạnh", "Hộ nghèo", "40.000.000"),
]


def _attachment_pdf(subject: str) -> bytes:
    """Phụ lục danh sách (A4, one page), rendered with WeasyPrint like the documents themselves."""
    from django.utils.html import escape, format_html_join

    from weasyprint import HTML

    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td style='text-align:right'>{}</td></tr>",
        ((i, *row) for i, row in enumerate(ATTACHMENT_ROWS, start=1)),
    )
    html = (
        "<style>@page { size: A4; margin: 20mm 15mm 20mm 30mm }"
        " body { font: 13pt 'Times New Roman', Tinos, 'Liberation Serif', serif }"
        " table { border-collapse: collapse; width: 100% } td, th { border: 1px solid #000;"
        " padding: 2mm }</style>"
        f"<p style='margin-top:25mm;text-align:center'><b>PHỤ LỤC</b><br>{escape(subject)}</p>"
        "<table><tr><th>TT</th><th>Họ và tên chủ hộ</th><th>Địa chỉ</th><th>Đối tượng</th>"
        f"<th>Mức hỗ trợ (đồng)</th></tr>{rows}</table>"
    )
    return HTML(string=html).write_pdf()


def _attach_pdf(office: _Office, document: OutgoingDocument) -> None:
    """The drafter attaches the phụ lục as a PDF (signed with the agency's key at issuance)."""
    from django.core.files.base import ContentFile

    from congvu.files.services import file_store

    file_store(
        actor=office.specialist,
        upload=ContentFile(_attachment_pdf(document.subject), name="phu-luc-danh-sach.pdf"),
        owner=document,
        purpose="attachment",
    )


def _outgoing(
    office: _Office,
    *,
    type_code,
    subject,
    state,
    recipients,
    reply_to=None,
    reviewer=True,
    prepare=None,
) -> OutgoingDocument:
    """Draft, review, approve and issue (as far as ``state``) one văn bản đi.

    ``to_sign``: reviewed, waiting for the leader's "Duyệt ký". ``prepare(document)``
    runs on the fresh draft (attach files).
    """
    document = outgoing.draft_create(
        actor=office.specialist,
        unit=office.unit,
        drafting_unit=office.specialist_unit,
        document_type=DocumentType.objects.get(code=type_code),
        subject=subject,
        body=(
            "Thực hiện chỉ đạo của cấp trên và tình hình thực tế tại địa phương, "
            "Ủy ban nhân dân xã triển khai các nội dung sau.\n"
            "Đề nghị các đơn vị, cá nhân liên quan nghiêm túc thực hiện."
        ),
        recipients=recipients,
        reply_to=reply_to,
    )
    if prepare is not None:
        prepare(document)
    if state == "draft":
        return document
    reviewers = [office.deputy.user] if reviewer and office.deputy else []
    outgoing.draft_submit(actor=office.specialist, document=document, reviewers=reviewers)
    if state == "in_review":
        return document
    if state == "returned":
        outgoing.review_return(
            actor=office.deputy,
            document=document,
            comment="Bổ sung số liệu diện tích, chiều dài kênh và dự toán kinh phí chi tiết.",
        )
        return document
    if reviewers:
        outgoing.review_approve(actor=office.deputy, document=document, comment="Đồng ý.")
    if state == "to_sign":
        return document
    document = outgoing.draft_approve_for_signing(
        actor=office.leader, document=document, signer_title="Chủ tịch" if office.era else ""
    )
    if state == "approved":
        return document
    document = outgoing.document_issue(actor=office.clerk, document=document)
    if state == "recalled":
        document = outgoing.document_recall(
            actor=office.leader,
            document=document,
            reason="Lịch tiếp công dân có sai sót, sẽ ban hành thông báo thay thế.",
        )
    return document


def _answer(office: _Office, document: IncomingDocument, subject: str) -> OutgoingDocument:
    """The specialist's reply, issued: issuing links and completes the văn bản đến."""
    return _outgoing(
        office,
        type_code="cong-van",
        subject=subject,
        state="issued",
        recipients=[{"external_name": document.issuer_name}],
        reply_to=document,
        reviewer=False,
    )


def _thanh_phu(today, start, orgs) -> None:
    unit = Unit.objects.get(admin_code=data.XA_THANH_PHU[1])
    office = _Office(
        unit,
        clerk=_actor("vanthu.thanhphu"),
        leader=_actor("chutich.thanhphu"),
        deputy=_actor("phochutich.thanhphu"),
        specialist=_actor("chuyenvien.thanhphu"),
        specialist_unit=Unit.objects.get(parent=unit, short_name="PKT"),
    )
    specs = sorted(THANH_PHU_INCOMING, key=lambda s: -s[9])
    registered = {s[0]: _register(office, s, today, start, orgs) for s in specs}
    for key, subject in REPLY_SUBJECTS.items():
        document = registered[key]
        _answer(office, document, subject.format(year=document.arrival_date.year))
    dai_dien = Unit.objects.get(admin_code=data.XA_DAI_DIEN[1])
    for type_code, subject, state, recipients, option in THANH_PHU_OUTGOING:
        document = _outgoing(
            office,
            type_code=type_code,
            subject=subject.format(year=today.year),
            state=state,
            recipients=_recipients(recipients, office),
            prepare=(lambda d: _attach_pdf(office, d)) if option == "pdf_attachment" else None,
        )
        if option == "registered_by_recipient":
            copy = IncomingDocument.objects.get(
                unit=dai_dien, origin_type="outgoing.outgoingdocument", origin_id=str(document.pk)
            )
            incoming.incoming_register_pending(actor=_actor("vanthu.daidien"), document=copy)


def _dai_dien(today, start, orgs) -> None:
    unit = Unit.objects.get(admin_code=data.XA_DAI_DIEN[1])
    office = _Office(
        unit,
        clerk=_actor("vanthu.daidien"),
        leader=_actor("chutich.daidien"),
        deputy=_actor("phochutich.daidien"),
        specialist=_actor("chuyenvien.daidien"),
        specialist_unit=Unit.objects.get(parent=unit, short_name="VHXH"),
    )
    for spec in sorted(DAI_DIEN_INCOMING, key=lambda s: -s[9]):
        _register(office, spec, today, start, orgs)
    # A công văn to xã Thạnh Phú, waiting there to be registered (liên thông nội bộ).
    _outgoing(
        office,
        type_code="cong-van",
        subject=f"V/v phối hợp tổ chức Giải bóng đá thanh niên liên xã năm {today.year}",
        state="issued",
        recipients=[{"unit": Unit.objects.get(admin_code=data.XA_THANH_PHU[1])}],
    )
    _outgoing(
        office,
        type_code="ke-hoach",
        subject="Kế hoạch tuyên truyền phòng, chống bạo lực gia đình",
        state="draft",
        recipients=[],
    )


def _district(today, orgs) -> None:
    district = Unit.objects.get(admin_code=data.DISTRICT_ADMIN_CODE)
    office = _Office(
        district,
        clerk=_era_actor("vanthu.thanhphu"),
        leader=_era_actor("chutich.huyen"),
        deputy=_era_actor("chutich.thanhphu"),
        specialist=_era_actor("chuyenvien.thanhphu"),
        specialist_unit=Unit.objects.get(parent=district, short_name="TCKH"),
        era=True,
    )
    for spec in DISTRICT_INCOMING:
        _register(office, spec, today, today, orgs)
    communes = Unit.objects.filter(parent=district, admin_code__startswith="lw:").order_by(
        "admin_code"
    )
    _outgoing(
        office,
        type_code="cong-van",
        subject=DISTRICT_CONG_VAN,
        state="issued",
        recipients=[{"unit": c} for c in communes],
        reviewer=False,
    )


def loaded() -> bool:
    return OutgoingDocument.objects.filter(
        unit__admin_code=data.DISTRICT_ADMIN_CODE, subject=DISTRICT_CONG_VAN
    ).exists()


def _count() -> int:
    return IncomingDocument.objects.count() + OutgoingDocument.objects.count()


def load_documents() -> int:
    """Create the demo documents (inside the caller's transaction); how many were created.

    0 when they are already there (the district's công văn marks them).
    """
    if loaded():
        return 0
    before = _count()
    today = timezone.localdate()
    start = _window_start(today)
    orgs: dict = {}
    # Đại Điền first: the công văn xã Thạnh Phú sends it is registered after its paper mail.
    _district(today, orgs)
    _dai_dien(today, start, orgs)
    _thanh_phu(today, start, orgs)
    return _count() - before
