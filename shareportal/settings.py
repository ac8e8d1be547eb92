"""Settings of the portal (`shareportal`, the `web` process).

Every knob is an environment variable with a safe default, listed in the portal's section of
`.env.example`. A `.env` file beside `manage.py` is read first, for development; real
environment variables win. The drive (`localpds`) is another project with its own settings
(`localpds.settings`, `LOCALPDS_*` names); the portal reaches it only over HTTP.
"""

from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from common import clientaddr
from common.backends import cache_setting, database_cache, database_setting
from common.env import BASE_DIR, env_bool, env_float, env_int, env_list, env_str, load_dotenv
from shareportal.origins import origin_parse

load_dotenv()


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set (`make .env` writes a random one).")
    SECRET_KEY = "insecure-development-key-only-for-debug"
# The same on every instance: sessions are signed with it in the database. To rotate it, set
# the new SECRET_KEY and list the old one here, on every instance, for as long as sessions
# signed with it should keep working (SESSION_COOKIE_AGE).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / "data"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "shareportal.shares",
    "shareportal.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "shareportal.middleware.PrivatePagesMiddleware",
    # Outside the session and CSRF middleware: the embed view's cookies stand in for theirs.
    "shareportal.shares.embedding.EmbedCookiesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's LocaleMiddleware, with the embed view's `?lang=` (languages.py).
    "shareportal.languages.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "shareportal.urls"
WSGI_APPLICATION = "shareportal.wsgi.application"

TEMPLATES = [
    # The share pages (the hot path) in Jinja2, first, so that their names find it at once; the
    # dashboard's pages are not there and fall through to Django's engine.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "shareportal.jinja2.environment",
            "context_processors": [
                "django.template.context_processors.csp",
                "django.contrib.messages.context_processors.messages",
                "shareportal.shares.embedding.context",
                "shareportal.languages.context",
                "shareportal.accounts.session.context",
            ],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.messages.context_processors.messages",
                "shareportal.languages.context",
            ],
        },
    },
]

DATABASES = {
    "default": database_setting(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds only what can be had again (a share's public facts, the shared token of a
# share without a password, folders for breadcrumbs, copies of sessions), and it must be
# shared by every process of a deployment: Redis when REDIS_URL is set, failing open (an
# unreachable Redis is an empty cache, with a log line), otherwise a table in the database,
# which all gunicorn workers on one machine see and which stays fast as it grows
# (`common.backends.database_cache`; `migrate` makes its table).
REDIS_URL = env_str("REDIS_URL")
CACHES = {
    "default": cache_setting(
        REDIS_URL,
        key_prefix=env_str("CACHE_KEY_PREFIX", "shareportal-web"),
        local=database_cache(
            table="shareportal_cache", max_entries=env_int("CACHE_MAX_ENTRIES", 100_000)
        ),
        fail_open=True,
        socket_timeout=env_float("REDIS_SOCKET_TIMEOUT", 0.5),
    ),
    # Each process's short copy of the share-wide records read on every share page
    # (`shares/sharedcache.py`), so a page does not pay a shared-cache round trip for each.
    "process": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "shareportal-process",
        "OPTIONS": {"MAX_ENTRIES": 10_000},
    },
}
# How long a process reuses a share-wide record it read from the shared cache.
PROCESS_CACHE_SECONDS = env_int("PROCESS_CACHE_SECONDS", 5)

# Sessions hold share tokens of password shares and OAuth tokens, so they stay on the server;
# only the session key travels in the cookie, and only visitors who unlocked a share or owners
# who signed in have one. Rows in the database only, which every instance shares: not read
# through the cache, which fails open while Redis is down, so that a sign-out during an outage
# could come back to life from Redis's older copy once it answers again. They are gone
# SESSION_COOKIE_AGE after their last change: `manage.py clearsessions` (the Procfile's
# release step) deletes the expired rows. The drive often shares the host name in development
# (cookies ignore ports), so the portal's cookies keep their `web_` names and the drive's
# differ.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_NAME = "web_sessionid"
CSRF_COOKIE_NAME = "web_csrftoken"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 24)
HTTPS = PUBLIC_BASE_URL.startswith("https://")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", HTTPS)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", HTTPS)
# Behind TLS the cookies take the `__Host-` prefix, which browsers accept only Secure, for
# Path=/ and without Domain: no other host of the domain (a sibling subdomain, a plain-http
# page) can then set or shadow them. Django's defaults are that path and domain.
if HTTPS:
    if SESSION_COOKIE_SECURE:
        SESSION_COOKIE_NAME = f"__Host-{SESSION_COOKIE_NAME}"
    if CSRF_COOKIE_SECURE:
        CSRF_COOKIE_NAME = f"__Host-{CSRF_COOKIE_NAME}"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Our own private page (no-store, noindex, a way back) instead of Django's technical one.
