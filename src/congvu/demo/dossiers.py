"""The one-stop shop of xã Thạnh Phú for the demo: catalogue, processes and dossiers in every state.

The catalogue is the real sample of the national procedure database shipped
with congvu (``congvu/procedures/data``). The seven procedures that Thạnh
Phú offered online at level 3 become "trực tuyến một phần" with an internal
process (tiếp nhận at the Trung tâm Phục vụ hành chính công, thẩm định by the
competent office, phê duyệt by the Chủ tịch, trả kết quả at the desk).
Dossiers then go through the real services of ``congvu.onestop``, acting as
the demo officials and the demo citizen, with their times set in the past,
so codes, deadlines, pauses, Mẫu 01–05 and the audit trail are all real.

Idempotent: nothing is created when the demo dossiers exist already.
"""

from __future__ import annotations

import datetime
import struct
import zlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from congvu.accounts.constants import Role
from congvu.accounts.models import User
from congvu.core.authz import as_actor
from congvu.onestop import services as onestop
from congvu.onestop.models import Dossier
from congvu.org.models import Unit
from congvu.procedures import importer
from congvu.procedures.constants import OnlineLevel
from congvu.procedures.models import Procedure, ProcedureVersion
from congvu.procedures.selectors import legal_hours, version_in_force
from congvu.procedures.services import save_process
from congvu.workdays.calendar import add_working_days, is_working_day

from . import data

SAMPLE = Path(__file__).resolve().parents[1] / "procedures" / "data" / "tthc-sample.jsonl"

#: The seven procedures online at level 3 (national code, the office that appraises).
ONLINE_PROCEDURES: list[tuple[str, str]] = [
    ("1.001193", "VP"),  # Đăng ký khai sinh (công chức tư pháp - hộ tịch)
    ("1.000656", "VP"),  # Đăng ký khai tử
    ("1.004746", "VP"),  # Đăng ký lại kết hôn
    ("2.000908", "VP"),  # Cấp bản sao từ sổ gốc (chứng thực)
    ("2.001019", "VP"),  # Chứng thực di chúc
    ("1.001266", "PKT"),  # Chấm dứt hoạt động hộ kinh doanh
    ("1.001570", "PKT"),  # Tạm ngừng kinh doanh hộ kinh doanh
]

#: Shares of the legal time for the four steps of the demo process.
SHARES = [Decimal("0.1"), Decimal("0.5"), Decimal("0.3"), Decimal("0.1")]

APPLICANTS = [
    ("Nguyễn Thị Hoa", "079190001234", "Ấp An Thuận, xã Thạnh Phú", "0912345678"),
    ("Trần Văn Bình", "083085004567", "Ấp Thạnh Hòa, xã Thạnh Phú", "0987654321"),
    ("Lê Thị Cẩm Tú", "083192007788", "Ấp Giồng Miễu, xã Thạnh Phú", "0909111222"),
    ("Phạm Minh Khoa", "083088002211", "Ấp Phú Khương, xã Thạnh Phú", "0918222333"),
    ("Võ Thị Ngọc Hân", "083195003344", "Ấp Thạnh Trị, xã Thạnh Phú", "0939444555"),
    ("Huỳnh Văn Lộc", "083080005566", "Ấp An Hòa, xã Thạnh Phú", "0976555666"),
    ("Đặng Thị Mai", "083199006677", "Ấp Thạnh Mỹ, xã Thạnh Phú", "0965666777"),
    ("Bùi Quang Vinh", "083087007799", "Ấp Bình Thạnh, xã Thạnh Phú", "0357777888"),
]


@dataclass
class Place:
    """The units and people of xã Thạnh Phú's one-stop shop."""

    commune: Unit
    desk: Unit
    offices: dict[str, Unit]
    officer: User
    leader: User
    specialists: dict[str, User]
    admin: User
    citizen: User


