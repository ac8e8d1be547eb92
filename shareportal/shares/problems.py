"""The pages that explain why a share cannot be shown, one per situation, with its status."""

from dataclasses import dataclass
from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shareportal.pds import errors


@dataclass(frozen=True)
class Problem:
    title: str | Promise
    explanation: str | Promise


PROBLEMS = {
    "share_not_found": Problem(
        _("This share does not exist"),
        _("Check the link you were given: it may be mistyped or incomplete."),
    ),
    "share_expired": Problem(
        _("This share has expired"),
        _("The person who shared it set an end date, and it has passed. Ask them for a new link."),
    ),
    "share_cancelled": Problem(
        _("This share was cancelled"),
        _("The person who shared it has stopped sharing. Ask them for a new link."),
    ),
    "share_forbidden": Problem(
        _("This share is not available"),
        _("The person who shared it, or an administrator of the drive, has turned it off."),
    ),
    "sign_in_required": Problem(
        _("This share is only for people signed in to the drive"),
        _("The person who shared it limited it to members of their drive. Ask them for access."),
    ),
    "file_not_found": Problem(
        _("This file or folder is not in the share"),
        _("It may have been moved or deleted, or the link is incomplete."),
    ),
    "no_permission": Problem(
        _("You may not open this"),
        _("The drive refused access to this item."),
    ),
    "disabled_download": Problem(
        _("Downloads are disabled"),
        _("The person who shared these files allows viewing them here, but not downloading."),
    ),
    "disabled_preview": Problem(
        _("Previews are disabled"),
        _("The person who shared these files turned previews off."),
    ),
    "disabled_save": Problem(
        _("Saving is disabled"),
        _("The person who shared these files turned saving off."),
    ),
    "limit_download": Problem(
        _("The download limit of this share is reached"),
        _("The person who shared it allowed a set number of downloads, and all have been used."),
    ),
    "limit_save_download": Problem(
        _("The download limit of this share is reached"),
        _("The person who shared it allowed a set number of downloads, and all have been used."),
    ),
    "limit_preview": Problem(
        _("The preview limit of this share is reached"),
        _("The person who shared it allowed a set number of previews, and all have been used."),
    ),
    "limit_save": Problem(
        _("The save limit of this share is reached"),
        _("The person who shared it allowed a set number of saves, and all have been used."),
    ),
    "pds_busy": Problem(
        _("The drive is busy"),
        _("Too many people are opening shares right now. Please try again shortly."),
    ),
    "pds_paused": Problem(
        _("The drive is unavailable for a moment"),
        _("It asked us to come back shortly. The files are safe; please try again then."),
    ),
    "pds_down": Problem(
        _("The drive is not answering"),
        _(
            "Its last answers failed, so we are giving it a moment before asking again. "
            "The files are safe; please try again shortly."
        ),
    ),
    "pds_timeout": Problem(
        _("The drive took too long to answer"),
        _("This is usually brief. Please try again in a moment."),
    ),
    "pds_unavailable": Problem(
        _("The drive cannot be reached"),
        _("We could not get an answer we understand from the drive. Please try again later."),
    ),
    "untrusted_host": Problem(
        _("This download cannot be offered"),
        _("The drive sent the download to a place this site does not trust."),
    ),
    "save_pick": Problem(
        _("Nothing to save"),
        _("Tick the files and folders to save into your drive (at most 100), then try again."),
    ),
    "zip_pick": Problem(
        _("Choose what to download"),
        _("Tick from 1 to 100 files and folders, then choose “Download selected”."),
    ),
    "bad_request": Problem(
        _("This address is not valid"),
        _("Part of the address was changed or cut off. Go back to the share and try again."),
    ),
    "form_expired": Problem(
        _("This form has expired"),
        _("For your safety it was not sent. Go back, reload the page and try again."),
    ),
    "too_many_attempts": Problem(
        _("Too many wrong passwords"),
        _("To protect this share, password attempts from your connection are paused."),
    ),
    "too_many_codes": Problem(
        _("Too many wrong share codes"),
        _("To protect the shares, share codes from your connection are paused."),
    ),
    "codes_unavailable": Problem(
        _("Share codes cannot be checked right now"),
        _(
            "To protect the shares, codes are checked only while we can count the attempts, "
            "and that is failing. Nothing was tried; please try again shortly."
        ),
    ),
    "throttle_unavailable": Problem(
        _("Passwords cannot be checked right now"),
        _(
            "To protect this share, passwords are checked only while we can count the attempts, "
            "and that is failing. Nothing was tried; please try again shortly."
        ),
    ),
    "embed_refused": Problem(
        _("This share cannot be shown inside another site"),
        _(
            "The person who shared it has not allowed any site to embed it here. "
            "You can still open it in a tab of its own."
        ),
    ),
    "embed_needs_https": Problem(
        _("Embedding needs a secure connection"),
        _(
            "This site shows shares inside other sites only over https, because browsers keep "
            "the cookies of an embedded page only on secure connections."
        ),
    ),
    "embed_cookies_blocked": Problem(
        _("Your browser blocks this embedded page's cookies"),
        _(
            "Unlocking a share needs a cookie, and your browser refuses cookies to pages "
            "embedded in other sites. Open the share in a new tab to enter the password there."
        ),
    ),
}


