"""The public share pages: landing and password, folders, downloads, and the site's home."""

import logging
from urllib.parse import unquote, urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect
from markupsafe import Markup

from shareportal.dashboard.forms import Picker
from shareportal.display import file_icon, shown_name
from shareportal.http import HtmxHttpRequest
from shareportal.jinja2 import render_block
from shareportal.pds import errors
from shareportal.pds.ids import is_file_id
from shareportal.pds.types import AnonymousShare, FileItem, Page
from shareportal.qr import qr_svg

from . import archives, rendering, saving
from .datahosts import data_url_trusted
from .decorators import pds_problems
from .embedding import (
    OEMBED_THUMBNAIL_SIZE,
    csrf_failure_response,
    embed_origins,
    embed_snippet,
    is_embed_path,
    oembed_size,
    share_id_of_url,
    url_namespace,
)
from .forms import (
    SEARCH_MAX_LENGTH,
    ListingForm,
    OEmbedForm,
    PasswordForm,
    SearchForm,
    ShareCodeForm,
    view_of,
)
from .problems import pds_problem_response, problem_response
from .selectors import (
    WALK_MAX_ITEMS,
    WALK_MAX_LISTINGS,
    ShareFacts,
    Story,
    listing_rows,
    search_rows,
    share_get,
    share_story,
)
from .services import (
    CodeNeedsSignIn,
    CodeNotThisShares,
    SearchOutcome,
    breadcrumbs_walk,
    download_url_get,
    file_neighbours_get,
    file_open,
    first_image_thumbnail,
    folder_page_open,
    landing_page_open,
    preview_prepare,
    share_facts_get,
    share_for_landing,
    share_open_by_code,
    share_search,
    share_token_held,
    share_unlock_throttled,
    visitor_of,
    visitor_signin_start,
)
from .stale import StalePage
from .throttling import Throttled, ThrottleUnavailable
from .unfurl import og_image_url, share_is_public, share_page_url, share_unfurl
from .uploads import upload_context

logger = logging.getLogger(__name__)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "shares/home.html", {"code_form": ShareCodeForm()})


# No CSRF token, like the ZIP forms: it would need a cookie, and the home page, where this form
# also is, sets none. A browser names the page a POST comes from in `Origin`, so a form of
# another site is refused by that instead.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def open_by_code(request: HttpRequest) -> HttpResponse:
    """`/open/`: a share code turned into its share, opened with its password applied.

    The drive says which share the code stands for and its password (`get_share_id`); the
    password is used here, server-side, and only the share's address reaches the browser.
    """
    if request.method != "POST":
        return _code_page(request, ShareCodeForm(), status=200)
    origin = request.headers.get("Origin")
    if origin is not None and origin != f"{request.scheme}://{request.get_host()}":
        return problem_response(request, "form_expired", status=403)
    form = ShareCodeForm(request.POST)
    if not form.is_valid():
        return _code_page(request, form, status=400)
    try:
        share_id = share_open_by_code(request=request, code=form.cleaned_data["code"])
    except errors.ShareNotFound:
        form.add_error("code", _("No share has this code. Check it and try again."))
        return _code_page(request, form, status=404)
    except _CODE_REFUSALS as exc:
        return _code_refused(request, exc, share_id="")
    except CodeNeedsSignIn as exc:
        # The share's page offers "Sign in to open", then takes the code again.
        again = _("Only people signed in may open this share. Sign in, then enter its code again.")
        messages.info(request, again)
        return HttpResponseRedirect(reverse("shares:share", args=[exc.share_id]), status=303)
    except errors.PdsError as exc:
        return pds_problem_response(request, exc, share_id="")
    return HttpResponseRedirect(reverse("shares:share", args=[share_id]), status=303)


def _code_page(request: HttpRequest, form: ShareCodeForm, *, status: int) -> HttpResponse:
    return render(request, "shares/open.html", {"code_form": form}, status=status)


# What stops a share code from being checked: our throttle, the drive's guard, our store.
_CODE_REFUSALS = (Throttled, errors.RateLimited, ThrottleUnavailable)


