"""LDAP / Active Directory login (django-auth-ldap), read when LDAP_ENABLED=1.

Variables (docs/configuration.md):
  LDAP_SERVER_URI          ldap://dc1.example.gov.vn or ldaps://…
  LDAP_BIND_DN             service account used to search users ("" = anonymous)
  LDAP_BIND_PASSWORD
  LDAP_USER_SEARCH_BASE    e.g. ou=people,dc=example,dc=gov,dc=vn
  LDAP_USER_FILTER         default (uid=%(user)s); Active Directory: (sAMAccountName=%(user)s)
  LDAP_START_TLS           1 to upgrade ldap:// with StartTLS
  LDAP_ATTR_FULL_NAME      default cn (AD: displayName)
  LDAP_ATTR_EMAIL          default mail
  LDAP_ATTR_PHONE          default telephoneNumber
"""

import ldap
from django_auth_ldap.config import LDAPSearch

from .env import env_bool, env_str

AUTH_LDAP_SERVER_URI = env_str("LDAP_SERVER_URI", "ldap://127.0.0.1")
AUTH_LDAP_BIND_DN = env_str("LDAP_BIND_DN")
AUTH_LDAP_BIND_PASSWORD = env_str("LDAP_BIND_PASSWORD")
AUTH_LDAP_USER_SEARCH = LDAPSearch(
    env_str("LDAP_USER_SEARCH_BASE"),
    ldap.SCOPE_SUBTREE,
    env_str("LDAP_USER_FILTER", "(uid=%(user)s)"),
)
AUTH_LDAP_START_TLS = env_bool("LDAP_START_TLS", False)
AUTH_LDAP_USER_ATTR_MAP = {
    field: attr
    for field, attr in {
        "full_name": env_str("LDAP_ATTR_FULL_NAME", "cn"),
        "email": env_str("LDAP_ATTR_EMAIL", "mail"),
        "phone": env_str("LDAP_ATTR_PHONE", "telephoneNumber"),
    }.items()
    if attr
}
# Directory changes (name, e-mail) reach congvu at the next login.
AUTH_LDAP_ALWAYS_UPDATE_USER = True
AUTH_LDAP_CONNECTION_OPTIONS = {
    # Active Directory answers searches at the domain root with referrals
    # that python-ldap would chase anonymously.
    ldap.OPT_REFERRALS: 0,
    ldap.OPT_NETWORK_TIMEOUT: 10,
}
