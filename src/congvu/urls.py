"""Root URL map. Each app owns its own urls module."""

from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

# Browsers ask for /favicon.ico where no page links the icon (a PDF or JSON opened in a
# tab). Not permanent: the hashed static name changes with each release.
favicon = RedirectView.as_view(url=lazy(static, str)("congvu/favicon.ico"), permanent=False)

urlpatterns = [
    path("", include("congvu.portal.urls")),
    path("app/so/", include("congvu.registry.urls")),
    path("app/", include("congvu.web.urls")),
    path("app/", include("congvu.inbox.urls")),
    path("app/tim-kiem/", include("congvu.search.urls")),
    path("app/van-ban-den/", include("congvu.incoming.urls")),
    path("app/van-ban-di/", include("congvu.outgoing.urls")),
    path("app/lien-thong/", include("congvu.exchange.urls")),
    path("app/tep/", include("congvu.files.urls")),
    path("app/ho-so/", include("congvu.archive.urls")),
    path("app/so-dang-ky/", include("congvu.registry.exports.urls")),
    path("app/thu-tuc/", include("congvu.procedures.manage_urls")),
    path("app/mot-cua/in/", include("congvu.onestop.print_urls")),
    path("app/mot-cua/", include("congvu.onestop.urls")),
    path("app/thong-ke/", include("congvu.stats.urls")),
    path("app/chu-ky-so/", include("congvu.signatures.urls")),
    path("app/su-kien/", include("congvu.events.urls")),
    path("thu-tuc/", include("congvu.procedures.urls")),
    path("dich-vu-cong/", include("congvu.onestop.portal_urls")),
    path("thanh-toan/", include("congvu.payments.urls")),
    path("cong-khai/", include("congvu.stats.public_urls")),
    path("accounts/", include("congvu.accounts.urls")),
    # The sandbox remote-signing service; 404 unless CONGVU_SIGNING_SANDBOX (docs/signing.md).
    path("sandbox/ky-so/", include("congvu.signatures.sandbox_urls")),
    path("api/", include("congvu.api.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("favicon.ico", favicon),
]

if settings.HUB_ENABLED:
    urlpatterns.append(path("truc/v1/", include("congvu.hub.urls")))

# A database outage answers 503 "try again", not 500 (tests/faults).
handler500 = "congvu.core.faults.server_error"