def _code_refused(request: HttpRequest, exc: Exception, *, share_id: str) -> HttpResponse:
    """The page of a code not checked: too many tried (429), or no way to count them (503)."""
    retry_after = getattr(exc, "retry_after", None)
    if isinstance(exc, ThrottleUnavailable):
        kind, status = "codes_unavailable", 503
    else:
        kind, status = "too_many_codes", 429
    return problem_response(
        request, kind, status=status, share_id=share_id, retry_after=retry_after
    )


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "HEAD", "POST"])
@pds_problems
def share(request: HtmxHttpRequest, *, share_id: str) -> HttpResponse:
    """The landing page of a share: who shared what until when, then its password or its files."""
    if request.method == "POST":
        if "code" in request.POST:
            return _unlock_by_code(request, share_id)
        return _unlock(request, share_id)
    listing = ListingForm(request.GET)
    if not listing.is_valid():
        return problem_response(request, "bad_request", status=400, share_id=share_id)
    if request.htmx:
        return _rows(request, share_id=share_id, folder_id=None, listing=listing)
    shared = share_for_landing(request=request, share_id=share_id)
    facts = ShareFacts.of(shared)
    if facts.require_login and visitor_of(request) is None:
        return _signin_landing(request, shared)
    if facts.locked and not share_token_held(request=request, share_id=share_id):
        # A `msg` share asks for its code (which brings its password along), others for
        # their password.
        form = ShareCodeForm() if facts.needs_code else PasswordForm()
        return _landing(request, shared, form=form, status=200)
    landing = landing_page_open(request=request, facts=facts, **_order(listing))
    story = share_story(
        share=shared,
        folder_page=landing.page if landing.folder else None,
        unlocked=True,
    )
    ctx = {
        "share": shared,
        "facts": facts,
        "folder": landing.folder,
        "listing": _listing_ctx(
            request, facts=facts, folder_id=None, page=landing.page, listing=listing
        ),
        **_view_ctx(listing.cleaned_data["view"]),
        "upload": upload_context(facts=facts, page=landing.page, folder=landing.folder),
    } | _story_ctx(request, shared, story)
    return render(request, "shares/share.html", ctx)


def _signin_landing(request: HttpRequest, shared: AnonymousShare) -> HttpResponse:
    """A `require_login` share to a signed-out visitor: its public facts and "Sign in to open".

    The sign-in link is the top-level share page's (never the embed view's): the drive's
    sign-in pages cannot be framed, so inside the frame it opens in a new tab.
    """
    landing = reverse("shares:share", args=[shared.share_id])
    wanted = _next_url(request, shared.share_id)
    ctx = {
        "share": shared,
        "signin_url": _signin_url(shared.share_id, landing if is_embed_path(wanted) else wanted),
    }
    ctx |= _story_ctx(request, shared, share_story(share=shared, folder_page=None, unlocked=False))
    return render(request, "shares/share.html", ctx)


def _signin_url(share_id: str, next_url: str) -> str:
    """The share's own sign-in address, coming back to `next_url` (a page of the share)."""
    return f"{reverse('shares:signin', args=[share_id])}?{urlencode({'next': next_url})}"


@require_GET
def signin(request: HttpRequest, *, share_id: str) -> HttpResponse:
    """Sign in to the drive (the dashboard's OAuth flow) and come back to the share's page.

    `next` must be a page of this share (`_next_url`): never another site or another share.
    Already signed in (here or in the dashboard: one session), the visitor goes straight back.
    """
    next_url = _next_url(request, share_id)
    if visitor_of(request) is not None:
        return HttpResponseRedirect(next_url)
    return HttpResponseRedirect(visitor_signin_start(request=request, next_url=next_url))


def _story_ctx(request: HttpRequest, shared: AnonymousShare, story: Story) -> dict:
    """What the landing page tells besides the listing: the story, the link, its unfurl tags."""
    return {
        "story": story,
        "share_url": share_page_url(shared.share_id),
        # segno writes the SVG from our own address alone (and escapes its title).
        "qr_svg": Markup(qr_svg(share_page_url(shared.share_id)).decode()),  # noqa: S704
        "unfurl": share_unfurl(shared),
    }


@require_safe
@pds_problems
def qr(request: HttpRequest, *, share_id: str) -> HttpResponse:
    """The QR code of the share's canonical address: an SVG drawn here, no third party."""
    share_facts_get(share_id=share_id)  # An unknown or ended share has no code: its problem page.
    svg = qr_svg(share_page_url(share_id), title=_("QR code of the link to this share"))
    return HttpResponse(svg, content_type="image/svg+xml")


