"""API permission classes. Data scope itself comes from restrict()."""

from rest_framework.permissions import BasePermission


class IsOfficial(BasePermission):
    """Authenticated, active official (cán bộ). Portal accounts use the portal API only."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_active and user.kind == "official")