def _png(seed: int) -> bytes:
    """A tiny real PNG (a scanned page stand-in), different for every seed."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    pixel = bytes([0, seed % 256, (seed * 7) % 256, (seed * 13) % 256])
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(pixel))
        + chunk(b"IEND", b"")
    )


def _upload(name: str, seed: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _png(seed), content_type="image/png")


def _working_moment(days_ago: int, hour: int, minute: int = 0) -> datetime.datetime:
    """``hour:minute`` on a past working day: 0 is the last one before today, 1 the one before…"""
    day = timezone.localdate() - datetime.timedelta(days=1)
    while not is_working_day(day):
        day -= datetime.timedelta(days=1)
    for _ in range(days_ago):
        day -= datetime.timedelta(days=1)
        while not is_working_day(day):
            day -= datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _place() -> Place:
    commune = Unit.objects.get(admin_code=data.XA_THANH_PHU[1])
    subunits = {u.short_name: u for u in Unit.objects.filter(parent=commune)}
    return Place(
        commune=commune,
        desk=subunits["TTPVHCC"],
        offices=subunits,
        officer=User.objects.get(username="motcua.thanhphu"),
        leader=User.objects.get(username="chutich.thanhphu"),
        specialists={
            "VP": User.objects.get(username="tuphap.thanhphu"),
            "PKT": User.objects.get(username="chuyenvien.thanhphu"),
        },
        admin=User.objects.get(username="admin"),
        citizen=User.objects.get(email=data.CITIZEN_EMAIL),
    )


def load_catalogue(place: Place) -> dict[str, Procedure]:
    """Import the sample catalogue and set up the seven online procedures at the desk."""
    with SAMPLE.open(encoding="utf-8") as lines:
        importer.import_lines(lines, actor=place.admin, effective_date=datetime.date(2025, 7, 1))
    procedures = {}
    for code, office in ONLINE_PROCEDURES:
        procedure = Procedure.objects.get(code=code)
        # The seed's seven procedures were online at level 3 ("một phần"); the
        # national record does not always say so in a parseable way.
        ProcedureVersion.objects.filter(procedure=procedure, valid_to__isnull=True).update(
            online_level=OnlineLevel.PARTIAL
        )
        version = version_in_force(procedure, timezone.localdate())
        total = legal_hours(version) or Decimal(8)
        budgets = [(total * share).quantize(Decimal("0.01")) for share in SHARES]
        budgets[1] += total - sum(budgets)
        steps = [
            ("Tiếp nhận hồ sơ", "reception", place.desk, Role.ONESTOP_OFFICER),
            ("Thẩm định hồ sơ", "appraisal", place.offices[office], Role.SPECIALIST),
            ("Phê duyệt kết quả", "approval", place.commune, Role.LEADER_HEAD),
            ("Trả kết quả", "result", place.desk, Role.ONESTOP_OFFICER),
        ]
        save_process(
            actor=place.admin,
            procedure=procedure,
            unit=place.desk,
            valid_from=datetime.date(2025, 7, 1),
            steps=[
                {"name": name, "kind": kind, "unit": unit, "role": role, "budget_hours": hours}
                for (name, kind, unit, role), hours in zip(steps, budgets, strict=True)
            ],
        )
        procedures[code] = procedure
    return procedures


def _applicant(index: int, *, citizen: User | None = None) -> dict:
    name, id_number, address, phone = APPLICANTS[index % len(APPLICANTS)]
    if citizen is not None:
        name = citizen.get_full_name() or name
    return {
        "name": name,
        "id_number": id_number,
        "address": address,
        "phone": phone,
        "email": citizen.email if citizen is not None else "",
        "type": "person",
    }


def _papers(procedure: Procedure, seed: int, *, with_files: bool = True) -> list:
    version = version_in_force(procedure, timezone.localdate())
    papers = []
    for i, paper in enumerate(version.papers.all()):
        upload = _upload(f"giay-to-{i + 1}.png", seed * 31 + i) if with_files else None
        papers.append((paper, upload))
    if not papers and with_files:
        papers.append((None, _upload("don-de-nghi.png", seed)))
    return papers


def _online(place: Place, procedure: Procedure, seed: int, when) -> Dossier:
    return onestop.dossier_submit_online(
        actor=place.citizen if seed % 2 == 0 else None,
        procedure=procedure,
        receiving_unit=place.desk,
        applicant=_applicant(seed, citizen=place.citizen if seed % 2 == 0 else None),
        papers=_papers(procedure, seed),
        subject=procedure.name,
        when=when,
    )


def _direct(place: Place, procedure: Procedure, seed: int, when) -> Dossier:
    return onestop.dossier_register_direct(
        actor=place.officer,
        procedure=procedure,
        receiving_unit=place.desk,
        channel="direct",
        applicant=_applicant(seed),
        papers=_papers(procedure, seed, with_files=False),
        subject=procedure.name,
        when=when,
    )


def _advance(place: Place, dossier: Dossier, office: str, until: str, times: list) -> Dossier:
    """Take an accepted dossier through its steps up to ``until`` (appraisal, approval, result, done, returned)."""
    specialist = place.specialists[office]
    moments = iter(times)
    dossier = onestop.dossier_step_complete(
        actor=place.officer, dossier=dossier, next_assignee=specialist, when=next(moments)
    )
    if until == "appraisal":
        return dossier
    dossier = onestop.dossier_step_complete(
        actor=as_actor(specialist), dossier=dossier, note="Hồ sơ hợp lệ.", when=next(moments)
    )
    if until == "approval":
        return dossier
    dossier = onestop.dossier_finish(
        actor=place.leader,
        dossier=dossier,
        result_file=_upload("ket-qua.png", dossier.pk),
        note="Đồng ý.",
        when=next(moments),
    )
    if until == "done":
        return dossier
    return onestop.dossier_return_result(actor=place.officer, dossier=dossier, when=next(moments))


def load_dossiers() -> int:
    """Create the demo dossiers; returns how many were created (0 when they exist)."""
    place = _place()
    if Dossier.objects.filter(receiving_unit=place.desk).exists():
        return 0
    procedures = load_catalogue(place)
    offices = dict(ONLINE_PROCEDURES)
    codes = [code for code, _office in ONLINE_PROCEDURES]
    created: list[Dossier] = []

    def proc(i: int) -> Procedure:
        return procedures[codes[i % len(codes)]]

    # Mới đăng ký: online submissions waiting at the desk.
    for i in range(3):
        created.append(_online(place, proc(i), i, _working_moment(i % 2, 8 + i, 15)))

    # Returned with the result, within the legal time; one rated by the citizen.
    for i, (days_ago, seed) in enumerate([(20, 10), (15, 12), (12, 14)]):
        p = proc(i + 3)
        d = _online(place, p, seed, _working_moment(days_ago + 1, 15, 30))
        d = onestop.dossier_accept(
            actor=place.officer, dossier=d, when=_working_moment(days_ago, 8)
        )
        times = [_working_moment(days_ago, hour, 30) for hour in (8, 9, 10, 14)]
        d = _advance(place, d, offices[p.code], "returned", times)
        if i == 0:
            onestop.dossier_rate(actor=place.citizen, dossier=d, score=5, comment="Nhanh, chu đáo.")
        created.append(d)

    # Walk-in dossiers in processing, at appraisal and at approval, on time.
    for i, until in enumerate(["appraisal", "approval", "appraisal"]):
        p = proc(i)
        d = _direct(place, p, 20 + i, _working_moment(0, 8, 10 * i))
        moments = [_working_moment(0, 9, 10 * i), _working_moment(0, 10, 10 * i)]
        d = _advance(place, d, offices[p.code], until, moments)
        created.append(d)

    # Just received at the desk, and one stopped (the applicant is being verified).
    created.append(_direct(place, procedures["1.001193"], 24, _working_moment(0, 15)))
    d = _direct(place, procedures["1.001570"], 25, _working_moment(1, 14))
    created.append(
        onestop.dossier_stop(
            actor=place.officer,
            dossier=d,
            reason="Chờ kết quả xác minh của cơ quan thuế về nghĩa vụ thuế của hộ kinh doanh.",
            when=_working_moment(0, 9),
        )
    )

    # Late: received long ago and still at appraisal (overdue), and one late with Mẫu 04.
    late_proc = procedures["1.001266"]
    d = _direct(place, late_proc, 30, _working_moment(25, 9))
    d = _advance(place, d, "PKT", "appraisal", [_working_moment(25, 10)])
    created.append(d)
    d = _direct(place, late_proc, 31, _working_moment(22, 14))
    d = _advance(place, d, "PKT", "appraisal", [_working_moment(22, 15)])
    d = onestop.dossier_delay_notice(
        actor=place.officer,
        dossier=d,
        reason="Cần xác minh thông tin đăng ký hộ kinh doanh với cơ quan thuế.",
        new_due_at=timezone.make_aware(
            datetime.datetime.combine(
                add_working_days(timezone.localdate(), 3), datetime.time(16, 0)
            )
        ),
        when=_working_moment(2, 10),
    )
    created.append(d)

    # Waiting for the citizen: a supplement request (online) and a fee to pay.
    d = _online(place, procedures["1.004746"], 40, _working_moment(3, 10))
    d = onestop.dossier_request_supplement(
        actor=place.officer,
        dossier=d,
        items=["Bản sao Giấy chứng nhận kết hôn đã cấp trước đây (nếu có)"],
        reason="Thiếu giấy tờ chứng minh việc kết hôn đã đăng ký trước đây.",
        when=_working_moment(2, 9),
    )
    created.append(d)
    d = _direct(place, procedures["2.000908"], 41, _working_moment(2, 8, 45))
    d = onestop.dossier_request_payment(
        actor=place.officer, dossier=d, amount=8000, when=_working_moment(2, 9)
    )
    created.append(d)

    # Refused, withdrawn, done and waiting for pick-up.
    d = _online(place, procedures["2.001019"], 42, _working_moment(4, 15))
    created.append(
        onestop.dossier_refuse(
            actor=place.officer,
            dossier=d,
            reason="Di chúc phải do người lập di chúc trực tiếp yêu cầu chứng thực.",
            when=_working_moment(3, 8),
        )
    )
    d = _online(place, procedures["1.001570"], 44, _working_moment(5, 9))
    created.append(
        onestop.dossier_withdraw(
            actor=place.citizen,
            dossier=d,
            reason="Đã tiếp tục kinh doanh.",
            when=_working_moment(4, 9),
        )
    )
    d = _direct(place, procedures["1.000656"], 45, _working_moment(3, 8))
    created.append(
        _advance(
            place,
            d,
            "VP",
            "done",
            [_working_moment(3, 9), _working_moment(3, 10), _working_moment(3, 14)],
        )
    )
    return len(created)
