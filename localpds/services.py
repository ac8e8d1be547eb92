"""Writes of the embedded PDS: creating, changing and cancelling shares, and their counters.

Counters move with single conditional `UPDATE ... SET n = n + 1 WHERE <limit not reached>`
statements, so concurrent visitors neither lose counts nor squeeze past a limit.
"""

import hmac
import secrets
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from . import throttle
from .apierrors import PdsApiError, service_unavailable, too_many_requests
from .models import SHARE_ID_ALPHABET, Drive, ShareLink, User


def share_msg_new() -> str:
    """A fresh secret message for `share_policy: msg` shares, unique among live shares."""
    while True:
        msg = "".join(secrets.choice(SHARE_ID_ALPHABET) for _ in range(16))
        if not ShareLink.objects.filter(share_msg=msg).exists():
            return msg


@transaction.atomic
def share_create(
    *,
    creator: User,
    drive: Drive,
    file_ids: list[str],
    share_all_files: bool,
    default_name: str,
    settings: dict[str, Any],
) -> ShareLink:
    share = ShareLink(
        creator=creator,
        drive=drive,
        file_id_list=[] if share_all_files else file_ids,
        share_all_files=share_all_files,
        **settings,
    )
    if not share.share_name:
        share.share_name = default_name[:128]
    if share.share_policy == ShareLink.Policy.MSG:
        share.share_msg = share_msg_new()
    share.save(force_insert=True)
    return share


def share_password_check(*, share: ShareLink, password: str, address: str) -> None:
    """Check a visitor's share password through the drive's guard (`throttle`), or refuse.

    Raises 400 InvalidResource.SharePwd for a missing or wrong password, 429 TooManyRequests
    with Retry-After while this caller or the share must wait (the right password too), and 503
    when the guard's store is down: guessing is never let through uncounted.
    """
    wrong = PdsApiError(
        400, "InvalidResource.SharePwd", "The resource share_pwd is not valid. Please check."
    )
    if not password:
        # Not a guess: it tells nothing get_by_anonymous does not, so it is not counted.
        raise wrong
    try:
        attempt = throttle.attempt_start(
            kind=throttle.SHARE_PASSWORD, target=share.share_id, address=address
        )
    except throttle.TooManyAttempts as exc:
        message = "Too many wrong passwords for this share."
        raise too_many_requests(exc.retry_after, message) from None
    except throttle.ThrottleUnavailable:
        raise service_unavailable("Share passwords cannot be checked right now.") from None
    if not hmac.compare_digest(password.encode(), share.share_pwd.encode()):
        raise wrong
    attempt.succeeded()


def share_by_msg(*, share_msg: str, address: str) -> ShareLink:
    """The `msg` share whose secret message (its share code) is `share_msg`, through the guard.

    A code is a secret like a password, so every look-up is counted first (`throttle`, all
    codes one target): 429 TooManyRequests with Retry-After while this caller or all callers
    together must wait, 503 when the guard's store is down, 404 NotFound.ShareLink for a code
    no `msg` share has (the message never repeats the code), then the share-state errors of
    `get_by_anonymous` for a share that has it but may not be opened now.
    """
    try:
        attempt = throttle.attempt_start(
            kind=throttle.SHARE_MSG, target=throttle.ALL_SHARE_MSGS, address=address
        )
    except throttle.TooManyAttempts as exc:
        raise too_many_requests(exc.retry_after, "Too many wrong share codes.") from None
    except throttle.ThrottleUnavailable:
        raise service_unavailable("Share codes cannot be checked right now.") from None
    share = ShareLink.objects.filter(share_msg=share_msg, share_policy=ShareLink.Policy.MSG).first()
    if share is None:
        raise PdsApiError(
            404, "NotFound.ShareLink", "The resource share_link cannot be found. Please check."
        )
    # The right code: not a guess, whatever state its share is in.
    attempt.succeeded()
    return share


def share_cancelled_error() -> PdsApiError:
    return PdsApiError(400, "ShareLink.Cancelled", "share_link is cancelled by the creator")


