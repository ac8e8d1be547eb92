"""The embed view of the share pages, `/e/<share_id>/...`: who may frame it, and its cookies.

The embed view is the share pages themselves (the same views and templates) reached through a
second instance of the `shares` URL namespace, `embed` (see `embed_urls.py`). Links made with
`url_namespace(request)` stay in the namespace they were asked from, so every link inside the
embed view stays inside it; templates pick a chrome-less base when `embed` is true.

Framing is allowed per share: to the origins its owner chose in the dashboard (`EmbedSites`)
that the deployment still allows (`EMBED_ALLOWED_ORIGINS`). Those answers get
`Content-Security-Policy: frame-ancestors <origins>` and no `X-Frame-Options`; every other answer
keeps the site-wide `frame-ancestors 'none'` and `X-Frame-Options: DENY`.
"""

import re
from collections.abc import Callable, Container
from dataclasses import dataclass
from functools import wraps
from http.cookies import Morsel
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.csp import CSP
from django.utils.html import escape

from shareportal.pds.ids import SHARE_ID_PATTERN

from .models import EmbedSites
from .problems import problem_response

type View = Callable[..., HttpResponse]

EMBED_NAMESPACE = "embed"
EMBED_PREFIX = "/e/"


def is_embed_path(path: str) -> bool:
    """Whether a request path is one of the embed view's (before URL resolution, for cookies)."""
    return path.startswith(EMBED_PREFIX)


def url_namespace(request: HttpRequest | None) -> str:
    """The instance of the `shares` namespace a request came through: `shares` or `embed`.

    Given to `reverse(..., current_app=...)` so that a page's links stay in its own view.
    """
    match = getattr(request, "resolver_match", None)
    return EMBED_NAMESPACE if match and match.namespace == EMBED_NAMESPACE else "shares"


def embed_origins(share_id: str) -> list[str]:
    """The origins that may frame this share: its owner's choice within the deployment's list.

    No query at all while embedding is off (the deployment's list is empty).
    """
    allowed = settings.EMBED_ALLOWED_ORIGINS
    if not allowed:
        return []
    sites = EmbedSites.objects.filter(share_id=share_id).values_list("origins", flat=True).first()
    return [origin for origin in sites or [] if origin in allowed]


def embed_sites_get(share_id: str) -> list[str]:
    """The owner's stored choice for a share, as stored (the dashboard shows it)."""
    sites = EmbedSites.objects.filter(share_id=share_id).values_list("origins", flat=True).first()
    return list(sites or [])


def embed_sites_set(*, share_id: str, origins: list[str], by: str) -> None:
    """Store the sites an owner lets frame a share; none removes the row."""
    if not origins:
        EmbedSites.objects.filter(share_id=share_id).delete()
        return
    EmbedSites.objects.update_or_create(
        share_id=share_id, defaults={"origins": origins, "updated_by": by}
    )


def framing_allow(response: HttpResponse, origins: list[str]) -> HttpResponse:
    """Let `origins` (never `*`, never empty) frame this answer, and no one else.

    `'self'` joins them so that the owner's dashboard can show a live preview of the embed.
    """
    if not origins or any("*" in origin for origin in origins):
        return response
    # On top of the page's own policy, which may have widened something (a PDF's frame-src).
    policy = getattr(response, "_csp_config", settings.SECURE_CSP)
    response._csp_config = {  # type: ignore[attr-defined]  # read by Django's CSP middleware
        **policy,
        "frame-ancestors": [CSP.SELF, *origins],
    }
    response.xframe_options_exempt = True  # Read by XFrameOptionsMiddleware.
    return response


