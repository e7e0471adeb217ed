"""Optional login against LDAP / Active Directory (LDAP_ENABLED=1, see settings/ldap.py).

Only officials sign in through the directory: an account found there becomes
(or stays) a ``kind=official`` user with its DN in ``ldap_dn``; a portal
account (công dân) with the same username is left to the other backends.
The password stays in the directory (the local one is unusable).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from django_auth_ldap.backend import LDAPBackend

from congvu.audit.services import log_action

from .constants import UserKind


class OfficialLDAPBackend(LDAPBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username and (
            get_user_model()
            .objects.filter(username__iexact=username.strip())
            .exclude(kind=UserKind.OFFICIAL)
            .exists()
        ):
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_or_build_user(self, username, ldap_user):
        user, built = super().get_or_build_user(username, ldap_user)
        if not built and user.kind != UserKind.OFFICIAL:
            raise ldap_user.AuthenticationFailed("portal accounts do not sign in through LDAP")
        if built:
            user.kind = UserKind.OFFICIAL
        user.ldap_dn = ldap_user.dn or ""
        ldap_user._congvu_built = built
        return user, built

    def authenticate_ldap_user(self, ldap_user, password):
        with transaction.atomic():
            user = super().authenticate_ldap_user(ldap_user, password)
            if user is None:
                return None
            if user.ldap_dn != (ldap_user.dn or ""):
                user.ldap_dn = ldap_user.dn or ""
                user.save(update_fields=["ldap_dn"])
            if getattr(ldap_user, "_congvu_built", False):
                log_action(
                    actor=None,
                    action="congvu.accounts.user.created_from_ldap",
                    obj=user,
                    after={"username": user.username, "ldap_dn": user.ldap_dn},
                )
        return user
