"""Django settings: the environment is read here and nowhere else.

With no variable at all microcred runs embedded: SQLite in WAL mode and media under ``./var``
(``MICROCRED_DATA_DIR``), the secret key read from ``./var/secret_key`` (created once by the
``microcred`` command, never here: a key generated at import time would differ per process).
Production differs only by environment:

- ``DATABASE_URL``: PostgreSQL (or any database ``dj-database-url`` understands).
- ``REDIS_URL``: the Redis cache.
- ``MICROCRED_PUBLIC_URL``: the public base URL; an ``https`` URL makes the issuer ``did:web``.
- ``MICROCRED_SECRET_KEY``: the secret key (otherwise ``$MICROCRED_DATA_DIR/secret_key``).
- ``MICROCRED_DEBUG``: ``1`` turns debug on (``microcred demo`` servers set it).
- ``MICROCRED_ALLOWED_HOSTS``: comma-separated host names (derived from the public URL otherwise).
- ``MICROCRED_UPLOAD_MAX_BYTES``: the largest file any form accepts (default 10 MB).
- ``MICROCRED_HTTPS``, ``MICROCRED_SSL_REDIRECT``, ``MICROCRED_HSTS_*``, ``MICROCRED_RATE_LIMIT_*``,
  ``MICROCRED_LOCKOUT_*``, ``MICROCRED_REQUIRE_2FA_FOR``: see docs/security.md.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

env = os.environ

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env.get("MICROCRED_DATA_DIR", "var")).resolve()
SECRET_KEY_FILE = DATA_DIR / "secret_key"


def _flag(name: str, default: bool = False) -> bool:
    value = env.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    if key := env.get("MICROCRED_SECRET_KEY"):
        return key
    try:
        key = SECRET_KEY_FILE.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise ImproperlyConfigured(
            f"No secret key: set MICROCRED_SECRET_KEY or run `microcred migrate`, which creates "
            f"{SECRET_KEY_FILE} once."
        ) from None
    if len(key) < 32:
        raise ImproperlyConfigured(f"{SECRET_KEY_FILE} holds a key shorter than 32 characters.")
    return key


SECRET_KEY = _secret_key()
DEBUG = _flag("MICROCRED_DEBUG")

PUBLIC_URL = env.get("MICROCRED_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
_public = urlsplit(PUBLIC_URL)
if _public.scheme not in {"http", "https"} or not _public.hostname:
    raise ImproperlyConfigured(f"MICROCRED_PUBLIC_URL must be an http(s) URL, not {PUBLIC_URL!r}")
PUBLIC_HOST = _public.netloc
# did:web only makes sense for an https host; the embedded default signs with did:key.
ISSUER_DID_METHOD = "web" if _public.scheme == "https" else "key"

ALLOWED_HOSTS = [h.strip() for h in env.get("MICROCRED_ALLOWED_HOSTS", "").split(",") if h.strip()]
ALLOWED_HOSTS += [_public.hostname, "127.0.0.1", "localhost", "[::1]"]
CSRF_TRUSTED_ORIGINS = [f"{_public.scheme}://{_public.netloc}"]
# Served over HTTPS: an https public URL, or MICROCRED_HTTPS=1 (TLS ended by a proxy in front).
HTTPS = _public.scheme == "https" or _flag("MICROCRED_HTTPS")
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if HTTPS and not DEBUG:
    # HSTS (RFC 6797): a year, subdomains included; preloading is a one-way door, so opt-in.
    SECURE_HSTS_SECONDS = int(env.get("MICROCRED_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("MICROCRED_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = _flag("MICROCRED_HSTS_PRELOAD")
    # Usually the proxy redirects http to https; MICROCRED_SSL_REDIRECT=1 makes Django do it.
    SECURE_SSL_REDIRECT = _flag("MICROCRED_SSL_REDIRECT")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "microcred.web",
    "microcred.audit",
    "microcred.accounts",
    "microcred.orgs",
    "microcred.catalog",
    "microcred.earning",
    "microcred.assessment",
    "microcred.notifications",
    "microcred.issuance",
    "microcred.verification",
    "microcred.learner",
    "microcred.ops",
    "microcred.demo",
    "microcred.pages",
    "microcred.api",  # before oauth2_provider: our consent page overrides its template
    "oauth2_provider",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # After the CSP middleware so it sees each response first: sandboxes downloads and lets
    # the OAuth consent form post to the client's redirect URI.
    "microcred.web.content_policy.ContentPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "microcred.web.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "microcred.web.rate_limits.RateLimitMiddleware",
    "microcred.accounts.two_factor.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "microcred.web.middleware.MicrocredErrorMiddleware",
]

ROOT_URLCONF = "microcred.urls"
WSGI_APPLICATION = "microcred.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "microcred.web.context_processors.site",
                "microcred.pages.context_processors.navigation",
            ],
        },
    },
]

if database_url := env.get("DATABASE_URL"):
    # Persistent connections, checked before reuse in each request (CONN_HEALTH_CHECKS): after a
    # PostgreSQL restart or a dropped connection the next request reconnects by itself.
    DATABASES = {"default": dj_database_url.parse(database_url, conn_max_age=60,
                                                  conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "microcred.sqlite3",
            "OPTIONS": {
                # WAL lets readers proceed while the worker writes; IMMEDIATE takes the write
                # lock at BEGIN so two writers queue on busy_timeout instead of failing with
                # "database is locked" halfway through a transaction.
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # Keep the connection between requests: opening SQLite and running the pragmas
            # costs more than a small page's queries.
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
        }
    }

# "default" holds what each process may keep for itself (page and catalog caches). "throttle"
# holds the sign-in lockout's and the rate limits' counts, which every worker process must
# share, or each gunicorn worker would allow the whole limit again: Redis when REDIS_URL is
# set, otherwise Django's database cache in a table created by `microcred migrate`
# (accounts migration 0004).
THROTTLE_CACHE_TABLE = "microcred_throttle_cache"
if redis_url := env.get("REDIS_URL"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                    "LOCATION": redis_url},
        "throttle": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                     "LOCATION": redis_url},
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "throttle": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                     "LOCATION": THROTTLE_CACHE_TABLE,
                     # Counts expire by themselves; cull rarely (each cull is a query).
                     "OPTIONS": {"MAX_ENTRIES": 100_000, "CULL_FREQUENCY": 4}},
    }
RATELIMIT_USE_CACHE = "throttle"  # django-ratelimit's counts (microcred.web.rate_limits)

TASKS = {
    "default": {
        "BACKEND": env.get("MICROCRED_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# A task a worker claimed and has not finished after this long is taken back for another worker
# (the sweep, microcred.ops.task_leases): the worker died with it. Every task is idempotent.
TASK_LEASE_SECONDS = int(env.get("MICROCRED_TASK_LEASE_SECONDS", "600"))

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "pages:home"
LOGOUT_REDIRECT_URL = "pages:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# Each language is named in itself: the switcher is read by people who may not read English.
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
MEDIA_ROOT = DATA_DIR / "media"
# Evidence is private: there is deliberately no MEDIA_URL route; files are served by a view
# that checks who is asking.
MEDIA_URL = "/media-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # WhiteNoise serves the app directories directly (WHITENOISE_USE_FINDERS), so there is
        # no collectstatic step and no manifest to get out of date.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True

# Email: printed to the console unless an SMTP host is configured (Django's MAILERS).
if email_host := env.get("MICROCRED_EMAIL_HOST"):
    MAILERS = {"default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": email_host,
            "port": int(env.get("MICROCRED_EMAIL_PORT", "587")),
            "username": env.get("MICROCRED_EMAIL_USER", ""),
            "password": env.get("MICROCRED_EMAIL_PASSWORD", ""),
            "use_tls": _flag("MICROCRED_EMAIL_USE_TLS", default=True),
        },
    }}
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env.get("MICROCRED_EMAIL_FROM", f"microcred <noreply@{_public.hostname}>")

# Evidence storage: private files on disk, or a private S3 bucket (django-storages) with
# MICROCRED_STORAGE=s3. Either way files are only ever served through a signed, expiring link
# checked by a view; S3 objects are private (no public ACL, no querystring auth handed out).
if env.get("MICROCRED_STORAGE", "filesystem") == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.get("MICROCRED_S3_BUCKET", ""),
            "endpoint_url": env.get("MICROCRED_S3_ENDPOINT_URL") or None,
            "region_name": env.get("MICROCRED_S3_REGION") or None,
            "access_key": env.get("MICROCRED_S3_ACCESS_KEY_ID") or None,
            "secret_key": env.get("MICROCRED_S3_SECRET_ACCESS_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
# How long a signed evidence link works (seconds).
EVIDENCE_LINK_MAX_AGE = int(env.get("MICROCRED_EVIDENCE_LINK_MAX_AGE", "300"))

# The Open Badges 3.0 API's OAuth 2.0 server (django-oauth-toolkit): authorization code with
# PKCE S256 only, open RFC 7591 dynamic client registration (OB 3.0 §6.1) for such clients
# only, https redirect URIs (http on a loopback address only, RFC 8252), and the four OB 3.0
# scopes (plus ``vc.issue`` for the VC-API issuer endpoint). No other grant exists: the rules
# are in ``microcred.api.oauth_server``.
OB_SCOPE = "https://purl.imsglobal.org/spec/ob/v3p0/scope/"
OAUTH2_PROVIDER = {
    "OAUTH2_SERVER_CLASS": "oauthlib.oauth2.WebApplicationServer",
    "OAUTH2_VALIDATOR_CLASS": "microcred.api.oauth_server.Validator",
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    # RFC 8414 metadata: only what the server does.
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "refresh_token"],
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": [
        "client_secret_basic", "client_secret_post", "none"],
    "SCOPES": {
        OB_SCOPE + "credential.readonly": "Read your Open Badges credentials",
        OB_SCOPE + "credential.upsert": "Add or replace Open Badges credentials in your account",
        OB_SCOPE + "profile.readonly": "Read your profile",
        OB_SCOPE + "profile.update": "Update your profile",
        "vc.issue": "Issue credentials for organizations you administer",
    },
    "DEFAULT_SCOPES": [OB_SCOPE + "credential.readonly"],
    "PKCE_REQUIRED": True,
    # http stays a scheme the toolkit allows for RFC 8252 loopback redirects; the validator
    # and registration refuse it on any other host (oauth_server.redirect_uri_problem).
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 300,
    "ROTATE_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,  # S256 only, never "plain"
    "DCR_ENABLED": True,
    "DCR_REGISTRATION_PERMISSION_CLASSES": ("oauth2_provider.dcr.AllowAllDCRPermission",),
}

# The verifier fetches other issuers' did:web documents and status lists (HTTPS, bounded in
# time and size) only when this is on; private, loopback and link-local addresses stay refused
# unless the second flag is set (issuers on the deployment's own network).
VERIFIER_ALLOW_NETWORK = _flag("MICROCRED_VERIFIER_NETWORK", default=True)
VERIFIER_ALLOW_PRIVATE_ADDRESSES = _flag("MICROCRED_VERIFIER_PRIVATE_ADDRESSES")
# Issuer registries the verifier trusts, most authoritative first: "[NAME=]FILE_OR_URL" entries
# separated by commas or new lines (DCC issuer registries and OpenID Federation trust anchors;
# URLs are fetched only with the network on). The verdict names the registry that lists a
# credential's issuer; none by default (docs/vc.md, "Issuer registries").
ISSUER_REGISTRIES = env.get("MICROCRED_ISSUER_REGISTRIES", "")
# Registry files dropped into this folder (``*.json``: the DCC format; ``*.jwt``: an OpenID
# Federation trust anchor's configuration) are trusted too, after ISSUER_REGISTRIES, in name
# order; `microcred demo` puts one there.
ISSUER_REGISTRY_DIR = DATA_DIR / "registries"

UPLOAD_MAX_BYTES = int(env.get("MICROCRED_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "microcred.earning.uploads.BoundedTemporaryFileUploadHandler",
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (CSP Level 3) on every response: no inline script or style, no eval,
# no plugins, no framing. Templates keep all JavaScript and CSS in static files (a test scans
# them); htmx is told not to inject its indicator <style> (the htmx-config meta tag).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# Rate limits (django-ratelimit, counted in the default cache: Redis when REDIS_URL is set),
# per client address, as "count/period" (s, m, h, d; "5/15m" is five per 15 minutes).
# MICROCRED_RATE_LIMIT_<NAME> overrides one, e.g. MICROCRED_RATE_LIMIT_SIGN_IN=20/m.
RATE_LIMITS = {
    name: env.get(f"MICROCRED_RATE_LIMIT_{name.upper()}", default)
    for name, default in {
        "sign_in": "20/5m",  # sign-in and its two-factor step (POST)
        "sign_up": "10/h",
        "password_reset": "5/15m",
        "verify": "30/m",  # the public verifier page and VC-API verification (POST)
        "api": "300/m",  # the Open Badges 3.0 API and OAuth token endpoints
    }.items()
}
RATELIMIT_ENABLE = _flag("MICROCRED_RATE_LIMITS", default=True)
# Behind a proxy the client address is in a header the proxy sets (e.g. X-Forwarded-For, whose
# last entry is the one the proxy saw), not in REMOTE_ADDR: MICROCRED_CLIENT_IP_HEADER names it.
CLIENT_IP_HEADER = env.get("MICROCRED_CLIENT_IP_HEADER", "")
if CLIENT_IP_HEADER:
    RATELIMIT_IP_META_KEY = "microcred.web.rate_limits.client_ip"

# Account lockout: this many failed sign-ins (password or two-factor code) for one email
# address within the window lock it for LOCKOUT_SECONDS, whether or not the account exists.
SIGN_IN_LOCKOUT_FAILURES = int(env.get("MICROCRED_LOCKOUT_FAILURES", "10"))
SIGN_IN_LOCKOUT_WINDOW = int(env.get("MICROCRED_LOCKOUT_WINDOW", "900"))
SIGN_IN_LOCKOUT_SECONDS = int(env.get("MICROCRED_LOCKOUT_SECONDS", "900"))

# Two-factor sign-in (TOTP, RFC 6238) is optional for everyone; these roles must set it up
# before using the site ("admin", "assessor", "author"; staff accounts count as "admin").
REQUIRE_2FA_FOR = frozenset(
    r.strip() for r in env.get("MICROCRED_REQUIRE_2FA_FOR", "").split(",") if r.strip()
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.get("MICROCRED_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
