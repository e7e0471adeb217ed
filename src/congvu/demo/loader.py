"""Load the Thạnh Phú demo idempotently: a second run creates nothing.

Stable keys: ``admin_code`` for administrative units, the (demo) agency
``code`` for agencies and sub-units, ``username`` for accounts, (user, unit,
role) for positions. Writes go through the services, acting as the system
(``actor=None``), so the audit trail shows what the demo created; the bulk
province import leaves one summary record (see ``congvu.org.importers``).
The demo documents are then handled by the demo officials themselves
(``congvu.demo.documents``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from congvu.accounts import services as accounts
from congvu.accounts.constants import Confidentiality, Role, UserKind
from congvu.accounts.models import Delegation, Position, User
from congvu.audit.services import log_action
from congvu.org.constants import GOVERNMENT_KINDS
from congvu.org.importers import import_province
from congvu.org.models import Unit
from congvu.org.services import unit_create, unit_update

from . import data
from .documents import load_documents
from .dossiers import load_dossiers


@dataclass
class DemoAccount:
    username: str
    role: str
    unit: str
    period: str
    password: str = data.DEMO_PASSWORD


@dataclass
class DemoResult:
    accounts: list[DemoAccount] = field(default_factory=list)
    units_created: int = 0
    users_created: int = 0
    documents_created: int = 0
    dossiers_created: int = 0


def _ensure_child(
    *, parent: Unit, kind: str, name: str, short_name: str, code: str, **dates
) -> tuple[Unit, bool]:
    unit = Unit.objects.filter(code=code).first()
    if unit is not None:
        return unit, False
    return (
        unit_create(
            actor=None,
            parent=parent,
            kind=kind,
            name=name,
            short_name=short_name,
            code=code,
            **dates,
        ),
        True,
    )


def _load_units(result: DemoResult) -> dict:
    imported = import_province(actor=None, code=86, legacy=True)
    result.units_created += imported.created_total
    units = imported.units
    province = units[data.PROVINCE_ADMIN_CODE]
    unit_update(actor=None, unit=province, code=data.PROVINCE_CODE)
    unit_update(actor=None, unit=units[data.OLD_PROVINCE_ADMIN_CODE], code=data.OLD_PROVINCE_CODE)

    district = unit_update(
        actor=None,
        unit=units[data.DISTRICT_ADMIN_CODE],
        code=data.DISTRICT_CODE,
        valid_from=data.DISTRICT_ERA_START,
    )
    communes = Unit.objects.filter(parent=district, admin_code__startswith="lw:").order_by(
        "admin_code"
    )
    for index, commune in enumerate(communes, start=1):
        unit_update(
            actor=None,
            unit=commune,
            code=data.district_commune_code(index),
            valid_from=data.DISTRICT_ERA_START,
        )
    agencies: dict[str, Unit] = {}
    for index, (kind, name, short_name) in enumerate(data.DISTRICT_AGENCIES, start=1):
        unit, created = _ensure_child(
            parent=district,
            kind=kind,
            name=name,
            short_name=short_name,
            code=data.district_agency_code(index),
            valid_from=data.DISTRICT_ERA_START,
            valid_to=data.DISTRICT_ERA_END,
        )
        agencies[short_name] = unit
        result.units_created += created

    subunits: dict[tuple[int, str], Unit] = {}
    for c_index, ward_code in enumerate(data.NEW_COMMUNES, start=1):
        commune = unit_update(
            actor=None, unit=units[f"w:{ward_code}"], code=data.new_commune_code(c_index)
        )
        for s_index, (kind, name, short_name) in enumerate(data.COMMUNE_SUBUNITS, start=1):
            unit, created = _ensure_child(
                parent=commune,
                kind=kind,
                name=name,
                short_name=short_name,
                code=data.commune_subunit_code(c_index, s_index),
                valid_from=data.NEW_ERA_START,
            )
            subunits[(ward_code, short_name)] = unit
            result.units_created += created
    return {"units": units, "agencies": agencies, "subunits": subunits}


def _resolve(ref: tuple, tree: dict) -> Unit:
    if ref[0] == "unit":
        return tree["units"][ref[1]]
    if ref[0] == "agency":
        return tree["agencies"][ref[1]]
    return tree["subunits"][(ref[1], ref[2])]


def _ensure_official(username: str, full_name: str, result: DemoResult) -> User:
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    result.users_created += 1
    return accounts.official_create(
        actor=None,
        username=username,
        full_name=full_name,
        email=data.official_email(username),
        password=data.DEMO_PASSWORD,
    )


def _ensure_position(user: User, unit: Unit, role: str, title: str, era: str) -> None:
    if Position.objects.filter(user=user, unit=unit, role=role).exists():
        return
    leader = role in (Role.LEADER_HEAD, Role.LEADER_DEPUTY)
    valid_from = data.NEW_ERA_START if era == "current" else data.DISTRICT_ERA_START
    position = accounts.position_assign(
        actor=None,
        user=user,
        unit=unit,
        role=role,
        title=title,
        valid_from=valid_from,
        clearance=Confidentiality.SECRET if leader else Confidentiality.NORMAL,
        is_primary=era == "current",
    )
    if era == "district":
        accounts.position_end(actor=None, position=position, valid_to=data.DISTRICT_ERA_END)


def _make_superuser(user: User) -> None:
    if user.is_staff and user.is_superuser:
        return
    before = accounts.user_snapshot(user)
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    log_action(
        actor=None,
        action="congvu.accounts.user.updated",
        obj=user,
        before=before,
        after=accounts.user_snapshot(user),
    )


def _ensure_delegation(tree: dict) -> None:
    delegator = User.objects.get(username=data.DELEGATION[0])
    delegate = User.objects.get(username=data.DELEGATION[1])
    unit = _resolve(data.DELEGATION[2], tree)
    today = timezone.localdate()
    if (
        Delegation.objects.active(today)
        .filter(delegator=delegator, delegate=delegate, unit=unit)
        .exists()
    ):
        return
    # Delegations may not start in the past, so "this week" runs from today to Sunday.
    accounts.delegation_create(
        actor=None,
        delegator=delegator,
        delegate=delegate,
        unit=unit,
        start_date=today,
        end_date=today + datetime.timedelta(days=6 - today.weekday()),
        reason="Chủ tịch đi công tác (dữ liệu mẫu)",
    )


def _ensure_citizen(result: DemoResult) -> None:
    if User.objects.filter(username=data.CITIZEN_EMAIL).exists():
        return
    user = User(
        username=data.CITIZEN_EMAIL,
        email=data.CITIZEN_EMAIL,
        full_name=data.CITIZEN_NAME,
        phone=data.CITIZEN_PHONE,
        id_number=data.CITIZEN_ID_NUMBER,
        address=data.CITIZEN_ADDRESS,
        kind=UserKind.CITIZEN,
        applicant_type="person",
        email_verified=True,
    )
    user.set_password(data.DEMO_PASSWORD)
    user.save()
    result.users_created += 1
    log_action(
        actor=None,
        action="congvu.accounts.user.created",
        obj=user,
        after=accounts.user_snapshot(user),
    )


def _unit_label(unit: Unit) -> str:
    # "Phòng Kinh tế" alone would not say which commune.
    if unit.kind in GOVERNMENT_KINDS or unit.parent is None:
        return unit.name
    return f"{unit.name}, {unit.parent.name.removeprefix('Ủy ban nhân dân ')}"


def _period(era: str) -> str:
    if era == "current":
        return f"từ {data.NEW_ERA_START:%d/%m/%Y}"
    return f"{data.DISTRICT_ERA_START:%d/%m/%Y}–{data.DISTRICT_ERA_END:%d/%m/%Y}"


@transaction.atomic
def load_demo() -> DemoResult:
    """Create (or find) the whole demo; returns the accounts to print."""
    result = DemoResult()
    tree = _load_units(result)
    role_labels = dict(Role.choices)
    for username, full_name, posts in data.OFFICIALS:
        user = _ensure_official(username, full_name, result)
        for ref, role, title, era in posts:
            unit = _resolve(ref, tree)
            _ensure_position(user, unit, role, title, era)
            result.accounts.append(
                DemoAccount(username, str(role_labels[role]), _unit_label(unit), _period(era))
            )
        if username == "admin":
            _make_superuser(user)
    _ensure_delegation(tree)
    # One account goes through the code step (README: "Two-factor login in the demo").
    from congvu.accounts.demo import DEMO_2FA_USERNAME, demo_two_factor_ensure

    demo_two_factor_ensure(User.objects.get(username=DEMO_2FA_USERNAME))
    _ensure_citizen(result)
    result.accounts.append(DemoAccount(data.CITIZEN_EMAIL, "Công dân", "Cổng dịch vụ công", ""))
    # Reference data normally comes from the registry's data migration; make sure it
    # is there (a flushed test database, or a database restored without it).
    from congvu.registry.loaders import load_document_types
    from congvu.registry.models import DocumentType

    load_document_types(DocumentType)
    from congvu.signatures.demo import provision_demo_keys

    provision_demo_keys()  # generated here, never shipped: the demo signs what it issues
    result.documents_created = load_documents()
    result.dossiers_created = load_dossiers()
    return result
