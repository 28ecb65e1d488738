"""Settings for the safety-production responsibility platform.

Everything is read from the environment (see README, "Configuration"). With no environment at
all the platform runs on a SQLite file and an embedded filesystem broker for Celery, which is
what the quick start uses; production sets ``DATABASE_URL`` (PostgreSQL) and ``REDIS_URL``.
"""

from __future__ import annotations

import os
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env, env_bool, env_db, env_int, env_list, env_str, env_url

# ``config.settings.test`` cannot set its defaults itself: this package body runs before the
# test module's, and the SECRET_KEY check below would stop it first.
if os.environ.get("DJANGO_SETTINGS_MODULE") == "config.settings.test":
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

# A local .env (scripts/start writes one for development) fills in what the environment does
# not set. Tests never read it: a developer's .env must not change what the suite checks.
ENV_FILE = env_str("ENV_FILE", str(BASE_DIR / ".env"))
if os.environ.get("DJANGO_SETTINGS_MODULE") != "config.settings.test":
    env.read_env(ENV_FILE, overwrite=False)

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Environment variable SECRET_KEY is required when DEBUG is off "
            "(set DEBUG=true for local development)."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "auditlog",
    "core",
    "responsibility",
    "hazards",
    "inspections",
    "patrols",
    "assessments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.PlatformLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.platform",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": env_db("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the embedded worker write while the web process reads; IMMEDIATE transactions
    # make a writer wait for the lock instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "transaction_mode": "IMMEDIATE", "timeout": 20}
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env_int("DB_CONN_MAX_AGE", 60, minimum=0))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and broker -----------------------------------------------------------------------
REDIS_URL = env_url("REDIS_URL", ("redis", "rediss", "unix"))
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "platform"}}

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None  # no guardian anonymous user: the public sees only explicitly public pages

# --- Internationalization -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and media files (all served locally: government intranets have no internet) ------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 20 * 1024 * 1024, minimum=1024)
MAX_IMPORT_FILE_SIZE = env_int("MAX_IMPORT_FILE_SIZE", 20 * 1024 * 1024, minimum=1024)

# --- Security -------------------------------------------------------------------------------
# Many intranet deployments are plain HTTP behind a gateway, so HTTPS-only cookies are opt-in.
HTTPS = env_bool("HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=60)

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "安全生产责任体系管理平台 <noreply@localhost>")
# Who receives the platform's alerts (a missing working-day calendar, for example): comma-separated
# e-mail addresses, sent from SERVER_EMAIL.
ADMINS = [("", address) for address in env_list("ADMINS", [])]
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.ScopedModelPermissions"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": env_str("API_RATE_LIMIT", "6000/hour")},
    "DEFAULT_VERSIONING_CLASS": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "安全生产责任体系管理平台 API",
    "DESCRIPTION": (
        "REST API of the safety-production responsibility platform for county systems and other "
        "integrators. Authenticate with `Authorization: Token <key>`; every list is limited to "
        "the jurisdictions the token's account may see."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "APPEND_COMPONENTS": {
        "securitySchemes": {
            "TokenAuth": {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "`Token <key>`, created with `python manage.py create_api_token <username>`.",
            }
        }
    },
    "SECURITY": [{"TokenAuth": []}],
    "ENUM_NAME_OVERRIDES": {
        "MeetingKindEnum": "responsibility.choices.MeetingKind",
        "SupervisionStatusEnum": "responsibility.choices.SupervisionStatus",
        "PowerListStatusEnum": "responsibility.choices.PowerListStatus",
        "RiskClassEnum": "responsibility.choices.RiskClass",
        "HazardStatusEnum": "hazards.choices.HazardStatus",
        "HazardLevelEnum": "hazards.choices.HazardLevel",
        "HazardCategoryEnum": "hazards.choices.HazardCategory",
        "HazardEventKindEnum": "hazards.choices.HazardEventKind",
        "VisitKindEnum": "hazards.choices.VisitKind",
        "ExtensionStatusEnum": "hazards.choices.ExtensionStatus",
        "TipOffStatusEnum": "hazards.choices.TipOffStatus",
        "RiskPointStatusEnum": "hazards.choices.RiskPointStatus",
        "InspectionKindEnum": "inspections.choices.InspectionKind",
        "InspectionStatusEnum": "inspections.choices.InspectionStatus",
        "AnswerResultEnum": "inspections.choices.AnswerResult",
        "ParticipantRoleEnum": "inspections.choices.ParticipantRole",
        "RoleEnum": "responsibility.choices.PostRole",
        "PatrolKindEnum": "patrols.choices.PatrolKind",
        "PatrolStatusEnum": "patrols.choices.PatrolStatus",
        "PatrolFindingStatusEnum": "patrols.choices.FindingStatus",
        "PatrolDispositionStatusEnum": "patrols.choices.DispositionStatus",
        "PatrolDocumentKindEnum": "patrols.choices.DocumentKind",
        "PatrolEventKindEnum": "patrols.choices.EventKind",
        "DossierStatusEnum": "assessments.choices.DossierStatus",
        "AccountabilityMeasureEnum": "assessments.choices.AccountabilityMeasure",
        "AccountabilityModifierEnum": "assessments.choices.AccountabilityModifier",
        "AccidentLevelEnum": "assessments.choices.AccidentLevel",
        "AccidentTypeEnum": "assessments.choices.AccidentType",
        "InvestigationStatusEnum": "assessments.choices.InvestigationStatus",
        "AssessmentRoundStatusEnum": "assessments.choices.RoundStatus",
        "AssessmentGradeEnum": "assessments.choices.Grade",
        "IndicatorKindEnum": "assessments.choices.IndicatorKind",
        "AssessmentPeriodKindEnum": "assessments.choices.PeriodKind",
        "AssessmentTargetKindEnum": "assessments.choices.TargetKind",
        "VetoEffectEnum": "assessments.choices.VetoEffect",
    },
}
API_TOKEN_DEFAULT_DAYS = env_int("API_TOKEN_DEFAULT_DAYS", 365, minimum=1)

