"""REST API for people: officials (danh bạ), me, positions (chức vụ), delegations (ủy quyền)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from congvu.api.fields import ScopedPrimaryKeyRelatedField
from congvu.api.viewsets import ScopedReadOnlyViewSet, ScopedViewSetMixin, accent_insensitive
from congvu.core.authz import as_actor
from congvu.core.text import fold
from congvu.org.models import Unit

from . import services
from .constants import Role, UserKind
from .models import Delegation, Position, User

# --- Serializers -------------------------------------------------------------------


class PositionSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True, label=_("tên đơn vị"))
    user_name = serializers.CharField(source="user.__str__", read_only=True, label=_("họ và tên"))
    role_display = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Position
        fields = [
            "id",
            "user",
            "user_name",
            "unit",
            "unit_name",
            "title",
            "role",
            "role_display",
            "clearance",
            "is_primary",
            "valid_from",
            "valid_to",
        ]
        read_only_fields = fields


class OfficialSerializer(serializers.ModelSerializer):
    """An official in the staff directory (danh bạ) with their active positions."""

    positions = PositionSerializer(
        source="active_positions", many=True, read_only=True, label=_("chức vụ đang giữ")
    )

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "email", "phone", "positions"]
        read_only_fields = fields


class UnitRolesSerializer(serializers.Serializer):
    unit = serializers.IntegerField(label=_("đơn vị"))
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices))


class MeSerializer(OfficialSerializer):
    """The requester, with the roles they act with today (own positions plus delegations)."""

    roles = serializers.SerializerMethodField(label=_("vai trò theo đơn vị"))
    admin_unit_ids = serializers.SerializerMethodField(label=_("đơn vị được quản trị"))
    is_system_admin = serializers.SerializerMethodField(label=_("quản trị hệ thống"))
    clearance = serializers.SerializerMethodField(label=_("được xem văn bản mật"))

    class Meta(OfficialSerializer.Meta):
        fields = [
            *OfficialSerializer.Meta.fields,
            "roles",
            "admin_unit_ids",
            "is_system_admin",
            "clearance",
        ]
        read_only_fields = fields

    @extend_schema_field(UnitRolesSerializer(many=True))
    def get_roles(self, user) -> list[dict]:
        roles = as_actor(user).roles
        return [{"unit": unit, "roles": sorted(roles[unit])} for unit in sorted(roles)]

    def get_admin_unit_ids(self, user) -> list[int]:
        return sorted(as_actor(user).admin_unit_ids)

    def get_is_system_admin(self, user) -> bool:
        return as_actor(user).is_system_admin

    def get_clearance(self, user) -> int:
        return as_actor(user).clearance


class DelegationSerializer(serializers.ModelSerializer):
    delegator_name = serializers.CharField(source="delegator.__str__", read_only=True)
    delegate_name = serializers.CharField(source="delegate.__str__", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    is_active = serializers.SerializerMethodField(label=_("đang hiệu lực"))

    class Meta:
        model = Delegation
        fields = [
            "id",
            "delegator",
            "delegator_name",
            "delegate",
            "delegate_name",
            "unit",
            "unit_name",
            "start_date",
            "end_date",
            "reason",
            "created_at",
            "revoked_at",
            "is_active",
        ]
        read_only_fields = fields

    def get_is_active(self, delegation) -> bool:
        return delegation.is_active_on()


class DelegationCreateSerializer(serializers.Serializer):
    """Input of ``delegation_create``; the service checks roles and dates."""

    delegator = ScopedPrimaryKeyRelatedField(
        model=User,
        required=False,
        label=_("người ủy quyền"),
        help_text=_("Mặc định là người gửi yêu cầu."),
    )
    delegate = ScopedPrimaryKeyRelatedField(model=User, label=_("người được ủy quyền"))
    unit = ScopedPrimaryKeyRelatedField(model=Unit, label=_("đơn vị"))
    start_date = serializers.DateField(label=_("từ ngày"))
    end_date = serializers.DateField(label=_("đến ngày"))
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=255, label=_("lý do")
    )


# --- Filters -----------------------------------------------------------------------


class OfficialFilterSerializer(serializers.Serializer):
    unit = serializers.IntegerField(
        required=False, label=_("đơn vị"), help_text=_("Cán bộ đang giữ chức vụ tại đơn vị này.")
    )
    q = serializers.CharField(
        required=False,
        label=_("tìm kiếm"),
        help_text=_("Tìm theo họ tên, tên đăng nhập, thư điện tử; không phân biệt dấu."),
    )


class PositionFilterSerializer(serializers.Serializer):
    unit = serializers.IntegerField(required=False, label=_("đơn vị"))
    user = serializers.IntegerField(required=False, label=_("cán bộ"))
    role = serializers.ChoiceField(choices=Role.choices, required=False, label=_("vai trò"))
    active_on = serializers.DateField(
        required=False,
        label=_("hiệu lực vào ngày"),
        help_text=_("Chức vụ còn hiệu lực vào ngày này."),
    )


class DelegationFilterSerializer(serializers.Serializer):
    unit = serializers.IntegerField(required=False, label=_("đơn vị"))
    active_on = serializers.DateField(
        required=False,
        label=_("hiệu lực vào ngày"),
        help_text=_("Ủy quyền còn hiệu lực vào ngày này."),
    )


# --- Views -------------------------------------------------------------------------


def _with_active_positions(users, actor):
    positions = Position.objects.restrict(actor, "view").active()
    return users.prefetch_related(
        Prefetch(
            "positions",
            queryset=positions.select_related("unit", "user"),
            to_attr="active_positions",
        )
    )


@extend_schema_view(
    list=extend_schema(
        summary=_("Danh bạ cán bộ"),
        description=_("Cán bộ đang hoạt động cùng các chức vụ đang giữ, xếp theo họ tên."),
    ),
    retrieve=extend_schema(summary=_("Thông tin cán bộ")),
)
class OfficialViewSet(ScopedReadOnlyViewSet):
    """Danh bạ: active officials with their active positions."""

    model = User
    serializer_class = OfficialSerializer
    filter_serializer_class = OfficialFilterSerializer

    def get_queryset(self):
        users = self.base_queryset().filter(kind=UserKind.OFFICIAL, is_active=True)
        return _with_active_positions(users, self.request.user).order_by("full_name", "username")

    def paginate_queryset(self, queryset):
        # Databases (SQLite above all) sort "Đặng" after "Trần"; order by the
        # folded name in Python instead. A directory is hundreds of rows.
        people = sorted(queryset, key=lambda u: (fold(u.full_name), u.username))
        return super().paginate_queryset(people)

    def filter_queryset_by(self, queryset, filters):
        if "unit" in filters:
            holders = Position.objects.active().filter(unit_id=filters["unit"]).values("user_id")
            queryset = queryset.filter(pk__in=holders)
        if "q" in filters:
            queryset = accent_insensitive(queryset, filters["q"], "full_name", "username", "email")
        return queryset


class MeView(APIView):
    """The current official, with positions and the roles they act with today."""

    @extend_schema(
        summary=_("Tài khoản của tôi"),
        description=_(
            "Chức vụ đang giữ và vai trò theo từng đơn vị hôm nay, kể cả vai trò được ủy quyền."
        ),
        responses=MeSerializer,
    )
    def get(self, request):
        user = _with_active_positions(
            User.objects.restrict(request.user, "view"), request.user
        ).get(pk=request.user.pk)
        return Response(MeSerializer(user, context={"request": request}).data)


@extend_schema_view(list=extend_schema(summary=_("Danh sách chức vụ")))
class PositionViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Chức vụ of officials in units."""

    model = Position
    serializer_class = PositionSerializer
    filter_serializer_class = PositionFilterSerializer

    def get_queryset(self):
        return self.base_queryset().select_related("unit", "user")

    def filter_queryset_by(self, queryset, filters):
        if "active_on" in filters:
            queryset = queryset.filter(
                pk__in=Position.objects.active(filters["active_on"]).values("pk")
            )
        for name in ("unit", "user", "role"):
            if name in filters:
                queryset = queryset.filter(**{name: filters[name]})
        return queryset


