"""Decorators every share page wears: private headers, and PDS errors turned into clear pages."""

import logging
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from shareportal.pds import errors

from .problems import problem_response

logger = logging.getLogger(__name__)

type View = Callable[..., HttpResponse]


def private_page(view: View) -> View:
    """Mark a page as never cached anywhere and never indexed.

    Share pages hold what a sharer gave to a few people: no shared cache, browser history cache
    or search engine should keep them. Django's `never_cache` says more than we mean, so this
    sets exactly `no-store, private`.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store, private"
        response["X-Robots-Tag"] = "noindex"
        return response

    return wrapper


def _to_landing(request: HttpRequest, share_id: str) -> HttpResponse:
    """Back to the share's password form, then to this page once unlocked; htmx too."""
    landing = reverse("shares:share", args=[share_id])
    # An htmx request is for a fragment: come back to the page it was made from instead.
    here = request.path if request.htmx else request.get_full_path()
    url = landing if request.path == landing else f"{landing}?{urlencode({'next': here})}"
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def pds_problems(view: View) -> View:
    """Answer the PDS errors a share view does not handle itself with the page that explains them.

    The view gets `share_id` as a keyword argument; a share that needs its password (again) sends
    the visitor to its landing page, where the form is.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, share_id: str, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, share_id=share_id, **kwargs)
        except errors.SharePasswordRequired:
            return _to_landing(request, share_id)
        except errors.ShareTokenInvalid:
            # Only reaches here for shares with a password: the others get a new token silently.
            messages.warning(request, _("Your access expired, enter the password again."))
            return _to_landing(request, share_id)
        except errors.PdsError as exc:
            if request.htmx:
                # htmx does not swap error answers in; load the same URL as a full page, which
                # shows the problem with its status.
                return HttpResponseClientRedirect(request.get_full_path())
            return _problem_for(request, exc, share_id=share_id)

    return wrapper


def _problem_for(request: HttpRequest, exc: errors.PdsError, *, share_id: str) -> HttpResponse:
    """The problem page for one PDS error. The message never includes PDS's own text."""
    kind = type(exc).__name__
    match exc:
        case errors.ShareNotFound():
            return problem_response(request, "share_not_found", status=404)
        case errors.ShareExpired():
            return problem_response(request, "share_expired", status=410)
        case errors.ShareCancelled():
            return problem_response(request, "share_cancelled", status=410)
        case errors.ShareForbidden():
            return problem_response(request, "share_forbidden", status=403)
        case errors.FileNotFound():
            return problem_response(request, "file_not_found", status=404, share_id=share_id)
        case errors.LimitReached():
            return problem_response(request, f"limit_{exc.kind}", status=403, share_id=share_id)
        case errors.FeatureDisabled():
            return problem_response(request, f"disabled_{exc.kind}", status=403, share_id=share_id)
        case errors.NoPermission():
            return problem_response(request, "no_permission", status=403, share_id=share_id)
        case errors.AccessTokenInvalid():
            # Visitors carry no drive account, so only a `require_login` share asks for one.
            return problem_response(request, "sign_in_required", status=403)
        case errors.RateLimited():
            return problem_response(request, "pds_busy", status=503, retry_after=exc.retry_after)
        case errors.Timeout():
            logger.warning("PDS timed out (request id %s)", exc.request_id or "-")
            return problem_response(request, "pds_timeout", status=504)
        case errors.InvalidParameter():
            return problem_response(request, "bad_request", status=400, share_id=share_id)
        case _:
            logger.warning(
                "PDS failed: %s code=%s status=%s request id %s",
                kind,
                exc.code or "-",
                exc.status or "-",
                exc.request_id or "-",
            )
            return problem_response(request, "pds_unavailable", status=502)