@transaction.atomic
def share_update(*, share: ShareLink, changes: dict[str, Any]) -> ShareLink:
    """Apply `changes` (model field values) to a live share; a new password ends old tokens."""
    share = ShareLink.objects.select_for_update().get(pk=share.pk)
    if share.cancelled_at is not None:
        raise share_cancelled_error()
    fields = [name for name, value in changes.items() if getattr(share, name) != value]
    for name in fields:
        setattr(share, name, changes[name])
    if "share_pwd" in fields:
        share.pwd_version += 1
        fields.append("pwd_version")
    # Only the changed columns are written, so counters moved meanwhile are not overwritten.
    share.save(update_fields=[*fields, "updated_at"])
    return share


@transaction.atomic
def share_cancel(*, share: ShareLink) -> None:
    """Cancelling is final: visitors get ShareLink.Cancelled and every token dies."""
    now = timezone.now()
    ShareLink.objects.filter(pk=share.pk, cancelled_at=None).update(
        cancelled_at=now, status=ShareLink.Status.DISABLED, updated_at=now
    )


def share_count_access(*, share: ShareLink) -> None:
    ShareLink.objects.filter(pk=share.pk).update(access_count=F("access_count") + 1)


def share_count_download(*, share: ShareLink) -> None:
    """Count one download through the share, or refuse with the reason's own code."""
    if share.disable_download:
        raise PdsApiError(
            403, "ShareLink.DownloadDisabled", "Downloads are disabled for this share."
        )
    within_limits = (Q(download_limit=0) | Q(download_count__lt=F("download_limit"))) & (
        Q(save_download_limit=0) | Q(save_download_limit__gt=F("download_count") + F("save_count"))
    )
    counted = ShareLink.objects.filter(within_limits, pk=share.pk).update(
        download_count=F("download_count") + 1
    )
    if not counted:
        raise PdsApiError(
            403, "ShareLink.DownloadLimitExceeded", "The share's download limit is reached."
        )


def share_count_preview(*, share: ShareLink) -> None:
    """Count one preview through the share, or refuse with the reason's own code."""
    if share.disable_preview:
        raise PdsApiError(403, "ShareLink.PreviewDisabled", "Previews are disabled for this share.")
    counted = ShareLink.objects.filter(
        Q(preview_limit=0) | Q(preview_count__lt=F("preview_limit")), pk=share.pk
    ).update(preview_count=F("preview_count") + 1)
    if not counted:
        raise PdsApiError(
            403, "ShareLink.PreviewLimitExceeded", "The share's preview limit is reached."
        )


def share_count_save(*, share: ShareLink) -> None:
    """Count one save into a drive through the share, or refuse with the reason's own code."""
    if ShareLink.objects.filter(pk=share.pk, disable_save=True).exists():
        raise PdsApiError(403, "ShareLink.SaveDisabled", "Saving is disabled for this share.")
    within_limits = (Q(save_limit=0) | Q(save_count__lt=F("save_limit"))) & (
        Q(save_download_limit=0) | Q(save_download_limit__gt=F("download_count") + F("save_count"))
    )
    counted = ShareLink.objects.filter(within_limits, pk=share.pk).update(
        save_count=F("save_count") + 1
    )
    if not counted:
        raise PdsApiError(403, "ShareLink.SaveLimitExceeded", "The share's save limit is reached.")


def share_count_report(*, share: ShareLink) -> None:
    """Count one abuse report of the share (no limit applies)."""
    ShareLink.objects.filter(pk=share.pk).update(report_count=F("report_count") + 1)


def share_count_video_preview(*, share: ShareLink) -> None:
    """Count one video played through the share: a preview, so refused when previews are off.

    It has its own counter and no limit of its own; `preview_limit` is counted by the
    `preview` event the page makes for the same file.
    """
    if share.disable_preview:
        raise PdsApiError(403, "ShareLink.PreviewDisabled", "Previews are disabled for this share.")
    ShareLink.objects.filter(pk=share.pk).update(video_preview_count=F("video_preview_count") + 1)


# What each `share_link` event of `share_link/report_event` counts (docs/pds-api.md).
SHARE_EVENTS = {
    "preview": share_count_preview,
    "save": share_count_save,
    "download": share_count_download,
    "report": share_count_report,
    "video_preview": share_count_video_preview,
}