@require_safe
@pds_problems
def og_image(request: HttpRequest, *, share_id: str) -> HttpResponse:
    """The share's preview image for link unfurlers: a redirect to a fresh signed thumbnail.

    Its address stays the same (`unfurl.og_image_url`) while thumbnails' signatures expire.
    404 when the share has no image, a password or a sign-in, or hides previews.
    """
    facts = share_facts_get(share_id=share_id)
    thumbnail = first_image_thumbnail(request=request, facts=facts)
    if not thumbnail:
        return page_not_found(request)
    return HttpResponseRedirect(thumbnail)


@vary_on_headers("HX-Request")
@require_safe
@pds_problems
def folder(request: HtmxHttpRequest, *, share_id: str, file_id: str) -> HttpResponse:
    """A folder inside a share, one page of it; htmx asks for just the next rows."""
    listing = ListingForm(request.GET)
    if not listing.is_valid():
        return problem_response(request, "bad_request", status=400, share_id=share_id)
    if request.htmx:
        return _rows(request, share_id=share_id, folder_id=file_id, listing=listing)
    facts = share_facts_get(share_id=share_id)
    page = folder_page_open(request=request, facts=facts, folder_id=file_id, **_order(listing))
    crumbs = breadcrumbs_walk(request=request, facts=facts, folder_id=file_id)
    # A share of one folder opens into it on its landing page, which the trail's first link
    # (the share) already stands for: its folder is not named a second time.
    trail = crumbs[1:] if facts.single_item else crumbs
    if not trail:
        landing = reverse("shares:share", args=[share_id], current_app=url_namespace(request))
        query = request.GET.urlencode()
        return HttpResponseRedirect(f"{landing}?{query}" if query else landing)
    ctx = {
        "facts": facts,
        "crumbs": trail,
        "folder": crumbs[-1],
        "listing": _listing_ctx(
            request, facts=facts, folder_id=file_id, page=page, listing=listing
        ),
        **_view_ctx(listing.cleaned_data["view"]),
        "upload": upload_context(facts=facts, page=page, folder_id=file_id),
    }
    return render(request, "shares/folder.html", ctx)


@require_GET  # Not HEAD: showing a preview counts one against the share's preview limit.
@pds_problems
def file(request: HttpRequest, *, share_id: str, file_id: str) -> HttpResponse:
    """A file of the share: its facts, Download, a preview of its contents, and its neighbours."""
    namespace = url_namespace(request)
    facts = share_facts_get(share_id=share_id)
    item = file_open(request=request, facts=facts, file_id=file_id)
    if item.is_folder:
        return HttpResponseRedirect(
            reverse("shares:folder", args=[share_id, file_id], current_app=namespace)
        )
    parent = item.parent_file_id if item.parent_file_id not in ("", "root") else None
    preview = preview_prepare(request=request, facts=facts, item=item)
    ctx = {
        "facts": facts,
        "item": item,
        "name": shown_name(item.name),
        "icon": file_icon(item),
        "size": filesizeformat(item.size) if item.size is not None else "",
        "preview": preview,
        "neighbours": file_neighbours_get(request=request, facts=facts, item=item),
        "crumbs": breadcrumbs_walk(request=request, facts=facts, folder_id=parent)
        if parent
        else [],
    }
    response = render(request, "shares/file.html", ctx)
    if preview.kind == rendering.PDF and preview.state == "shown":
        # The browser's own PDF viewer, in a frame of the drive's data host: only this page
        # may frame anything, and only those hosts (`default-src 'self'` elsewhere).
        response._csp_config = {  # type: ignore[attr-defined]  # read by Django's CSP middleware
            **settings.SECURE_CSP,
            "frame-src": list(settings.PDS_DATA_ORIGINS),
        }
    return response


@vary_on_headers("HX-Request")
@require_safe
@pds_problems
def search(request: HtmxHttpRequest, *, share_id: str) -> HttpResponse:
    """Files of the whole share whose name contains the words; htmx asks for the next results."""
    form = SearchForm(request.GET)
    facts = share_facts_get(share_id=share_id)
    ctx: dict = {
        "facts": facts,
        "form": form,
        "q": request.GET.get("q", "")[:SEARCH_MAX_LENGTH],
        **_view_ctx(view_of(request.GET.get("view"))),
    }
    if not form.is_valid():
        return render(request, "shares/search.html", ctx | {"results": None}, status=400)
    data = form.cleaned_data
    outcome = share_search(
        request=request,
        facts=facts,
        text=data["q"],
        marker=data["marker"],
        start=data["start"] or 0,
    )
    ctx["results"] = _results_ctx(request, facts=facts, outcome=outcome, text=data["q"], form=form)
    if request.htmx:
        return render_block(request, "shares/search.html", "hits", ctx)
    return render(request, "shares/search.html", ctx)