# --- Celery ---------------------------------------------------------------------------------
# With REDIS_URL: a real Redis broker. Without it: kombu's filesystem transport under var/,
# which a worker started beside the dev server really consumes (see README).
CELERY_BROKER_DIR = VAR_DIR / "celery" / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 6 * 3600}
    CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": 6 * 3600}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR),
        "data_folder_out": str(CELERY_BROKER_DIR),
        "control_folder": str(VAR_DIR / "celery" / "control"),
    }
    CELERY_RESULT_BACKEND = f"file://{VAR_DIR / 'celery' / 'results'}"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
# The periodic schedule lives in code so every deployment runs the same jobs; each job is
# idempotent, so a second beat by mistake costs work, never duplicate effects.
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "core.tasks.record_worker_heartbeat", "schedule": 60.0},
    "purge-expired-api-tokens": {"task": "core.tasks.purge_expired_api_tokens", "schedule": crontab(hour=3, minute=10)},
    "check-working-calendar": {"task": "core.tasks.check_working_calendar", "schedule": crontab(hour=8, minute=30)},
    # After the calendar check, so a patrol's stage deadlines are computed on a known calendar.
    "patrols-due-dates": {"task": "patrols.tasks.refresh_due_dates", "schedule": crontab(hour=8, minute=40)},
}

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

FILTERS_EMPTY_CHOICE_LABEL = _("All")

# --- Platform -------------------------------------------------------------------------------
PLATFORM_NAME = _("Safety Production Responsibility Platform")
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False
# The risk map's base layer: a tile server reachable from the users' network (an intranet map
# service), with {z}/{x}/{y} placeholders. Empty: points are drawn over a plain lat/lon grid.
MAP_TILE_URL = env_str("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "")

# --- Inspections ------------------------------------------------------------------------------
# An inspection logged more than this many days after it took place is flagged for review.
INSPECTION_LATE_LOGGING_DAYS = env_int("INSPECTION_LATE_LOGGING_DAYS", 7, minimum=1)

# --- Public tip-offs (12350) ------------------------------------------------------------------
# Per client address, counted per attempt; "N/h" and "N/d" windows, comma-separated.
TIP_OFF_RATE_LIMITS = env_str("TIP_OFF_RATE_LIMITS", "5/h, 20/d")
TIP_OFF_LOOKUP_RATE_LIMITS = env_str("TIP_OFF_LOOKUP_RATE_LIMITS", "60/h")
TIP_OFF_PHOTO_MAX_BYTES = env_int("TIP_OFF_PHOTO_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
TIP_OFF_MAX_BODY_BYTES = env_int("TIP_OFF_MAX_BODY_BYTES", 16 * 1024 * 1024, minimum=1024)
# Reverse proxies in front of the platform whose X-Forwarded-For entries are trusted (1 behind
# one nginx); 0 uses the connection's address.
TIP_OFF_TRUSTED_PROXIES = env_int("TIP_OFF_TRUSTED_PROXIES", 0, minimum=0)