CSRF_FAILURE_VIEW = "shareportal.shares.views.csrf_failure"
TRUST_X_FORWARDED_PROTO = env_bool("TRUST_X_FORWARDED_PROTO")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUST_X_FORWARDED_PROTO else None
# A site declared https (PUBLIC_BASE_URL) redirects plain http and asks browsers to remember
# that (HSTS, a year; Django sends it on https answers only). The redirect needs the proxy to
# say the scheme: without TRUST_X_FORWARDED_PROTO every request behind it looks like http and
# would be redirected forever.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS and TRUST_X_FORWARDED_PROTO)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0)
# Subdomains and the browsers' preload list are the domain owner's decision, not this site's:
# off unless set, and Django's reminders of them (W005, W021) are silenced on purpose.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]

SECURE_CONTENT_TYPE_NOSNIFF = True
# Share ids are in our URLs; "same-origin" keeps them from leaking to any other site.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Embedding (shares/embedding.py): the sites whose pages may frame the embed view `/e/...`.
# Empty, embedding is off. Each share's owner chooses among these in the dashboard; a share
# framed by a site missing from either list is refused by the browser (CSP frame-ancestors).
try:
    EMBED_ALLOWED_ORIGINS = [origin_parse(o) for o in env_list("EMBED_ALLOWED_ORIGINS")]
except ValueError:
    # The message of origin_parse is translated, which settings cannot be yet.
    raise ImproperlyConfigured(
        "EMBED_ALLOWED_ORIGINS: give comma-separated https origins, like https://example.com"
    ) from None
# The embed view's own cookies, apart from the top-level ones so that unlocking a share inside
# one host site never unlocks it anywhere else: SameSite=None, Secure and Partitioned (CHIPS),
# since a browser keeps nothing else in a third-party frame. Embedding needs https, so their
# names always carry the `__Host-` prefix (Secure, Path=/, no Domain).
EMBED_SESSION_COOKIE_NAME = "__Host-web_embed_sessionid"
EMBED_CSRF_COOKIE_NAME = "__Host-web_embed_csrftoken"

# The drive: where the portal reaches the PDS API (the embedded drive or a real PDS), and
# which hosts may serve the signed data URLs (downloads, previews, thumbnails) that the
# portal redirects visitors to.
PDS_API_ENDPOINT = env_str("PDS_API_ENDPOINT", "http://127.0.0.1:8001").rstrip("/")
PDS_CONNECT_TIMEOUT = env_float("PDS_CONNECT_TIMEOUT", 3.05)
PDS_READ_TIMEOUT = env_float("PDS_READ_TIMEOUT", 10.0)
# When the drive fails (README, "When the drive fails"): the longest the drive calls of one page
# may take together, connecting, retrying and reading whole answers included; how many drive
# calls one process makes at once (by default all its threads but two, which stay for pages
# needing no drive), and how long a call waits for one of those slots; how many failures in a
# row open a drive host's circuit breaker, and for how many seconds.
PDS_DEADLINE = env_float("PDS_DEADLINE", 8.0)
PDS_MAX_CONCURRENT_CALLS = env_int(
    "PDS_MAX_CONCURRENT_CALLS", max(1, env_int("WEB_THREADS", 8) - 2)
)
PDS_SLOT_WAIT = env_float("PDS_SLOT_WAIT", 0.25)
PDS_BREAKER_FAILURES = env_int("PDS_BREAKER_FAILURES", 5)
PDS_BREAKER_COOLDOWN = env_float("PDS_BREAKER_COOLDOWN", 10.0)
PDS_DATA_ORIGINS = env_list("PDS_DATA_ORIGINS", origin_of(PDS_API_ENDPOINT))
# How long the landing page may show a share's public facts (name, sharer, expiry) read for
# another visitor, to one who holds a share token: see shares.services.share_for_landing.
SHARE_PUBLIC_CACHE_SECONDS = env_int("SHARE_PUBLIC_CACHE_SECONDS", 30)
# The oldest listing (and landing) a visitor who has seen it may be shown, with a notice, while
# the drive is failing; 0 turns stale pages off. See shares.stale.
STALE_IF_ERROR_SECONDS = env_int("STALE_IF_ERROR_SECONDS", 300)