def _results_ctx(
    request: HttpRequest, *, facts: ShareFacts, outcome: SearchOutcome, text: str, form: SearchForm
) -> dict:
    """What the results need: the rows, the next page's link, and what the walk did."""
    namespace = url_namespace(request)
    here = reverse("shares:search", args=[facts.share_id], current_app=namespace)
    data = form.cleaned_data
    view = _view_ctx(data["view"])
    asked = {"q": text, **view["view_param"]}
    next_page = ""
    if outcome.next_marker:
        next_page = f"{here}?{urlencode({**asked, 'marker': outcome.next_marker})}"
    elif outcome.next_start is not None:
        next_page = f"{here}?{urlencode({**asked, 'start': outcome.next_start})}"
    rows = search_rows(
        facts=facts,
        hits=outcome.hits,
        text=text,
        current_app=namespace,
        view_query=view["view_query"],
    )
    return {
        "rows": rows,
        "view": data["view"],
        "next_page": next_page,
        "is_continuation": bool(data["marker"] or data["start"]),
        "first_page": f"{here}?{urlencode(asked)}",
        "view_links": _view_links(here, {"q": text}, data["view"]),
        "walked": outcome.walked,
        "walk_complete": outcome.walk_complete,
        "walk_listings": WALK_MAX_LISTINGS,
        "walk_items": WALK_MAX_ITEMS,
    }


@require_GET  # Not HEAD: PDS counts every download URL it hands out against the share's limit.
@pds_problems
def download(request: HttpRequest, *, share_id: str, file_id: str) -> HttpResponse:
    """Send the visitor to the file's signed URL on the data host; the bytes never pass here."""
    facts = share_facts_get(share_id=share_id)
    if facts.disable_download:
        return problem_response(request, "disabled_download", status=403, share_id=share_id)
    link = download_url_get(request=request, facts=facts, file_id=file_id)
    if not data_url_trusted(link.url):
        # The URL is signed (and its userinfo may hold a credential), so only the host and port
        # are logged: what to add to PDS_DATA_ORIGINS.
        logger.warning(
            "Refused a download URL on the untrusted host %r (share %s)",
            urlsplit(link.url).netloc.rpartition("@")[2],
            share_id,
        )
        return problem_response(request, "untrusted_host", status=502, share_id=share_id)
    return HttpResponseRedirect(link.url)


@require_safe
def oembed(request: HttpRequest) -> HttpResponse:
    """oEmbed (https://oembed.com) of a share page: the embed view's iframe, where it may be."""
    form = OEmbedForm(request.GET)
    if not form.is_valid():
        return _oembed_error(
            400, _("Give the address of a share page in url, and sizes as numbers.")
        )
    data = form.cleaned_data
    if (data["format"] or "json") != "json":
        return _oembed_error(501, _("Only format=json is offered."))
    share_id = share_id_of_url(data["url"])
    if share_id is None:
        return _oembed_error(404, _("That is not the address of a share on this site."))
    try:
        shared = share_get(share_id=share_id)
    except errors.PdsError as exc:
        errors.log_if_drive_failed(exc)
        status = next((s for c, s in OEMBED_STATUS.items() if isinstance(exc, c)), exc.status)
        return _oembed_error(status, _("This share cannot be embedded."))
    if shared.require_login:
        return _oembed_error(401, _("This share is only for people signed in to the drive."))
    if not embed_origins(share_id):
        return _oembed_error(403, _("No site may embed this share."))
    size = oembed_size(maxwidth=data["maxwidth"], maxheight=data["maxheight"])
    # A share behind a password or a code keeps its name to those who unlock it: whoever the
    # link is pasted to sees a generic title, in the answer and in the iframe's.
    locked = shared.has_pwd or shared.needs_code
    if locked:
        name = _("A shared file on %(site)s") % {"site": "shareportal"}
    else:
        name = shown_name(shared.share_name)
    answer = {
        "version": "1.0",
        "type": "rich",
        "title": name,
        "provider_name": "shareportal",
        "provider_url": f"{settings.PUBLIC_BASE_URL}/",
        "html": embed_snippet(share_id=share_id, title=name, size=size),
        "width": size.width,
        "height": size.height,
    }
    if share_is_public(shared) and _has_picture(request, shared):
        # The share's own address of its first image's thumbnail (`og_image`), which stays
        # valid while the signed URLs it redirects to expire (consumers keep answers for long).
        answer |= {
            "thumbnail_url": og_image_url(share_id),
            "thumbnail_width": OEMBED_THUMBNAIL_SIZE.width,
            "thumbnail_height": OEMBED_THUMBNAIL_SIZE.height,
        }
    return JsonResponse(answer)


