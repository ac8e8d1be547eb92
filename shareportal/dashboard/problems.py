"""The pages that explain why the dashboard cannot do something, each with its status."""

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shareportal.pds import errors

logger = logging.getLogger(__name__)

type View = Callable[..., HttpResponse]


def problem_response(
    request: HttpRequest,
    *,
    status: int,
    title: str | Promise,
    explanation: str | Promise,
    retry_after: int | None = None,
    action_url: str = "",
    action_label: str | Promise = "",
) -> HttpResponse:
    """A page saying what went wrong; for htmx, the same words in the page's alert area.

    htmx leaves error answers unswapped, so the dashboard's script swaps in answers that name
    their own target (`HX-Retarget`), which these do.
    """
    ctx = {
        "title": title,
        "explanation": explanation,
        "action_url": action_url,
        "action_label": action_label,
    }
    if request.htmx:
        response = render(request, "dashboard/problem.html#alert", ctx, status=status)
        response["HX-Retarget"] = "#dashboard-alert"
        response["HX-Reswap"] = "innerHTML"
    else:
        response = render(request, "dashboard/problem.html", ctx, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


# PDS errors that say nothing about what the owner sent: the drive is down, slow or busy.
TROUBLE = (errors.Unavailable, errors.RateLimited, errors.BadResponse)


def trouble_status(exc: errors.PdsError) -> int:
    """The status of our answer when the drive is in trouble (as the problem pages use)."""
    match exc:
        case errors.RateLimited():
            return 503
        case errors.Timeout():
            return 504
        case _:
            return 502


def trouble_words(exc: errors.PdsError) -> str | Promise:
    """One sentence saying what is wrong with the drive."""
    match exc:
        case errors.RateLimited():
            return _("The drive is busy right now.")
        case errors.Timeout():
            return _("The drive is taking too long to answer.")
        case _:
            return _("The drive cannot be reached right now.")


def pds_problems(view: View) -> View:
    """Answer the PDS errors a view does not handle itself with a page that explains them."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except errors.PdsError as exc:
            return problem_for(request, exc)

    return wrapper


def problem_for(request: HttpRequest, exc: errors.PdsError) -> HttpResponse:
    """The page for one PDS error. PDS's own words are not shown: they may name internals."""
    match exc:
        case errors.ShareNotFound() | errors.FileNotFound():
            return problem_response(
                request,
                status=404,
                title=_("This share is not there"),
                explanation=_("It may have been cancelled, or the link is incomplete."),
            )
        case errors.ShareCancelled():
            return problem_response(
                request,
                status=410,
                title=_("This share was cancelled"),
                explanation=_("A cancelled share cannot be changed. Create a new one instead."),
            )
        case errors.NoPermission():
            return problem_response(
                request,
                status=403,
                title=_("You may not do this"),
                explanation=_("Your drive account does not have the right to see or change it."),
            )
        case errors.InvalidParameter():
            return problem_response(
                request,
                status=400,
                title=_("The drive did not accept this"),
                explanation=_("Go back, check what you entered and try again."),
            )
        case errors.RateLimited():
            return problem_response(
                request,
                status=503,
                title=_("The drive is busy"),
                explanation=_("Too many requests right now. Try again in a moment."),
                retry_after=exc.retry_after,
            )
        case errors.Timeout():
            logger.warning("PDS timed out (request id %s)", exc.request_id or "-")
            return problem_response(
                request,
                status=504,
                title=_("The drive is taking too long"),
                explanation=_("It did not answer in time. Try again in a moment."),
            )
        case _:
            logger.warning(
                "PDS failed: %s code=%s status=%s request id %s",
                type(exc).__name__,
                exc.code or "-",
                exc.status or "-",
                exc.request_id or "-",
            )
            return problem_response(
                request,
                status=502,
                title=_("The drive cannot be reached"),
                explanation=_("Your shares are safe; try again in a moment."),
            )