# OAuth client settings of the portal (the dashboard signs owners in through the drive).
PDS_OAUTH_CLIENT_ID = env_str("PDS_OAUTH_CLIENT_ID", "shareportal")
PDS_OAUTH_CLIENT_SECRET = env_str("PDS_OAUTH_CLIENT_SECRET")
PDS_AUTH_ENDPOINT = env_str("PDS_AUTH_ENDPOINT", PDS_API_ENDPOINT).rstrip("/")
# Where the owner's browser is sent to sign in (GET /v2/oauth/authorize on the drive's host).
PDS_OAUTH_AUTHORIZE_URL = env_str(
    "PDS_OAUTH_AUTHORIZE_URL", f"{PDS_AUTH_ENDPOINT}/v2/oauth/authorize"
)
# The portal's callback, registered with the drive as the client's exact redirect URI.
PDS_OAUTH_REDIRECT_URI = env_str(
    "PDS_OAUTH_REDIRECT_URI", f"{PUBLIC_BASE_URL}/dashboard/oauth/callback/"
)

# The share password throttle (shares/throttling.py): its counters live in the portal's
# database, or in Redis when THROTTLE_REDIS_URL (by default REDIS_URL) is set, so that every
# machine shares them. Give it a Redis that does not evict keys (not an LRU cache's), and a
# timeout short enough that a hung Redis costs a visitor little: the password form then answers
# 503 rather than letting guesses through unthrottled.
THROTTLE_REDIS_URL = env_str("THROTTLE_REDIS_URL", REDIS_URL)
THROTTLE_KEY_PREFIX = env_str("THROTTLE_KEY_PREFIX", "shareportal-web:throttle")
THROTTLE_REDIS_TIMEOUT = env_float("THROTTLE_REDIS_TIMEOUT", 0.5)
# Wrong passwords one share takes from all addresses together in an hour before each address
# is held to a few tries on it.
PASSWORD_SHARE_BUDGET = env_int("PASSWORD_SHARE_BUDGET", 100)

# Visitors' password attempts are throttled by client address. The address is the
# connection's peer unless it is one of these proxies, whose X-Forwarded-For is believed.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
try:
    clientaddr.trusted_networks(TRUSTED_PROXIES)
except ValueError as exc:
    raise ImproperlyConfigured(f"TRUSTED_PROXIES: {exc}") from None

# A strict policy from the first commit: no inline script without the nonce, nothing from other
# origins except the PDS data host for images, and no framing.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *PDS_DATA_ORIGINS],
    "media-src": [CSP.SELF, *PDS_DATA_ORIGINS],
    # Uploads: the browser PUTs file parts straight to the drive's signed URLs.
    "connect-src": [CSP.SELF, *PDS_DATA_ORIGINS],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# English and Simplified Chinese (README, "Languages"). A visitor's language is the one they
# chose with the switch on every page (the language cookie), else the first of their browser's
# Accept-Language that we have (zh-Hans, zh-CN, zh-SG, zh: Simplified Chinese), else English.
# Inside the embed view `?lang=` chooses too (shareportal/languages.py). The catalogues are
# the .po files under locale/, compiled by `make run` and `make test` (bin/messages.py).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language cookie, set only by the switch (a POST): Lax like the session's, a year long,
# readable by no script, Secure and `__Host-` behind TLS like the others. Inside the embed
# view it is the embed view's own partitioned cookie (EmbedCookiesMiddleware).
LANGUAGE_COOKIE_NAME = "web_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
if HTTPS and LANGUAGE_COOKIE_SECURE:
    LANGUAGE_COOKIE_NAME = f"__Host-{LANGUAGE_COOKIE_NAME}"
EMBED_LANGUAGE_COOKIE_NAME = "__Host-web_embed_language"

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed, compressed, far-future-cacheable static files once `collectstatic` has written its
# manifest (`make run` and the Procfile's release step run it with STATIC_MANIFEST=1); before
# that (tests, a bare checkout) plain names served by WhiteNoise from the finders.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", (STATIC_ROOT / "staticfiles.json").is_file())
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.server": {"level": "WARNING"}},
}

# Without `collectstatic` (development, tests) WhiteNoise serves from the finders and falls back
# to unhashed names instead of failing.
WHITENOISE_USE_FINDERS = True
WHITENOISE_MANIFEST_STRICT = False