def _has_picture(request: HttpRequest, shared: AnonymousShare) -> bool:
    """Whether the share shows a first image to everyone (what `og_image` redirects to).

    A drive failing here costs the answer its thumbnail, not the answer itself.
    """
    try:
        return bool(first_image_thumbnail(request=request, facts=ShareFacts.of(shared)))
    except errors.PdsError as exc:
        errors.log_if_drive_failed(exc)
        return False


# What oEmbed's consumers are told when the drive refuses a share: nothing to embed (404),
# or not allowed (403); anything else keeps the drive error's own status.
OEMBED_STATUS: dict[type[errors.PdsError], int] = {
    errors.ShareNotFound: 404,
    errors.ShareExpired: 404,
    errors.ShareCancelled: 404,
    errors.ShareForbidden: 403,
    errors.AccessTokenInvalid: 401,
}


def _oembed_error(status: int, message: str) -> HttpResponse:
    return JsonResponse({"error": message}, status=status)


def _unlock(request: HttpRequest, share_id: str) -> HttpResponse:
    """The password form's POST: throttled, then PDS checks it; the right one redirects (PRG)."""
    form = PasswordForm(request.POST)
    if form.is_valid():
        try:
            share_unlock_throttled(
                request=request, share_id=share_id, password=form.cleaned_data["password"]
            )
        except (Throttled, errors.RateLimited) as exc:
            # Ours, or the drive's own guard pausing this visitor's guesses (it counts them
            # too, behind ours): the same page either way, not "the drive is busy".
            return problem_response(
                request,
                "too_many_attempts",
                status=429,
                share_id=share_id,
                retry_after=exc.retry_after,
            )
        except ThrottleUnavailable as exc:
            return problem_response(
                request,
                "throttle_unavailable",
                status=503,
                share_id=share_id,
                retry_after=exc.retry_after,
            )
        except errors.SharePasswordWrong:
            form.add_error("password", _("That password is not right. Check it and try again."))
        else:
            response = HttpResponseRedirect(_next_url(request, share_id))
            response.status_code = 303
            return response
    shared = share_get(share_id=share_id)
    return _landing(request, shared, form=form, status=400)


def _unlock_by_code(request: HttpRequest, share_id: str) -> HttpResponse:
    """The code form of a `msg` share's page: throttled, then the drive turns the code into
    the share and its password, which opens it here (PRG, like the password form)."""
    form = ShareCodeForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            share_open_by_code(request=request, code=form.cleaned_data["code"], share_id=share_id)
        except _CODE_REFUSALS as exc:
            return _code_refused(request, exc, share_id=share_id)
        except errors.ShareNotFound:
            form.add_error("code", _("That code is not right. Check it and try again."))
            status = 404
        except CodeNotThisShares:
            form.add_error("code", _("That code opens another share, not this one."))
        else:
            response = HttpResponseRedirect(_next_url(request, share_id))
            response.status_code = 303
            return response
    shared = share_get(share_id=share_id)
    return _landing(request, shared, form=form, status=status)


def _landing(
    request: HttpRequest,
    shared: AnonymousShare,
    *,
    form: PasswordForm | ShareCodeForm,
    status: int,
) -> HttpResponse:
    story = share_story(share=shared, folder_page=None, unlocked=False)
    ctx = {
        "share": shared,
        "form": form,
        "asks_code": isinstance(form, ShareCodeForm),
        "next": _next_url(request, shared.share_id),
    }
    ctx |= _story_ctx(request, shared, story)
    return render(request, "shares/share.html", ctx, status=status)


