"""Settings of the drive (`localpds`), a Django project of its own beside the portal.

Every knob is an environment variable with a safe default, listed in the drive's section of
`.env.example`. The drive's names start with `LOCALPDS_` so that one `.env` (read first, beside
`manage.py`; real environment variables win) serves the portal and the drive; DEBUG and
LOG_LEVEL are shared. Nothing here is the portal's: the two meet only over HTTP.
"""

from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from common import clientaddr
from common.backends import cache_setting, database_setting, file_cache
from common.env import (
    BASE_DIR,
    STOCK_PORTAL_URL,
    env_bool,
    env_int,
    env_list,
    env_str,
    load_dotenv,
)

load_dotenv()

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("LOCALPDS_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "LOCALPDS_SECRET_KEY must be set (`make .env` writes a random one)."
        )
    SECRET_KEY = "insecure-drive-development-key-only-for-debug"

ALLOWED_HOSTS = env_list("LOCALPDS_ALLOWED_HOSTS", "127.0.0.1,localhost")

# Metadata (SQLite by default), file contents (blobs/), thumbnails, the cache, static files.
LOCALPDS_DATA_DIR = Path(
    env_str("LOCALPDS_DATA_DIR", str(BASE_DIR / "data" / "localpds"))
).resolve()
LOCALPDS_DATA_DIR.mkdir(parents=True, exist_ok=True)
LOCALPDS_BLOB_DIR = LOCALPDS_DATA_DIR / "blobs"

# The absolute base of the drive's data URLs when it sits behind a proxy; empty: the host
# each request came to.
LOCALPDS_PUBLIC_URL = env_str("LOCALPDS_PUBLIC_URL").rstrip("/")
# The portal's base URL. The drive builds share pages from it (<portal>/s/<share_id>/, the
# `share_url` of the API) and seeding registers <portal>/dashboard/oauth/callback/ as the
# portal's OAuth redirect. `make run` sets it from PORT; a deployment must set it.
LOCALPDS_PORTAL_URL = (env_str("LOCALPDS_PORTAL_URL") or STOCK_PORTAL_URL).rstrip("/")
LOCALPDS_DOMAIN_ID = env_str("LOCALPDS_DOMAIN_ID", "localpds")
LOCALPDS_MAX_BODY_BYTES = env_int("LOCALPDS_MAX_BODY_BYTES", 1024 * 1024)
# The most one ZIP of `file/archive_files` may hold: files and folders, and bytes of contents.
# Past either the request is refused (400 ArchiveTooLarge) before any work.
LOCALPDS_ARCHIVE_MAX_ENTRIES = env_int("LOCALPDS_ARCHIVE_MAX_ENTRIES", 10_000)
LOCALPDS_ARCHIVE_MAX_BYTES = env_int("LOCALPDS_ARCHIVE_MAX_BYTES", 20 * 1024**3)
# The largest file one upload (`file/create`) may declare, and the origins whose pages may PUT
# upload parts to the drive from a browser (CORS on the part URLs; default: the portal's).
LOCALPDS_MAX_UPLOAD_BYTES = env_int("LOCALPDS_MAX_UPLOAD_BYTES", 50 * 1024**3)
LOCALPDS_UPLOAD_ORIGINS = env_list(
    "LOCALPDS_UPLOAD_ORIGINS",
    "{0.scheme}://{0.netloc}".format(urlsplit(LOCALPDS_PORTAL_URL)),
)
# The portal as an OAuth client of the drive, registered (or updated) by `seed_demo`; the
# portal's PDS_OAUTH_CLIENT_ID / PDS_OAUTH_CLIENT_SECRET must say the same.
LOCALPDS_OAUTH_CLIENT_ID = env_str("LOCALPDS_OAUTH_CLIENT_ID", "shareportal")
LOCALPDS_OAUTH_CLIENT_SECRET = env_str("LOCALPDS_OAUTH_CLIENT_SECRET")

# Share passwords and sign-ins are throttled by client address (localpds.throttle): the peer,
# unless it is one of these proxies (addresses or CIDR networks), whose X-Forwarded-For is then
# believed. The portal is one: list its address, or every visitor counts as the portal.
LOCALPDS_TRUSTED_PROXIES = env_list("LOCALPDS_TRUSTED_PROXIES")
try:
    clientaddr.trusted_networks(LOCALPDS_TRUSTED_PROXIES)
except ValueError as exc:
    raise ImproperlyConfigured(f"LOCALPDS_TRUSTED_PROXIES: {exc}") from None

