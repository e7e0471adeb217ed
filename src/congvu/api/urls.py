"""The REST API under /api/: OpenAPI schema, its docs, and version 1.

Each app keeps its viewsets in ``congvu.<app>.api``; they are registered here.
Anything else under /api/ answers the JSON 404, never an HTML page.
"""

from django.conf import settings
from django.urls import include, path, re_path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override

from drf_spectacular.views import (
    SpectacularJSONAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.permissions import AllowAny
from rest_framework.routers import SimpleRouter

from congvu.accounts.api import DelegationViewSet, MeView, OfficialViewSet, PositionViewSet
from congvu.archive.api import FileCatalogViewSet, WorkFileViewSet
from congvu.audit.api import AuditRecordViewSet
from congvu.files.api import StoredFileViewSet
from congvu.incoming.api import ExternalOrganizationViewSet, IncomingDocumentViewSet
from congvu.onestop import api as onestop_api
from congvu.org.api import UnitViewSet
from congvu.outgoing.api import OutgoingDocumentViewSet
from congvu.payments import api as payments_api
from congvu.procedures import api as procedures_api
from congvu.registry.api import (
    DocumentTypeViewSet,
    IssuedNumberViewSet,
    NotationParseView,
    RegisterViewSet,
)
from congvu.search.api import SearchView
from congvu.stats import api as stats_api
from congvu.workdays.api import CalendarOverrideViewSet, WorkingDaysView

from .errors import not_found_view

app_name = "api"

v1 = SimpleRouter(use_regex_path=False)
v1.register("units", UnitViewSet, basename="unit")
v1.register("officials", OfficialViewSet, basename="official")
v1.register("positions", PositionViewSet, basename="position")
v1.register("delegations", DelegationViewSet, basename="delegation")
v1.register("audit-records", AuditRecordViewSet, basename="audit-record")
v1.register("files", StoredFileViewSet, basename="file")
v1.register("calendar-overrides", CalendarOverrideViewSet, basename="calendar-override")
v1.register("document-types", DocumentTypeViewSet, basename="document-type")
v1.register("registers", RegisterViewSet, basename="register")
v1.register("issued-numbers", IssuedNumberViewSet, basename="issued-number")
v1.register("incoming-documents", IncomingDocumentViewSet, basename="incoming-document")
v1.register("outgoing-documents", OutgoingDocumentViewSet, basename="outgoing-document")
v1.register("file-catalogs", FileCatalogViewSet, basename="file-catalog")
v1.register("work-files", WorkFileViewSet, basename="work-file")
v1.register("external-organizations", ExternalOrganizationViewSet, basename="external-organization")

# The one-stop apps list their own routes, so they never edit this module.
_app_apis = (procedures_api, onestop_api, payments_api, stats_api)
for _api in _app_apis:
    for _prefix, _viewset, _basename in _api.ROUTES:
        v1.register(_prefix, _viewset, basename=_basename)

# The schema and its docs are public: they describe, they hold no data.
public = {"permission_classes": [AllowAny], "authentication_classes": []}

urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(**public), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html", **public
        ),
        name="docs",
    ),
    path(
        "redoc/",
        # ReDoc's renderer injects <style> elements; its page alone allows them.
        csp_override({**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]})(
            SpectacularRedocView.as_view(
                url_name="api:schema", template_name="api/redoc.html", **public
            )
        ),
        name="redoc",
    ),
    path("v1/me/", MeView.as_view(), name="me"),
    path("v1/working-days/", WorkingDaysView.as_view(), name="working-days"),
    path("v1/notation/parse/", NotationParseView.as_view(), name="notation-parse"),
    path("v1/search/", SearchView.as_view(), name="search"),
    *(path("v1/", include(a.PATHS)) for a in _app_apis if a.PATHS),
    path("v1/", include(v1.urls)),
    # No "$": a regex "$" route is matched whole, and "." stops at a newline.
    re_path(r"^.*", not_found_view, name="not_found"),
]
