"""The language of a page: the switch's cookie, the embed view's `?lang=`, Accept-Language.

Django's LocaleMiddleware chooses (the language cookie, else Accept-Language, else English);
inside the embed view a `?lang=` that names one of our languages comes first, since the site
that frames a share may know its reader's language better than their browser does, and it is
remembered in the embed view's own partitioned cookie so that the frame's links keep it.

The switch on every page is a POST form to `language_set`. Like the ZIP forms it carries no
CSRF token (a share without a password sets its visitors no cookie): a browser names the page
a POST comes from in `Origin`, and another site's is refused.
"""

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from shareportal.shares.embedding import is_embed_path

LANG_PARAMETER = "lang"
# Never written back into a page: the OAuth callback's one-time code and its state.
PRIVATE_PARAMETERS = ("code", "state")


def language_supported(code: str) -> str | None:
    """One of LANGUAGES for `code` (`zh-CN` is `zh-hans`), or None."""
    if not code or len(code) > 20:
        return None
    try:
        return translation.get_supported_language_variant(code.lower())
    except LookupError:
        return None


class LanguageMiddleware(LocaleMiddleware):
    """Django's choice of language, and the embed view's `?lang=` before it."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        asked = _embed_lang(request)
        if asked:
            translation.activate(asked)
            request.LANGUAGE_CODE = asked

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        response = super().process_response(request, response)
        asked = _embed_lang(request)
        if asked and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != asked:
            # Renamed, partitioned and made SameSite=None by EmbedCookiesMiddleware.
            language_cookie_set(response, asked)
        return response


def _embed_lang(request: HttpRequest) -> str | None:
    if not is_embed_path(request.path_info):
        return None
    return language_supported(request.GET.get(LANG_PARAMETER, ""))


def language_cookie_set(response: HttpResponseBase, code: str) -> None:
    """Remember a visitor's language: the cookie of settings, Lax like the session's."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path="/",
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite="Lax",
    )


def local_next(request: HttpRequest, next_url: str) -> str:
    """`next_url` if it is a path on this site, else the home page."""
    if (
        next_url.startswith("/")
        and not next_url.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return next_url
    return "/"


@csrf_exempt
@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The language switch: remember the language chosen, back to the page it was chosen on."""
    origin = request.headers.get("Origin")
    if origin is not None and origin != f"{request.scheme}://{request.get_host()}":
        return HttpResponse(status=403)
    code = request.POST.get("language", "")
    if code not in dict(settings.LANGUAGES) or not check_for_language(code):
        return HttpResponseBadRequest()
    response = HttpResponseRedirect(local_next(request, request.POST.get("next", "")), status=303)
    language_cookie_set(response, code)
    return response


def html_lang(code: str) -> str:
    """A language code as `<html lang>` writes it: `zh-Hans`, `en`."""
    return translation.to_language(translation.to_locale(code)).replace("-hans", "-Hans")


def context(request: HttpRequest) -> dict:
    """What the language switch of every page needs (a context processor of both engines).

    Inside the embed view the switch is links with `?lang=` (the frame's own cookie is set by
    the middleware); elsewhere it is a form with the page to come back to.
    """
    current = translation.get_language()
    embed = is_embed_path(request.path_info)
    choices = []
    for code, name in settings.LANGUAGES:
        href = ""
        if embed:
            query = request.GET.copy()
            query[LANG_PARAMETER] = code
            href = f"{request.path}?{query.urlencode()}"
        choices.append(
            {
                "code": code,
                "name": name,
                "html_lang": html_lang(code),
                "current": code == current,
                "href": href,
            }
        )
    return {
        "html_lang": html_lang(current),
        "language_choices": choices,
        "language_next": _page_to_come_back_to(request),
    }


def _page_to_come_back_to(request: HttpRequest) -> str:
    """This page's address for the switch's `next`: a GET's query too, less any secret in it."""
    if request.method not in ("GET", "HEAD"):
        return request.path
    query = request.GET.copy()
    for name in PRIVATE_PARAMETERS:
        query.pop(name, None)
    return f"{request.path}?{query.urlencode()}" if query else request.path
