"""Settings shared by every environment; all values come from the environment.

See docs/configuration.md for each variable. Environment modules (dev, demo,
test, production) set defaults with os.environ.setdefault and import this.
"""

import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

import dj_database_url

from .env import env_bool, env_int, env_list, env_str, parse_email_url

SRC_DIR = Path(__file__).resolve().parent.parent  # src/congvu
BASE_DIR = Path(env_str("CONGVU_HOME", str(SRC_DIR.parent.parent))).resolve()
VAR_DIR = Path(env_str("CONGVU_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "congvu.core",
    "congvu.audit",
    "congvu.org",
    "congvu.accounts",
    "congvu.api",
    "congvu.web",
    "congvu.portal",
    "congvu.registry",
    "congvu.files",
    "congvu.workdays",
    "congvu.incoming",
    "congvu.outgoing",
    "congvu.signatures",
    "congvu.hub",
    "congvu.events",
    "congvu.inbox",
    "congvu.search",
    "congvu.exchange",
    "congvu.archive",
    "congvu.procedures",
    "congvu.onestop",
    "congvu.payments",
    "congvu.stats",
    "congvu.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "congvu.accounts.middleware.SessionRefreshMiddleware",
    # Vietnamese unless the person chose another language (not Accept-Language).
    "congvu.core.middleware.ChosenLanguageMiddleware",
    # Inside the locale: it only fills an empty 405 with the Vietnamese page.
    "congvu.core.middleware.MethodNotAllowedPageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "congvu.accounts.middleware.OfficialAreaMiddleware",
    # Eager (broker-less) jobs of a request run in a background thread (congvu.files.tasks).
    "congvu.files.middleware.BackgroundJobsMiddleware",
]

# models.W040: SQLite has no covering indexes (INCLUDE). It ignores the included
# columns and the index still serves; PostgreSQL, the production database, uses them.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

ROOT_URLCONF = "congvu.urls"
WSGI_APPLICATION = "congvu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "congvu.web.context_processors.shell",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'congvu.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        # A reused connection is checked before each request, so after a database
        # restart the workers reconnect by themselves instead of failing once each.
        conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE makes each transaction take the write lock up front, so numbering
    # and the audit chain serialise instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation costs 30-400 ms per query once a plan's estimated cost passes
    # jit_above_cost (docs/benchmarks.md); the short OLTP queries here never recoup it.
    #
    # work_mem: a search ANDs the GIN bitmaps of the actor's scope and of the text match
    # (hundreds of thousands of rows at 1,000,000 documents). Within PostgreSQL's default
    # 4 MB such a bitmap turns lossy, and every row of a lossy page is rechecked by
    # reading its whole text vector out of TOAST: 0.8 s instead of 0.3 s for one tier
    # (issue 12, docs/benchmarks-fulltext.md). 32 MB holds an exact bitmap of the table.
    _work_mem = env_str("DB_WORK_MEM", "32MB").strip()
    if not re.fullmatch(r"[1-9][0-9]{0,6}(kB|MB|GB)", _work_mem):
        raise ImproperlyConfigured(
            f"DB_WORK_MEM={_work_mem!r}: a PostgreSQL memory size such as 32MB (kB, MB or GB)"
        )
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    _pg_options["options"] = (
        f"{_pg_options.get('options', '')} -c jit=off -c work_mem={_work_mem}".strip()
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LDAP_ENABLED = env_bool("LDAP_ENABLED", False)
if LDAP_ENABLED:
    from .ldap import *  # noqa: F401,F403

    AUTHENTICATION_BACKENDS.insert(0, "congvu.accounts.ldap.OfficialLDAPBackend")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lock-out after repeated failures (per username and per client address).
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60)
# The portal's per-address lock is looser: many citizens share one carrier-NAT address.
PORTAL_LOGIN_IP_MAX_FAILURES = env_int("PORTAL_LOGIN_IP_MAX_FAILURES", 30)
# Mails anyone can trigger (password reset, "you already have an account"): per
# recipient address and per client address, in the shared cache (REDIS_URL).
ACCOUNT_MAILS_PER_ADDRESS = env_int("ACCOUNT_MAILS_PER_ADDRESS", 3)
ACCOUNT_MAIL_REQUESTS_PER_IP = env_int("ACCOUNT_MAIL_REQUESTS_PER_IP", 10)
ACCOUNT_MAIL_WINDOW_SECONDS = env_int("ACCOUNT_MAIL_WINDOW_SECONDS", 3600)

# Sessions time out after inactivity.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
# The idle timeout is renewed by congvu.accounts.middleware.SessionRefreshMiddleware,
# at most once per SESSION_REFRESH_SECONDS, instead of a session write on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = env_int("SESSION_REFRESH_SECONDS", 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "congvu")

# --- i18n -----------------------------------------------------------------------
LANGUAGE_CODE = "vi"
# Digit grouping Django's Vietnamese locale lacks ("100.000 đồng"): congvu/formats/.
FORMAT_MODULE_PATH = ["congvu.formats"]
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGE_BACKEND = env_str("STORAGE_BACKEND", "local")
if STORAGE_BACKEND == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET"),
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "region_name": env_str("S3_REGION") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID"),
            "secret_key": env_str("S3_SECRET_ACCESS_KEY"),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT)},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Cache (rate limits, re-send throttles; lock-out counters live in the database) --------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- E-mail ---------------------------------------------------------------------