INSTALLED_APPS = [
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    "localpds",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language of the drive's own pages (sign-in, consent); the API answers as it always did.
    "localpds.languages.PagesLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "localpds.urls"
WSGI_APPLICATION = "localpds.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": database_setting(
        env_str("LOCALPDS_DATABASE_URL", f"sqlite:///{LOCALPDS_DATA_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("LOCALPDS_DATABASE_CONN_MAX_AGE", 60),
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds sessions, so every worker must share it: Redis when LOCALPDS_REDIS_URL is
# set, otherwise files in the drive's data directory. With Redis, the password attempt counters
# live there too (otherwise in the database); their keys and the cache's start with the prefix.
LOCALPDS_REDIS_URL = env_str("LOCALPDS_REDIS_URL")
LOCALPDS_REDIS_KEY_PREFIX = env_str("LOCALPDS_REDIS_KEY_PREFIX", "localpds")
CACHES = {
    "default": cache_setting(
        LOCALPDS_REDIS_URL,
        key_prefix=LOCALPDS_REDIS_KEY_PREFIX,
        local=file_cache(
            LOCALPDS_DATA_DIR / "cache",
            max_entries=env_int("LOCALPDS_CACHE_MAX_ENTRIES", 1_000_000),
        ),
    )
}

# The drive's session holds who signed in to the consent pages. The portal often shares the
# host name in development (cookies ignore ports), so the drive's cookies have their own names.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_NAME = "pds_sessionid"
CSRF_COOKIE_NAME = "pds_csrftoken"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("LOCALPDS_SESSION_COOKIE_AGE", 60 * 60 * 24)
# Behind https the cookies are Secure: the drive's own public URL says so, or the portal's
# (a portal served over https has its drive's sign-in pages on https too).
HTTPS = any(url.startswith("https://") for url in (LOCALPDS_PUBLIC_URL, LOCALPDS_PORTAL_URL))
SESSION_COOKIE_SECURE = env_bool("LOCALPDS_SESSION_COOKIE_SECURE", HTTPS)
CSRF_COOKIE_SECURE = env_bool("LOCALPDS_CSRF_COOKIE_SECURE", HTTPS)
# Behind TLS at its own public URL the cookies take the `__Host-` prefix, which browsers accept
# only Secure, for Path=/ and without Domain: no other host of the domain (a sibling subdomain,
# a plain-http page) can then set or shadow them. Django's defaults are that path and domain.
if LOCALPDS_PUBLIC_URL.startswith("https://"):
    if SESSION_COOKIE_SECURE:
        SESSION_COOKIE_NAME = f"__Host-{SESSION_COOKIE_NAME}"
    if CSRF_COOKIE_SECURE:
        CSRF_COOKIE_NAME = f"__Host-{CSRF_COOKIE_NAME}"
CSRF_TRUSTED_ORIGINS = env_list("LOCALPDS_CSRF_TRUSTED_ORIGINS")
# The drive's own page for a refused form (an expired sign-in page, cookies off).
CSRF_FAILURE_VIEW = "localpds.oauth.csrf_failure"
TRUST_X_FORWARDED_PROTO = env_bool("LOCALPDS_TRUST_X_FORWARDED_PROTO")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUST_X_FORWARDED_PROTO else None
# As the portal does: behind https, plain http is redirected (only when the proxy says the
# scheme, or the redirect would loop) and browsers are told to remember it for a year.
SECURE_SSL_REDIRECT = env_bool("LOCALPDS_SECURE_SSL_REDIRECT", HTTPS and TRUST_X_FORWARDED_PROTO)
SECURE_HSTS_SECONDS = env_int("LOCALPDS_SECURE_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0)
# Subdomains and the browsers' preload list are the domain owner's decision, not this site's:
# off unless set, and Django's reminders of them (W005, W021) are silenced on purpose.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("LOCALPDS_SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("LOCALPDS_SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# The drive's own policy, for its sign-in and consent pages. The consent page widens
# form-action to the client's origin for that one response (see localpds.oauth).
SECURE_CSP: dict[str, list[str]] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# The drive's own pages in English and Simplified Chinese, by the language switch's cookie,
# else Accept-Language (localpds/languages.py). Its catalogue is localpds/locale/, compiled by
# `make run` and `make test`; the API's messages stay English, as the contract has them.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [Path(__file__).resolve().parent / "locale"]
# Like the portal's: set only by the switch (a POST with its CSRF token), Lax, a year, no
# script reads it, Secure and `__Host-` behind TLS like the drive's other cookies.
LANGUAGE_COOKIE_NAME = "pds_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
if LOCALPDS_PUBLIC_URL.startswith("https://") and LANGUAGE_COOKIE_SECURE:
    LANGUAGE_COOKIE_NAME = f"__Host-{LANGUAGE_COOKIE_NAME}"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# The drive's static files (localpds/static/), collected into its own data directory and
# served by WhiteNoise, hashed once `collectstatic` has written its manifest.
STATIC_URL = "/static/"
STATIC_ROOT = LOCALPDS_DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", (STATIC_ROOT / "staticfiles.json").is_file())
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_MANIFEST_STRICT = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
