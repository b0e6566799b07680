"""The one settings module. Everything an operator may change is an environment variable,
read through the typed helpers of :mod:`tinhso.lib.env`; see docs/operations.md for the list.
Province policy (office hours, holidays, forms) lives in the database, not here."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from tinhso.lib.env import env_bool, env_int, env_list, env_path, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env_path("TINHSO_DATA_DIR", BASE_DIR / "var")
DEBUG = env_bool("TINHSO_DEBUG", False)
TESTING = env_bool("TINHSO_TESTING", False)


def _ensure_data_dir() -> Path:
    try:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ImproperlyConfigured(
            f"TINHSO_DATA_DIR={str(DATA_DIR)!r}: không tạo được thư mục ({exc.strerror})."
        ) from None
    return DATA_DIR


def _secret_key() -> str:
    key = env_secret("TINHSO_SECRET_KEY")
    if key:
        if len(key) < 32:
            raise ImproperlyConfigured("TINHSO_SECRET_KEY quá ngắn: cần ít nhất 32 ký tự.")
        return key
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "Thiếu TINHSO_SECRET_KEY (hoặc TINHSO_SECRET_KEY_FILE): "
            "bắt buộc khi TINHSO_DEBUG=false. "
            "Tạo khoá: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    # Development: a key generated once and kept in the data directory.
    key_file = _ensure_data_dir() / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
# Key of the audit hash chain (HMAC); separate so that it can be kept away from the web tier.
AUDIT_CHAIN_KEY = env_secret("TINHSO_AUDIT_KEY") or SECRET_KEY

ALLOWED_HOSTS = env_list("TINHSO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("TINHSO_CSRF_TRUSTED_ORIGINS", [])
PUBLIC_URL = env_str("TINHSO_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "axes",
    "ninja",
    "tinhso.core",
    "tinhso.audit",
    "tinhso.organizations",
    "tinhso.identity",
    "tinhso.calendar",
    "tinhso.outbox",
    "tinhso.attachments",
    "tinhso.catalog",
    "tinhso.dossiers",
    "tinhso.printing",
    "tinhso.payments",
    "tinhso.postal",
    "tinhso.notifications",
    "tinhso.portal",
    "tinhso.workspace",
    "tinhso.administration",
    "tinhso.demo",
    "tinhso.bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tinhso.audit.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tinhso.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tinhso.urls"
FORM_RENDERER = "tinhso.core.forms.FormRenderer"
WSGI_APPLICATION = "tinhso.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tinhso" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tinhso.portal.context.site",
            ],
        },
    }
]


def _databases() -> dict[str, dict[str, Any]]:
    url = env_str("DATABASE_URL")
    if not url:
        return {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": _ensure_data_dir() / "tinhso.sqlite3",
                "OPTIONS": {
                    "transaction_mode": "IMMEDIATE",
                    "timeout": 20,
                    "init_command": (
                        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                        "PRAGMA foreign_keys=ON;"
                    ),
                },
                "TEST": {"NAME": None},
            }
        }
    if not url.startswith(("postgres://", "postgresql://", "sqlite://")):
        raise ImproperlyConfigured(
            "DATABASE_URL phải bắt đầu bằng postgresql:// hoặc sqlite:// "
            "(ví dụ postgresql://tinhso:matkhau@127.0.0.1:5432/tinhso)."
        )
    try:
        config = dict(
            dj_database_url.parse(
                url, conn_max_age=env_int("TINHSO_DB_CONN_MAX_AGE", 60, minimum=0)
            )
        )
    except Exception as exc:  # the parser raises several types for bad URLs
        raise ImproperlyConfigured(f"DATABASE_URL không hợp lệ: {exc}") from None
    if config["ENGINE"] == "django.db.backends.postgresql" and not config.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL thiếu tên cơ sở dữ liệu (…/tên_csdl).")
    config["CONN_HEALTH_CHECKS"] = True
    return {"default": config}


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "identity.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Tests create many accounts; Argon2's deliberate cost is measured by the benchmark, not here.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

# Login throttling (django-axes): lock a user name + address pair after repeated failures.
AXES_FAILURE_LIMIT = env_int("TINHSO_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("TINHSO_LOGIN_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "portal/locked_out.html"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("TINHSO_PROXY_COUNT", 0, minimum=0)

# Sessions and transport security.
HTTPS = env_bool("TINHSO_HTTPS", not (DEBUG or TESTING))
SESSION_COOKIE_AGE = env_int("TINHSO_SESSION_MINUTES", 8 * 60, minimum=5) * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("TINHSO_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = env_int("TINHSO_HSTS_SECONDS", 31536000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# Preloading commits the whole domain (often a shared gov.vn parent) to HTTPS in browsers for
# years: the operator opts in; the deploy check's reminder is silenced while it is off.
SECURE_HSTS_PRELOAD = HTTPS and env_bool("TINHSO_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Vietnamese by default; English when chosen (tinhso.core.middleware.LanguageMiddleware).
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "tinhso" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
if DEBUG or TESTING:
    # WhiteNoise serves from the finders here, but warns when the directory is missing.
    (_ensure_data_dir() / "static").mkdir(exist_ok=True)
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOG_LEVEL = env_str("TINHSO_LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(
        f"TINHSO_LOG_LEVEL={LOG_LEVEL!r} không hợp lệ: DEBUG, INFO, WARNING, ERROR hoặc CRITICAL."
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}

NINJA_PAGINATION_PER_PAGE = 50
# Public dossier lookup: requests per minute and address (benchmarks raise it on loopback).
LOOKUP_RATE_PER_MINUTE = env_int("TINHSO_LOOKUP_RATE_PER_MINUTE", 20, minimum=1)
# The ceiling views of `tinhso bench run` (/bench/…); never on in production.
BENCH = env_bool("TINHSO_BENCH", False)
NINJA_NUM_PROXIES = AXES_IPWARE_PROXY_COUNT