def _next_url(request: HttpRequest, share_id: str) -> str:
    """Where to go once unlocked: `next` when it is a page of this share, else its landing."""
    landing = reverse("shares:share", args=[share_id], current_app=url_namespace(request))
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(wanted, allowed_hosts=None)
    # ".." would let a browser resolve the path to a page outside the share, and browsers treat
    # "%2e%2e" as ".." too.
    if safe and wanted.startswith(landing) and ".." not in unquote(wanted):
        return wanted
    return landing


def _order(listing: ListingForm) -> dict:
    data = listing.cleaned_data
    return {"sort": data["sort"], "direction": data["dir"], "marker": data["marker"]}


def _rows(
    request: HttpRequest, *, share_id: str, folder_id: str | None, listing: ListingForm
) -> HttpResponse:
    """The next rows of a listing, for htmx's "Load more": one PDS call."""
    facts = share_facts_get(share_id=share_id)
    if folder_id is None:
        page = landing_page_open(request=request, facts=facts, **_order(listing)).page
    else:
        page = folder_page_open(
            request=request, facts=facts, folder_id=folder_id, **_order(listing)
        )
    if isinstance(page, StalePage):
        # Rows appended in place would not carry the notice: the whole page says it.
        return HttpResponseClientRedirect(request.get_full_path())
    listing_ctx = _listing_ctx(
        request, facts=facts, folder_id=folder_id, page=page, listing=listing
    )
    return render_block(request, "shares/listing.html", "rows", {"listing": listing_ctx})


def _view_ctx(view: str) -> dict:
    """What keeps the listing's layout on every link of the page: breadcrumbs, folders, search.

    The list is the default and adds nothing to a URL.
    """
    grid = view == "grid"
    return {
        "view": view,
        "view_query": "?view=grid" if grid else "",
        "view_param": {"view": "grid"} if grid else {},
    }


def _view_links(here: str, query: dict, view: str) -> list[dict]:
    """The "List | Grid" switch: this page in each layout, the current one marked."""
    return [
        {
            "key": key,
            "label": label,
            "url": f"{here}?{urlencode({**query, **_view_ctx(key)['view_param']})}",
            "current": key == view,
        }
        for key, label in VIEW_LABELS
    ]


VIEW_LABELS = (("list", _lazy("List")), ("grid", _lazy("Grid")))


def _listing_ctx(
    request: HttpRequest,
    *,
    facts: ShareFacts,
    folder_id: str | None,
    page: Page[FileItem],
    listing: ListingForm,
) -> dict:
    """What the listing partials need: the rows, and the links that sort and page them."""
    data = listing.cleaned_data
    namespace = url_namespace(request)
    if folder_id:
        here = reverse("shares:folder", args=[facts.share_id, folder_id], current_app=namespace)
    else:
        here = reverse("shares:share", args=[facts.share_id], current_app=namespace)
    order = {"sort": data["sort"], "dir": data["dir"]}
    view = _view_ctx(data["view"])
    keep = {**order, **view["view_param"]}
    rows = listing_rows(
        facts=facts, items=page.items, current_app=namespace, view_query=view["view_query"]
    )
    return {
        "rows": rows,
        "view": data["view"],
        "view_links": _view_links(
            here, {**order, **({"marker": data["marker"]} if data["marker"] else {})}, data["view"]
        ),
        "next_marker": page.next_marker,
        "next_page": f"{here}?{urlencode({**keep, 'marker': page.next_marker})}",
        "is_continuation": bool(data["marker"]),
        # Seconds since the drive showed this page, when it is failing now; else None.
        "stale_for": page.age if isinstance(page, StalePage) else None,
        # Rows get a checkbox for "Download selected" when the share allows downloads, and for
        # "Save to my drive" when it allows saving (not in the embed view: signing in and the
        # destination picker are the top-level pages').
        "downloadable": not facts.disable_download,
        "savable": not facts.disable_save and not is_embed_path(request.path),
        "pickable": not facts.disable_download
        or (not facts.disable_save and not is_embed_path(request.path)),
        "first_page": f"{here}?{urlencode(keep)}",
        "columns": [
            _column(
                key,
                label,
                here=here,
                sort=data["sort"],
                direction=data["dir"],
                view_param=view["view_param"],
            )
            for key, label in COLUMNS
        ],
    }