MAILERS = parse_email_url(env_str("EMAIL_URL", "console://"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "congvu <no-reply@congvu.local>")

# --- Celery ---------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "expire-delegations": {"task": "congvu.accounts.tasks.expire_delegations", "schedule": 15 * 60},
    "daily-reminders": {"task": "congvu.inbox.tasks.send_daily_reminders", "schedule": 3600},
    "sweep-orphan-files": {"task": "congvu.files.tasks.sweep_orphan_blobs", "schedule": 6 * 3600},
    "pending-texts": {"task": "congvu.files.tasks.extract_pending_texts", "schedule": 15 * 60},
    "pending-signatures": {
        "task": "congvu.files.tasks.check_pending_signatures",
        "schedule": 15 * 60,
    },
    "remote-signatures": {"task": "congvu.outgoing.tasks.poll_remote_signatures", "schedule": 60},
    "expire-payments": {"task": "congvu.payments.tasks.expire_payments", "schedule": 5 * 60},
    "onestop-overdue": {"task": "congvu.onestop.tasks.notify_overdue_steps", "schedule": 3600},
    "audit-anchor": {"task": "congvu.audit.tasks.anchor_chain_task", "schedule": 3600},
    "signing-key-expiry": {
        "task": "congvu.signatures.tasks.signing_key_expiry",
        "schedule": 24 * 3600,
    },
    "outbox-dispatch": {
        "task": "congvu.events.tasks.dispatch_outbox",
        "schedule": 60,
        "kwargs": {"prune": True},
    },
    "search-index-pending": {"task": "congvu.search.tasks.drain_index", "schedule": 60},
    "exchange-poll": {"task": "congvu.exchange.tasks.poll_exchange", "schedule": 60},
    "exchange-blobs": {"task": "congvu.exchange.tasks.maintain_blobs", "schedule": 6 * 3600},
    "onestop-pending-uploads": {
        "task": "congvu.onestop.tasks.purge_pending_uploads",
        "schedule": 6 * 3600,
    },
}

# Outbox of domain events (docs/events.md): attempts before a dead letter, backoff, lease.
CONGVU_OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8)
CONGVU_OUTBOX_BACKOFF_SECONDS = env_int("OUTBOX_BACKOFF_SECONDS", 30)
CONGVU_OUTBOX_BACKOFF_MAX_SECONDS = env_int("OUTBOX_BACKOFF_MAX_SECONDS", 3600)
CONGVU_OUTBOX_LEASE_SECONDS = env_int("OUTBOX_LEASE_SECONDS", 300)
CONGVU_OUTBOX_KEEP_DAYS = env_int("OUTBOX_KEEP_DAYS", 30)