@extend_schema_view(
    list=extend_schema(summary=_("Danh sách ủy quyền")),
    retrieve=extend_schema(summary=_("Chi tiết ủy quyền")),
    create=extend_schema(
        summary=_("Tạo ủy quyền"),
        request=DelegationCreateSerializer,
        responses={201: DelegationSerializer},
    ),
    revoke=extend_schema(
        summary=_("Thu hồi ủy quyền"), request=None, responses=DelegationSerializer
    ),
)
class DelegationViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Ủy quyền. Created and revoked through congvu.accounts.services (audited)."""

    model = Delegation
    serializer_class = DelegationSerializer
    filter_serializer_class = DelegationFilterSerializer
    input_serializer_class = DelegationCreateSerializer

    def get_queryset(self):
        return self.base_queryset().select_related("delegator", "delegate", "unit")

    def filter_queryset_by(self, queryset, filters):
        if "unit" in filters:
            queryset = queryset.filter(unit_id=filters["unit"])
        if "active_on" in filters:
            queryset = queryset.filter(
                pk__in=Delegation.objects.active(filters["active_on"]).values("pk")
            )
        return queryset

    def create(self, request, *args, **kwargs):
        serializer = DelegationCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.setdefault("delegator", request.user)
        delegation = services.delegation_create(actor=request.user, **data)
        return Response(self._out(delegation), status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        delegation = services.delegation_revoke(actor=request.user, delegation=self.get_object())
        return Response(self._out(delegation))

    def _out(self, delegation: Delegation) -> dict:
        delegation = self.get_queryset().get(pk=delegation.pk)
        return DelegationSerializer(delegation, context=self.get_serializer_context()).data
