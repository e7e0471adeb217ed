"""factory_boy factories, one Trait per state."""

import datetime

from django.utils import timezone

import factory

from congvu.accounts.constants import Role, UserKind
from congvu.accounts.models import Delegation, Position, User
from congvu.org.constants import UnitKind
from congvu.org.models import Unit


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    kind = UnitKind.OFFICE
    name = factory.Sequence(lambda n: f"Phòng Thử nghiệm {n}")
    short_name = factory.Sequence(lambda n: f"P{n}")
    # Well-formed (000.00.00.H00 shape) and unique; ".99.H99" keeps clear of demo codes.
    code = factory.Sequence(lambda n: f"{n // 100 % 1000:03d}.{n % 100:02d}.99.H99")
    valid_from = datetime.date(2018, 1, 1)
    parent = None

    class Params:
        closed = factory.Trait(valid_to=datetime.date(2025, 6, 30))
        commune = factory.Trait(kind=UnitKind.COMMUNE, short_name="UBND")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from congvu.org.services import unit_tree_path_refresh

        obj = super()._create(model_class, *args, **kwargs)
        unit_tree_path_refresh(unit=obj)
        return obj


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@congvu.test")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    kind = UserKind.OFFICIAL
    is_active = True
    password = factory.PostGenerationMethodCall("set_password", "mat-khau-thu-nghiem-1")

    class Params:
        citizen = factory.Trait(kind=UserKind.CITIZEN, email_verified=True, applicant_type="person")
        unverified_citizen = factory.Trait(
            kind=UserKind.CITIZEN, email_verified=False, is_active=False, applicant_type="person"
        )
        superuser = factory.Trait(is_superuser=True, is_staff=True)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    title = "Chuyên viên"
    role = Role.SPECIALIST
    valid_from = datetime.date(2018, 1, 1)

    class Params:
        ended = factory.Trait(valid_to=datetime.date(2024, 12, 31))
        clerk = factory.Trait(role=Role.CLERK, title="Văn thư")
        leader = factory.Trait(role=Role.LEADER_HEAD, title="Chủ tịch", clearance=1)
        deputy = factory.Trait(role=Role.LEADER_DEPUTY, title="Phó Chủ tịch", clearance=1)
        unit_admin = factory.Trait(role=Role.UNIT_ADMIN, title="Quản trị đơn vị")
        system_admin = factory.Trait(role=Role.SYSTEM_ADMIN, title="Quản trị hệ thống")


class DelegationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delegation

    delegator = factory.SubFactory(UserFactory)
    delegate = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    start_date = factory.LazyFunction(timezone.localdate)
    end_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))

    class Params:
        expired = factory.Trait(
            start_date=factory.LazyFunction(
                lambda: timezone.localdate() - datetime.timedelta(days=10)
            ),
            end_date=factory.LazyFunction(
                lambda: timezone.localdate() - datetime.timedelta(days=1)
            ),
        )
        revoked = factory.Trait(revoked_at=factory.LazyFunction(timezone.now))


# --- One-stop shop (added for payments and statistics; reusable) --------------------


class ProcedureFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "procedures.ProcedureField"

    name = factory.Sequence(lambda n: f"Lĩnh vực thử {n}")
    name_folded = factory.LazyAttribute(lambda o: o.name.lower())


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "procedures.Procedure"

    code = factory.Sequence(lambda n: f"9.{n:06d}")
    field = factory.SubFactory(ProcedureFieldFactory)
    name = factory.Sequence(lambda n: f"Thủ tục thử {n}")


class ProcedureVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "procedures.ProcedureVersion"

    procedure = factory.SubFactory(ProcedureFactory)
    valid_from = datetime.date(2020, 1, 1)
    name = factory.LazyAttribute(lambda o: o.procedure.name)


class FeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "procedures.Fee"

    version = factory.SubFactory(ProcedureVersionFactory)
    name = "Lệ phí"
    amount = 50_000


class DossierFactory(factory.django.DjangoModelFactory):
    """A dossier row as the one-stop services would leave it (no services run)."""

    class Meta:
        model = "onestop.Dossier"

    code = factory.Sequence(lambda n: f"000.99.99.H99-260105-{n:04d}")
    procedure_version = factory.SubFactory(ProcedureVersionFactory)
    procedure = factory.LazyAttribute(lambda o: o.procedure_version.procedure)
    receiving_unit = factory.SubFactory(UnitFactory)
    competent_unit = factory.LazyAttribute(lambda o: o.receiving_unit)
    channel = "online"
    status = "received"
    applicant_name = factory.Sequence(lambda n: f"Trần Thị Nộp {n}")
    applicant_phone = factory.Sequence(lambda n: f"09{n:08d}")
    submitted_at = factory.LazyFunction(timezone.now)
    received_at = factory.LazyAttribute(lambda o: o.submitted_at)