# --- REST API -------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "congvu.api.authentication.HashedTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["congvu.api.permissions.IsOfficial"],
    "DEFAULT_SCHEMA_CLASS": "congvu.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "congvu.api.errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_THROTTLE_CLASSES": [
        "congvu.api.throttling.UserRateThrottle",
        "congvu.api.throttling.AnonRateThrottle",
    ],
    # "<n>/<second|minute|hour|day>"; empty turns the limit off.
    "DEFAULT_THROTTLE_RATES": {
        "user": env_str("API_RATE_USER", "1200/minute") or None,
        "anon": env_str("API_RATE_ANON", "300/minute") or None,
    },
}
# Days an API token lasts unless `create_api_token --days` says otherwise.
CONGVU_API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90)
SPECTACULAR_SETTINGS = {
    "TITLE": "congvu API",
    "DESCRIPTION": (
        "REST API của congvu: tổ chức, cán bộ, nhật ký.\n\n"
        "Xác thực: phiên đăng nhập (giao diện web) hoặc tiêu đề `Authorization: Token <mã>` "
        "cho hệ thống tích hợp; quản trị viên cấp mã bằng lệnh `congvu create_api_token`.\n\n"
        "Lỗi luôn là JSON `{code, message, errors: [{field, code, message}]}`: `code` ổn định "
        "cho máy đọc, `message` tiếng Việt nêu tên trường. Danh sách phân trang bằng "
        "`limit`/`offset`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One schema name per choice set, whichever field uses it.
    "ENUM_NAME_OVERRIDES": {
        "UnitKindEnum": "congvu.org.constants.UnitKind",
        "RoleEnum": "congvu.accounts.constants.Role",
        "UserKindEnum": "congvu.accounts.constants.UserKind",
        "ConfidentialityEnum": "congvu.accounts.constants.Confidentiality",
        "AuditRecordKindEnum": "congvu.audit.models.RecordKind",
        "IssuedNumberStatusEnum": "congvu.registry.constants.NumberStatus",
        "IncomingStatusEnum": "congvu.incoming.constants.Status",
        "IncomingSourceEnum": "congvu.incoming.constants.Source",
        "AssignmentRoleEnum": "congvu.incoming.constants.AssignmentRole",
        "AssignmentStatusEnum": "congvu.incoming.constants.AssignmentStatus",
        "ProcessingActionEnum": "congvu.incoming.constants.Action",
        # Search and work files share one choice set (incoming/outgoing): one name.
        "DocumentKindEnum": "congvu.search.models.Kind",
        "OutgoingStatusEnum": "congvu.outgoing.constants.Status",
        "RecipientKindEnum": "congvu.outgoing.constants.RecipientKind",
        "CalendarOverrideKindEnum": "congvu.workdays.models.OverrideKind",
        "WorkFileStatusEnum": "congvu.archive.constants.WorkFileStatus",
        "PaymentStatusEnum": "congvu.payments.constants.PaymentStatus",
        "DossierStatusEnum": "congvu.onestop.constants.DossierStatus",
        "PauseReasonEnum": "congvu.onestop.constants.PauseReason",
        "StepOutcomeEnum": "congvu.onestop.constants.StepOutcome",
        "FormCodeEnum": "congvu.onestop.constants.FormCode",
        "ResultDeliveryEnum": "congvu.onestop.constants.ResultDelivery",
        "ApplicantTypeEnum": "congvu.accounts.constants.ApplicantType",
    },
}

# --- Security -------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Every script and stylesheet is a local file: no inline code, no CDN (an agency
# LAN is offline), so the policy needs neither 'unsafe-inline' nor other hosts.
# The only exception is the ReDoc page (congvu.api.urls), whose renderer injects
# <style> elements.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the cookie-free meta tag instead

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

CONGVU_SITE_NAME = env_str("CONGVU_SITE_NAME", "congvu")

# --- Audit anchors (mốc neo nhật ký, docs/security.md) ----------------------------
# HMAC key of the external anchors: not SECRET_KEY; `check --deploy` warns when unset.
CONGVU_AUDIT_ANCHOR_KEY = env_str("AUDIT_ANCHOR_KEY", "")
# Append-only anchors file; put it on storage the database's administrators cannot rewrite.
CONGVU_AUDIT_ANCHOR_DIR = Path(env_str("AUDIT_ANCHOR_DIR", str(VAR_DIR / "audit-anchors")))

# --- Files (tệp đính kèm) and the working-day calendar ------------------------------------------
# Largest accepted upload, in MiB (MAX_UPLOAD_MB).
CONGVU_MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_MB", 20) * 1024 * 1024
# Zip-based office files (DOCX, XLSX, ODT) are refused above these limits (zip bombs).
CONGVU_ARCHIVE_MAX_UNCOMPRESSED_BYTES = env_int("ARCHIVE_MAX_UNCOMPRESSED_MB", 200) * 1024 * 1024
CONGVU_ARCHIVE_MAX_RATIO = env_int("ARCHIVE_MAX_RATIO", 100)
CONGVU_ARCHIVE_MAX_ENTRIES = env_int("ARCHIVE_MAX_ENTRIES", 2000)
# Text for search is read from the first pages of a PDF, by a child killed after the timeout.
CONGVU_TEXT_MAX_PAGES = env_int("TEXT_MAX_PAGES", 100)
CONGVU_TEXT_TIMEOUT = env_int("TEXT_TIMEOUT_SECONDS", 30)
# Optional virus scanner: dotted path of a callable (fileobj) -> None that raises to refuse.
CONGVU_VIRUS_SCANNER = env_str("VIRUS_SCANNER", "")
# Signer plugin of issued documents (congvu.outgoing.signing): "noop" or "pades" (docs/signing.md).
CONGVU_SIGNER = env_str("DOCUMENT_SIGNER", "noop")
# RFC 3161 time-stamping authority for PAdES signatures (B-T); empty: no timestamp.
CONGVU_SIGNING_TSA_URL = env_str("SIGNING_TSA_URL", "")
# PAdES B-LT: embed the chain's OCSP answers and CRLs (DSS) when signing (docs/signing.md).
CONGVU_SIGNING_EMBED_REVOCATION = env_bool("SIGNING_EMBED_REVOCATION", False)
# Ask the OCSP responders / CRLs named in certificates when verifying a signature.
CONGVU_SIGNING_CHECK_REVOCATION = env_bool("SIGNING_CHECK_REVOCATION", True)
# Remote signing (ký số từ xa, docs/signing.md): the provider plugin, its API's base URL and
# this installation's client credentials there. An empty URL with the sandbox on calls the
# sandbox in-process (the demo).
CONGVU_SIGNING_REMOTE_PROVIDER = env_str("SIGNING_REMOTE_PROVIDER", "sandbox")
CONGVU_SIGNING_REMOTE_URL = env_str("SIGNING_REMOTE_URL", "")
CONGVU_SIGNING_REMOTE_CLIENT_ID = env_str("SIGNING_REMOTE_CLIENT_ID", "congvu")
CONGVU_SIGNING_REMOTE_CLIENT_SECRET = env_str("SIGNING_REMOTE_CLIENT_SECRET", "")
CONGVU_SIGNING_REMOTE_HTTP_TIMEOUT = env_int("SIGNING_REMOTE_HTTP_TIMEOUT", 10)
# The sandbox remote-signing service at /sandbox/ky-so/ (demo and tests only, never production):
# it keeps its signers' keys under SIGNING_SANDBOX_DIR and expires unanswered requests.
CONGVU_SIGNING_SANDBOX = env_bool("SIGNING_SANDBOX", False)
CONGVU_SIGNING_SANDBOX_DIR = env_str("SIGNING_SANDBOX_DIR", str(VAR_DIR / "ky-so-sandbox"))
CONGVU_SIGNING_SANDBOX_TIMEOUT = env_int("SIGNING_SANDBOX_TIMEOUT_SECONDS", 300)
# A signing key counts as expiring (banner, first notice) this many days before its end.
CONGVU_SIGNING_KEY_WARNING_DAYS = env_int("SIGNING_KEY_WARNING_DAYS", 30)
# Office hours (giờ hành chính), lunch break and the same-day cut-off ("nhận sau 15 giờ").
CONGVU_WORKDAY_START = env_str("WORKDAY_START", "07:30")
CONGVU_WORKDAY_END = env_str("WORKDAY_END", "17:00")
CONGVU_LUNCH_START = env_str("LUNCH_START", "11:30")
CONGVU_LUNCH_END = env_str("LUNCH_END", "13:00")
CONGVU_SAME_DAY_CUTOFF = env_str("SAME_DAY_CUTOFF", "15:00")
# One working day in working hours: the unit of step budgets (quy trình nội bộ).
CONGVU_WORKING_HOURS_PER_DAY = env_int("WORKING_HOURS_PER_DAY", 8)
# One-stop deadlines (docs/onestop.md "Deadlines"): "hours" = N days x hours per day
# from reception; "end_of_day" = end of office hours of the N-th working day.
CONGVU_DEADLINE_DAY_MODE = env_str("DEADLINE_DAY_MODE", "hours")
# SMS to citizens: "console" (logs to congvu.sms), "memory" (tests) or a provider class path.
CONGVU_SMS_PROVIDER = env_str("SMS_PROVIDER", "console")
# Satisfaction rating scale 1..N (official scale UNCONFIRMED).
CONGVU_RATING_SCALE = env_int("RATING_SCALE", 5)
# Procedure import (docs/onestop.md "Procedure catalogue"): online level given to a
# procedure whose source lists a "Trực tuyến" channel (not_online | partial | full),
# and how a bare "N Ngày" processing time is read (working_days | calendar: flag only).
CONGVU_IMPORT_ONLINE_CHANNEL_LEVEL = env_str("IMPORT_ONLINE_CHANNEL_LEVEL", "partial")
CONGVU_IMPORT_PLAIN_DAYS_AS_WORKING_DAYS = env_bool("IMPORT_PLAIN_DAYS_AS_WORKING_DAYS", True)
# A unit without its own internal process uses the nearest ancestor's (True) or the default steps.
CONGVU_PROCESS_INHERIT_FROM_ANCESTORS = env_bool("PROCESS_INHERIT_FROM_ANCESTORS", True)

# --- Online payment (thanh toán trực tuyến) ----------------------------------------
# Provider name ("sandbox") or dotted path of a congvu.payments.providers.PaymentProvider.
CONGVU_PAYMENT_PROVIDER = env_str("PAYMENT_PROVIDER", "sandbox")
# HMAC key of the sandbox gateway; empty: derived from SECRET_KEY.
CONGVU_PAYMENT_SANDBOX_SECRET = env_str("PAYMENT_SANDBOX_SECRET", "")
# A pending payment expires after this many minutes; a callback older than MAX_AGE seconds is stale.
CONGVU_PAYMENT_TIMEOUT_MINUTES = env_int("PAYMENT_TIMEOUT_MINUTES", 15)
CONGVU_PAYMENT_CALLBACK_MAX_AGE = env_int("PAYMENT_CALLBACK_MAX_AGE", 300)
# The anonymous callback endpoint: body cap, and callbacks per address per window (payments/guard.py).
CONGVU_PAYMENT_CALLBACK_MAX_BYTES = env_int("PAYMENT_CALLBACK_MAX_BYTES", 16 * 1024)
CONGVU_PAYMENT_CALLBACK_LIMIT_PER_IP = env_int("PAYMENT_CALLBACK_LIMIT_PER_IP", 120)
CONGVU_PAYMENT_CALLBACK_WINDOW_SECONDS = env_int("PAYMENT_CALLBACK_WINDOW_SECONDS", 60)

# The local exchange hub (trục liên thông nội bộ, docs/hub.md): off unless this
# instance serves as the hub of a province or of the tests.
HUB_ENABLED = env_bool("HUB_ENABLED", False)
HUB_MAX_PACKAGE_BYTES = env_int("HUB_MAX_PACKAGE_MB", 50) * 1024 * 1024
# A fetched package not acknowledged within this time is offered again.
HUB_LEASE_SECONDS = env_int("HUB_LEASE_SECONDS", 300)

# Transport of inter-agency exchange (docs/exchange.md, "Transport"): "" sends and fetches
# nothing; "hub" (a congvu hub, docs/hub.md) or "axis" (the national axis adapter).
CONGVU_EXCHANGE_TRANSPORT = env_str("EXCHANGE_TRANSPORT", "")
CONGVU_EXCHANGE_ENDPOINT = env_str("EXCHANGE_ENDPOINT", "")
# Our agency codes and their credentials: "000.00.31.H57=token,000.00.32.H57=token2".
CONGVU_EXCHANGE_AGENCIES = {
    code.strip().upper(): credential.strip()
    for code, _sep, credential in (
        item.partition("=") for item in env_list("EXCHANGE_AGENCIES") if item.strip()
    )
}
CONGVU_EXCHANGE_TIMEOUT_SECONDS = env_int("EXCHANGE_TIMEOUT_SECONDS", 30)
# Time one outbox attempt may spend sending a document to its recipients (default: half the lease).
CONGVU_EXCHANGE_SEND_BUDGET_SECONDS = env_int("EXCHANGE_SEND_BUDGET_SECONDS", 0) or None
CONGVU_EXCHANGE_POLL_LIMIT = env_int("EXCHANGE_POLL_LIMIT", 20)
# Days a sent package's bytes are kept after the transport accepted it (0: kept for ever).
CONGVU_EXCHANGE_SENT_RETENTION_DAYS = env_int("EXCHANGE_SENT_RETENTION_DAYS", 90)

# --- Full-text search engine (ADR 0006) -----------------------------------------
# The node's own tantivy index. Empty: the database match (the embedded default).
# Build it once per node with `congvu search_reindex --engine tantivy`.
SEARCH_INDEX_DIR = env_str("SEARCH_INDEX_DIR", "")
# The node's name in search_searchindexnode (default: the host name).
SEARCH_NODE_NAME = env_str("SEARCH_NODE_NAME", "")
# Longer than any transaction may run: an id of search_searchchange missing for longer
# belonged to a transaction that rolled back.
SEARCH_CHANGE_GRACE_SECONDS = env_int("SEARCH_CHANGE_GRACE_SECONDS", 600)
if SEARCH_CHANGE_GRACE_SECONDS < 1:
    raise ImproperlyConfigured("SEARCH_CHANGE_GRACE_SECONDS must be at least 1 (seconds)")