COLUMNS = (("name", _lazy("Name")), ("size", _lazy("Size")), ("modified", _lazy("Modified")))


def _column(
    key: str, label: str | Promise, *, here: str, sort: str, direction: str, view_param: dict
) -> dict:
    """A sortable column header: a click sorts by it, or flips the direction if it already is."""
    current = key == sort
    flipped = "desc" if current and direction == "asc" else "asc"
    return {
        "key": key,
        "label": label,
        "url": f"{here}?{urlencode({'sort': key, 'dir': flipped, **view_param})}",
        "aria_sort": ("ascending" if direction == "asc" else "descending") if current else "",
    }


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Our 404 (`handler404`), for share ids of the wrong shape and every unknown address."""
    return render(request, "404.html", {}, status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Our 400 (`handler400`): a request Django refused (a bad Host header, a broken form)."""
    return problem_response(request, "bad_request", status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    """Our 500 (`handler500`): a plain page from a template that needs no context."""
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Our 403 for a form sent without a valid CSRF token (`CSRF_FAILURE_VIEW`).

    Usually the visitor's cookie went away while the form was open (a cleared browser, a
    private window); they need a fresh form, not Django's technical page.
    """
    if is_embed_path(request.path_info):
        return csrf_failure_response(request, reason)
    match = request.resolver_match
    share_id = match.kwargs.get("share_id", "") if match else ""
    return problem_response(request, "form_expired", status=403, share_id=share_id)


# ZIP downloads: "Download all", "Download folder" and "Download selected" (archives.py).


# No CSRF token: it would need a cookie, and a share without a password gives its visitors
# none (services). A browser names the page a POST comes from in `Origin`, so a form of
# another site is refused by that instead; what it could do is start a ZIP nobody sees.
@csrf_exempt
@require_POST
@pds_problems
def zip_start(request: HttpRequest, *, share_id: str) -> HttpResponse:
    """Ask the drive for a ZIP of the share, a folder or the items picked, then show progress."""
    origin = request.headers.get("Origin")
    if origin is not None and origin != f"{request.scheme}://{request.get_host()}":
        return problem_response(request, "form_expired", status=403, share_id=share_id)
    facts = share_facts_get(share_id=share_id)
    if facts.disable_download:
        return problem_response(request, "disabled_download", status=403, share_id=share_id)
    folders = request.POST.getlist("pick_folder")
    picked = folders + request.POST.getlist("pick_file")
    name = facts.name
    if request.POST.get("all"):
        try:
            picked = archives.share_top_ids(request=request, facts=facts)
        except archives.TooManyItems:
            return _zip_too_big(request, facts, folders=None)
    elif len(folders) == 1 and len(picked) == 1:
        name = dict(archives.folder_names(share_id=share_id, folder_ids=folders)).get(
            folders[0], name
        )
    if not picked or len(picked) > archives.MAX_ITEMS or not all(map(is_file_id, picked)):
        return problem_response(request, "zip_pick", status=400, share_id=share_id)
    try:
        ref = archives.archive_start(
            request=request, facts=facts, file_ids=picked, name=name or share_id
        )
    except errors.ArchiveTooLarge:
        return _zip_too_big(request, facts, folders=folders)
    return HttpResponseRedirect(
        reverse("shares:zip", args=[share_id, ref], current_app=url_namespace(request)), status=303
    )


def _zip_too_big(
    request: HttpRequest, facts: ShareFacts, *, folders: list[str] | None
) -> HttpResponse:
    """Too much for one ZIP: say so, and offer the folders (picked, or at the top) one by one."""
    if folders is None:
        known = archives.folders_known_top(share_id=facts.share_id)
    else:
        known = archives.folder_names(share_id=facts.share_id, folder_ids=folders)
    ctx = {"facts": facts, "folders": known, "max_items": archives.MAX_ITEMS}
    return render(request, "shares/zip_too_big.html", ctx, status=400)


@vary_on_headers("HX-Request")
@require_GET
@pds_problems
def zip_progress(request: HtmxHttpRequest, *, share_id: str, ref: str) -> HttpResponse:
    """How the ZIP is coming along; htmx polls the progress block, a plain page refreshes."""
    facts = share_facts_get(share_id=share_id)
    task = archives.archive_task_get(request=request, facts=facts, ref=ref)
    file_url = reverse("shares:zip_file", args=[share_id, ref], current_app=url_namespace(request))
    if request.htmx and task.state == "Succeed":
        return HttpResponseClientRedirect(file_url)
    ctx = {
        "facts": facts,
        "task": task,
        "file_url": file_url,
        "percent": 100 * task.consumed_process // task.total_process if task.total_process else 0,
        "size": filesizeformat(task.total_size),
    }
    if request.htmx:
        return render_block(request, "shares/zip.html", "progress", ctx)
    return render(request, "shares/zip.html", ctx)


@require_GET
@pds_problems
def zip_file(request: HttpRequest, *, share_id: str, ref: str) -> HttpResponse:
    """Send the visitor to the finished ZIP's signed URL on the data host."""
    facts = share_facts_get(share_id=share_id)
    task = archives.archive_task_get(request=request, facts=facts, ref=ref)
    if not task.url:
        return HttpResponseRedirect(
            reverse("shares:zip", args=[share_id, ref], current_app=url_namespace(request))
        )
    if not data_url_trusted(task.url):
        logger.warning(
            "Refused a ZIP URL on the untrusted host %r (share %s)",
            urlsplit(task.url).netloc.rpartition("@")[2],
            share_id,
        )
        return problem_response(request, "untrusted_host", status=502, share_id=share_id)
    return HttpResponseRedirect(task.url)