def embeddable(view: View) -> View:
    """The embed view of a share page: https only, for shares with an allowed site, framed.

    A share that no site may frame answers a page saying so (and `frame-ancestors 'none'`), so
    that someone who opens the embed address directly learns why a host page shows nothing.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, share_id: str, **kwargs) -> HttpResponse:
        if not request.is_secure():
            return problem_response(request, "embed_needs_https", status=403)
        origins = embed_origins(share_id)
        request.embed_origins = origins  # type: ignore[attr-defined]  # for the page's sizing script
        if not origins:
            return problem_response(request, "embed_refused", status=403)
        return framing_allow(view(request, *args, share_id=share_id, **kwargs), origins)

    return wrapper


def full_page_path(request: HttpRequest) -> str:
    """The full page (`/s/...`) of an embed page, its query included."""
    path = request.get_full_path()
    return "/s/" + path.removeprefix(EMBED_PREFIX) if is_embed_path(path) else path


# What the embed view needs of its iframe, and nothing more: scripts (htmx, sizing) and its
# own origin (its cookies and its same-origin form posts), forms (the password), downloads,
# and popups that leave the sandbox ("Open in a new tab", previews).
SANDBOX = (
    "allow-scripts allow-same-origin allow-forms allow-downloads allow-popups "
    "allow-popups-to-escape-sandbox"
)
# The framing site's origin, not its page's path: enough for `location.ancestorOrigins`
# (which `no-referrer` would hide) and for nothing else.
REFERRER_POLICY = "strict-origin"


@dataclass(frozen=True)
class Size:
    width: int
    height: int


# Width and height presets of the dashboard's snippet; the first is oEmbed's default.
SIZES = {
    "medium": Size(640, 480),
    "compact": Size(320, 480),
    "wide": Size(960, 600),
}
DEFAULT_SIZE = SIZES["medium"]
# The box a drive's thumbnails fit in, which oEmbed gives as the thumbnail's size: the embedded
# drive's are at most 256 px on their longer side (PDS's default process, 128 px squares,
# fits too). The portal never sees the picture itself, so it cannot be more exact.
OEMBED_THUMBNAIL_SIZE = Size(256, 256)

SHARE_PAGE = re.compile(rf"/[se]/(?P<share_id>{SHARE_ID_PATTERN})/(?:[^?#]*)")


def embed_url(share_id: str) -> str:
    """The embed view's address of a share, on the portal's public origin."""
    return f"{settings.PUBLIC_BASE_URL}{EMBED_PREFIX}{share_id}/"


def embed_snippet(*, share_id: str, title: str, size: Size) -> str:
    """The `<iframe>` a host page pastes, as text: its attributes escaped (the title is the
    owner's), but not marked safe, since our pages show it as text to copy, escaped again."""
    return (
        f'<iframe src="{escape(embed_url(share_id))}" title="{escape(title)}" '
        f'width="{size.width}" height="{size.height}" loading="lazy" '
        f'referrerpolicy="{REFERRER_POLICY}" sandbox="{SANDBOX}"></iframe>'
    )


def share_id_of_url(url: str) -> str | None:
    """The share of one of our share pages' addresses (full or embed view), else None."""
    parts = urlsplit(url.strip())
    public = urlsplit(settings.PUBLIC_BASE_URL)
    if (parts.scheme, parts.netloc) != (public.scheme, public.netloc):
        return None
    match = SHARE_PAGE.fullmatch(parts.path.removeprefix(public.path.rstrip("/")))
    return match["share_id"] if match else None


def oembed_size(*, maxwidth: int | None, maxheight: int | None) -> Size:
    """The default size, never above what the consumer allows (oEmbed 2.2)."""
    width, height = DEFAULT_SIZE.width, DEFAULT_SIZE.height
    return Size(min(width, maxwidth or width), min(height, maxheight or height))


def csrf_failure_response(request: HttpRequest, reason: str) -> HttpResponse:
    """A form refused for its CSRF token inside the embed view, framed like the page it was on.

    Without the embed CSRF cookie at all the browser refused it (third-party cookies blocked):
    the page says so and offers the full page in a new tab, where cookies are first-party.
    """
    match = request.resolver_match
    share_id = match.kwargs.get("share_id", "") if match else ""
    refused = settings.CSRF_COOKIE_NAME not in request.COOKIES
    kind = "embed_cookies_blocked" if refused else "form_expired"
    response = problem_response(request, kind, status=403, share_id=share_id)
    return framing_allow(response, embed_origins(share_id) if share_id else [])


def _oembed_discovery(request: HttpRequest) -> str:
    """The oEmbed address of a full share page that some site may embed, else ""."""
    match = request.resolver_match
    share_id = match.kwargs.get("share_id", "") if match and match.namespace == "shares" else ""
    if not share_id or not embed_origins(share_id):
        return ""
    page = f"{settings.PUBLIC_BASE_URL}/s/{share_id}/"
    return f"{settings.PUBLIC_BASE_URL}/oembed?{urlencode({'url': page, 'format': 'json'})}"


def context(request: HttpRequest) -> dict:
    """What the share templates need to know of embedding (a Jinja2 context processor).

    `embed` is true on the embed view's pages, resolved or not (its https and refusal pages
    too), which then extend the chrome-less base.
    """
    if not is_embed_path(request.path_info):
        return {"embed": False, "oembed_url": _oembed_discovery(request)}
    return {
        "embed": True,
        "oembed_url": "",
        "embed_origins": getattr(request, "embed_origins", []),
        "full_page_url": full_page_path(request),
        "embed_csrf_cookie": settings.EMBED_CSRF_COOKIE_NAME,
    }


class PartitionedMorsel(Morsel):
    """A cookie sent with the `Partitioned` attribute (CHIPS), which `http.cookies` lacks.

    Python's Morsel knows no `Partitioned` before 3.14, nor does Django's `set_cookie`; Chromium
    drops a third-party cookie without it once third-party cookies are phased out.
    """

    def OutputString(self, attrs: Container[str] | None = None) -> str:
        return f"{super().OutputString(attrs)}; Partitioned"


def _cookie_pairs() -> tuple[tuple[str, str], ...]:
    """(top-level name, embed name) of the session, CSRF and language cookies, read when used.

    Read at each request rather than at import, so that whatever the top-level names become
    (`__Host-` behind TLS, for instance) the embed view follows.
    """
    return (
        (settings.SESSION_COOKIE_NAME, settings.EMBED_SESSION_COOKIE_NAME),
        (settings.CSRF_COOKIE_NAME, settings.EMBED_CSRF_COOKIE_NAME),
        (settings.LANGUAGE_COOKIE_NAME, settings.EMBED_LANGUAGE_COOKIE_NAME),
    )


class EmbedCookiesMiddleware:
    """Inside the embed view, the session, CSRF and language cookies are the embed view's own.

    On the way in, the embed cookies stand in for the top-level ones under the names Django's
    session and CSRF middleware read (which sit inside this one), and a top-level cookie the
    browser sent alongside is ignored; on the way out, what they set is renamed back, with
    `SameSite=None; Secure; Partitioned`. A visitor who unlocks a share in a host site's frame
    is unlocked only there (the browser keeps partitioned cookies per top-level site), and
    the top-level cookies stay `Lax`. Every other path is left alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_embed_path(request.path_info):
            return self.get_response(request)
        pairs = _cookie_pairs()
        cookies = request.COOKIES
        for top, embed in pairs:
            cookies.pop(top, None)
            if embed in cookies:
                cookies[top] = cookies.pop(embed)
        response = self.get_response(request)
        for top, embed in pairs:
            if top in response.cookies:
                response.cookies[embed] = _partitioned(embed, response.cookies.pop(top))
        return response


def _partitioned(name: str, morsel: Morsel) -> PartitionedMorsel:
    """`morsel` under `name`, for a third-party frame: SameSite=None, Secure, Path=/, host-only."""
    cookie = PartitionedMorsel()
    cookie.set(name, morsel.value, morsel.coded_value)
    for key in ("expires", "max-age", "httponly"):
        cookie[key] = morsel[key]
    cookie["path"] = "/"
    cookie["secure"] = True
    cookie["samesite"] = "None"
    return cookie