# The problem page of each PDS error (the most specific class listed wins); its status is the
# error's own (`errors.PdsError.status`). LimitReached and FeatureDisabled add their `kind`.
PROBLEM_OF_ERROR: dict[type[errors.PdsError], str] = {
    errors.ShareNotFound: "share_not_found",
    errors.ShareExpired: "share_expired",
    errors.ShareCancelled: "share_cancelled",
    errors.ShareForbidden: "share_forbidden",
    errors.FileNotFound: "file_not_found",
    errors.LimitReached: "limit",
    errors.FeatureDisabled: "disabled",
    errors.NoPermission: "no_permission",
    # Visitors carry no drive account, so only a `require_login` share asks for one.
    errors.AccessTokenInvalid: "sign_in_required",
    errors.RateLimited: "pds_busy",
    errors.NoSlot: "pds_busy",
    errors.CircuitOpen: "pds_down",
    errors.Busy: "pds_paused",
    errors.Timeout: "pds_timeout",
    errors.InvalidParameter: "bad_request",
    errors.PdsError: "pds_unavailable",
}
# Problems with the share as a whole, or with the drive: their page offers no way back into it.
NO_WAY_BACK = frozenset(
    {
        "share_not_found",
        "share_expired",
        "share_cancelled",
        "share_forbidden",
        "sign_in_required",
        "pds_busy",
        "pds_paused",
        "pds_down",
        "pds_timeout",
        "pds_unavailable",
    }
)
# The drive failing us, not the share: the same address may well work in a moment.
DRIVE_TROUBLE = frozenset({"pds_busy", "pds_paused", "pds_down", "pds_timeout", "pds_unavailable"})


def problem_of(exc: errors.PdsError) -> str:
    """The problem page that explains `exc`."""
    kind = next(PROBLEM_OF_ERROR[c] for c in type(exc).__mro__ if c in PROBLEM_OF_ERROR)
    if isinstance(exc, errors.LimitReached | errors.FeatureDisabled):
        return f"{kind}_{exc.kind}"
    return kind


def pds_problem_response(
    request: HttpRequest, exc: errors.PdsError, *, share_id: str
) -> HttpResponse:
    """The problem page for one PDS error. The message never includes PDS's own text.

    When the drive is in trouble the page offers "Try again" on the same address (after the
    password form's POST, its page: the form again).
    """
    kind = problem_of(exc)
    errors.log_if_drive_failed(exc)
    retry_url = ""
    if kind in DRIVE_TROUBLE:
        retry_url = request.get_full_path() if request.method in ("GET", "HEAD") else request.path
    return problem_response(
        request,
        kind,
        status=exc.status,
        share_id="" if kind in NO_WAY_BACK else share_id,
        retry_after=exc.retry_after,
        retry_url=retry_url,
    )


def problem_icon(kind: str, status: int) -> str:
    """The picture of a problem page: a clock to wait, a cloud for the drive, a lock, a search."""
    if status in (429, 503, 504) or kind == "share_expired":
        return "clock"
    if status >= 500:
        return "cloud"
    if status in (403, 410):
        return "lock"
    return "search"


def problem_response(
    request: HttpRequest,
    kind: str,
    *,
    status: int,
    share_id: str = "",
    retry_after: int | None = None,
    retry_url: str = "",
) -> HttpResponse:
    """Render the page for problem `kind` with `status` (and `Retry-After` when given).

    `retry_url` is the address its "Try again" button loads; "" for no such button.
    """
    problem = PROBLEMS.get(kind) or PROBLEMS["pds_unavailable"]
    ctx = {
        "problem": problem,
        "kind": kind,
        "icon": problem_icon(kind, status),
        "share_id": share_id,
        "retry_url": retry_url,
        "retry_at": timezone.now() + timedelta(seconds=retry_after) if retry_after else None,
    }
    response = render(request, "shares/problem.html", ctx, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response