# "Save to my drive" (saving.py): a signed-in visitor copies items into their own drive.


def _picks(data) -> tuple[list[str], list[str]]:
    """The folders and files picked (the listing's checkboxes), ids of the right shape only."""
    folders = [i for i in data.getlist("pick_folder") if is_file_id(i)]
    files = [i for i in data.getlist("pick_file") if is_file_id(i)]
    return folders, files


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "HEAD", "POST"])
@pds_problems
def save(request: HtmxHttpRequest, *, share_id: str) -> HttpResponse:
    """Choose a folder of your drive for the items picked (GET), then save them there (POST).

    The destination picker is the dashboard's (`Picker`: the trail of folders from the top of
    the drive, carried in the form); a signed-out visitor signs in first and comes back here.
    """
    facts = share_facts_get(share_id=share_id)
    if facts.disable_save:
        return problem_response(request, "disabled_save", status=403, share_id=share_id)
    data = request.POST if request.method == "POST" else request.GET
    folders, files = _picks(data)
    picked = folders + files
    if not picked or len(picked) > saving.MAX_ITEMS:
        return problem_response(request, "save_pick", status=400, share_id=share_id)
    if visitor_of(request) is None:
        back = request.get_full_path() if request.method != "POST" else _share_landing(share_id)
        return HttpResponseRedirect(_signin_url(share_id, back))
    picker = Picker.from_post(data)
    if request.method == "POST":
        name = picker.trail[-1][1] if picker.trail else ""
        ref = saving.save_start(
            request=request,
            facts=facts,
            file_ids=picked,
            to_parent_file_id=picker.folder_id,
            folder_name=name,
        )
        return HttpResponseRedirect(reverse("shares:saved", args=[share_id, ref]), status=303)
    page = saving.drive_folders(request=request, folder_id=picker.folder_id, marker=picker.marker)
    ctx = {
        "facts": facts,
        "picker": picker,
        "folders": [item for item in page.items if item.is_folder],
        "next_marker": page.next_marker,
        "picked_folders": folders,
        "picked_files": files,
    }
    return render(request, "shares/save.html", ctx)


def _share_landing(share_id: str) -> str:
    return reverse("shares:share", args=[share_id])


@vary_on_headers("HX-Request")
@require_GET
@pds_problems
def saved(request: HtmxHttpRequest, *, share_id: str, ref: str) -> HttpResponse:
    """How the save is coming along (folders are copied as tasks); htmx polls, a page refreshes."""
    facts = share_facts_get(share_id=share_id)
    if visitor_of(request) is None:
        return HttpResponseRedirect(_signin_url(share_id, request.get_full_path()))
    outcome = saving.saved_get(request=request, facts=facts, ref=ref)
    ctx = {"facts": facts, "saved": outcome}
    if request.htmx:
        return render_block(request, "shares/saved.html", "progress", ctx)
    return render(request, "shares/saved.html", ctx)
