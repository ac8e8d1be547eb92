"""The pages that explain why the dashboard cannot do something, each with its status."""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypedDict

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shareportal.http import HtmxHttpRequest
from shareportal.pds import errors

type View = Callable[..., HttpResponse]


class ProblemAction(TypedDict):
    """The button of a problem page: `problem_response`'s `action_url` and `action_label`."""

    action_url: str
    action_label: str | Promise


def problem_response(
    request: HtmxHttpRequest,
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


def trouble_words(exc: errors.PdsError) -> str | Promise:
    """One sentence saying what is wrong with the drive."""
    match exc:
        case errors.RateLimited() | errors.NoSlot():
            return _("The drive is busy right now.")
        case errors.CircuitOpen():
            return _("The drive is not answering right now.")
        case errors.Busy():
            return _("The drive is unavailable for a moment.")
        case errors.Timeout():
            return _("The drive is taking too long to answer.")
        case _:
            return _("The drive cannot be reached right now.")


def pds_problems(view: View) -> View:
    """Answer the PDS errors a view does not handle itself with a page that explains them."""

    @wraps(view)
    def wrapper(request: HtmxHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except errors.PdsError as exc:
            return problem_for(request, exc)

    return wrapper


# What the dashboard says for each PDS error (the most specific class listed wins); the status
# of the page is the error's own (`errors.PdsError.status`). PDS's own words are not shown:
# they may name internals.
WORDS_OF_ERROR: dict[type[errors.PdsError], tuple[str | Promise, str | Promise]] = {
    errors.ShareNotFound: (
        _("This share is not there"),
        _("It may have been cancelled, or the link is incomplete."),
    ),
    errors.FileNotFound: (
        _("This share is not there"),
        _("It may have been cancelled, or the link is incomplete."),
    ),
    errors.ShareCancelled: (
        _("This share was cancelled"),
        _("A cancelled share cannot be changed. Create a new one instead."),
    ),
    errors.ShareExpired: (
        _("This share has expired"),
        _("Give it a new expiry date to open it again, or create a new share."),
    ),
    errors.ShareForbidden: (
        _("This share is disabled"),
        _("Enable it again from your shares, then try once more."),
    ),
    errors.LimitReached: (
        _("A limit of the drive is reached"),
        _("The drive allows no more of this for now. Try again later."),
    ),
    errors.AccessTokenInvalid: (
        _("Your sign-in has ended"),
        _("Sign in again to go on."),
    ),
    errors.NoPermission: (
        _("You may not do this"),
        _("Your drive account does not have the right to see or change it."),
    ),
    errors.InvalidParameter: (
        _("The drive did not accept this"),
        _("Go back, check what you entered and try again."),
    ),
    errors.NameTaken: (
        _("This name is taken"),
        _("The folder already has a file of this name. Choose another name."),
    ),
    errors.QuotaExhausted: (
        _("The drive is full"),
        _("There is no room left in the drive for this. Free some space and try again."),
    ),
    errors.RateLimited: (
        _("The drive is busy"),
        _("Too many requests right now. Try again in a moment."),
    ),
    errors.Timeout: (
        _("The drive is taking too long"),
        _("It did not answer in time. Try again in a moment."),
    ),
    errors.Busy: (
        _("The drive is unavailable for a moment"),
        _("It asked us to come back shortly. Your shares are safe; try again then."),
    ),
    errors.CircuitOpen: (
        _("The drive is not answering"),
        _(
            "Its last answers failed, so we are giving it a moment before asking again. "
            "Your shares are safe; try again shortly."
        ),
    ),
    errors.NoSlot: (
        _("The drive is busy"),
        _("Too many requests are waiting for it right now. Try again in a moment."),
    ),
    errors.PdsError: (
        _("The drive cannot be reached"),
        _("Your shares are safe; try again in a moment."),
    ),
}


def problem_for(
    request: HtmxHttpRequest, exc: errors.PdsError, *, action: ProblemAction | None = None
) -> HttpResponse:
    """The page for one PDS error, with the error's status.

    When the drive is in trouble, the page offers to load the same address again (after a
    form's POST: its page, where the owner starts over), unless `action` says otherwise.
    """
    title, explanation = next(WORDS_OF_ERROR[c] for c in type(exc).__mro__ if c in WORDS_OF_ERROR)
    errors.log_if_drive_failed(exc)
    again: ProblemAction | dict = action or {}
    if not again and isinstance(exc, TROUBLE):
        here = request.get_full_path() if request.method == "GET" else request.path
        again = {"action_url": here, "action_label": _("Try again")}
    return problem_response(
        request,
        status=exc.status,
        title=title,
        explanation=explanation,
        retry_after=exc.retry_after,
        **again,
    )
