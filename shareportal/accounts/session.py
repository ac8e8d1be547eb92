"""The signed-in drive user (an owner in the dashboard, a visitor on the share pages).

Their tokens live only in the server-side session (the cookie carries the session key
alone); they are never put in a page, a URL or a log line. `Owner.call` is the one place they
are used, renewing them when PDS wants; `oauth.py` signs the user in.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.sessions.backends.base import SessionBase, UpdateError
from django.http import HttpRequest
from django.middleware.csrf import rotate_token

from shareportal.pds import errors
from shareportal.pds.client import get_client
from shareportal.pds.types import ADMIN_ROLES, OAuthTokens, User

logger = logging.getLogger(__name__)

OWNER_KEY = "dashboard_owner"
# Refresh this long before the access token expires, so that no call is made with a token that
# runs out on its way to PDS.
REFRESH_MARGIN_SECONDS = 5 * 60
# A refresh that PDS refuses may have lost a race with another request of the same owner, which
# rotated the refresh token a moment ago and saves the new one as soon as PDS answers it. The
# drive refuses a refresh token replayed within 30 s of its rotation without ending the sign-in,
# so the loser may look again once, after this moment, instead of signing the owner out.
REFRESH_RACE_WAIT_SECONDS = 1.0


class SignInRequired(Exception):
    """The owner's tokens are gone or the drive refused to renew them: sign in again."""


def owner_remember(*, request: HttpRequest, tokens: OAuthTokens, user: User, drive_id: str) -> None:
    """Keep who signed in and their tokens in the session, under a new session key.

    A new key at the change of privilege defeats session fixation; whatever the browser had
    before (a visitor's share tokens) stays.
    """
    request.session.cycle_key()
    # A new CSRF secret too, as Django's own login() does: a token seen before signing in
    # (planted or read from a signed-out page) cannot post as the owner.
    rotate_token(request)
    request.session[OWNER_KEY] = {
        "access_token": tokens.access_token,
        "refresh_token": tokens.refresh_token,
        "expires_at": time.time() + tokens.expires_in,
        "user_id": user.user_id,
        "role": user.role or tokens.role,
        "name": user.nick_name or user.user_name or user.user_id,
        "drive_id": drive_id,
    }


def signout(*, request: HttpRequest) -> None:
    """Forget the owner and everything else in the session, under a new key."""
    request.session.flush()


@dataclass
class Owner:
    """The signed-in owner. Its tokens stay in the session; views see only who they are."""

    session: SessionBase

    @property
    def _record(self) -> dict[str, Any]:
        return self.session[OWNER_KEY]

    @property
    def user_id(self) -> str:
        return self._record["user_id"]

    @property
    def name(self) -> str:
        return self._record["name"]

    @property
    def role(self) -> str:
        return self._record["role"]

    @property
    def drive_id(self) -> str:
        return self._record["drive_id"]

    @property
    def is_admin(self) -> bool:
        return self.role in ADMIN_ROLES

    def call[T](self, operation: Callable[..., T], **kwargs: Any) -> T:
        """Run `operation(token=access_token, **kwargs)`, renewing the token once if PDS refuses it.

        The one place where the owner's tokens are used: views hand it a selector, services a
        write, and neither sees the session.
        """
        if self._record["expires_at"] - time.time() < REFRESH_MARGIN_SECONDS:
            self.refresh()
        try:
            return operation(token=self._record["access_token"], **kwargs)
        except errors.AccessTokenInvalid:
            self.refresh()
            try:
                return operation(token=self._record["access_token"], **kwargs)
            except errors.AccessTokenInvalid as exc:
                raise SignInRequired from exc

    def refresh(self) -> None:
        """Trade the refresh token for new tokens; SignInRequired when the drive says no."""
        record = dict(self._record)
        if not record.get("refresh_token"):
            raise SignInRequired
        try:
            tokens = get_client().oauth_refresh(refresh_token=record["refresh_token"])
        except (errors.Unavailable, errors.RateLimited, errors.BadResponse):
            raise
        except errors.PdsError as exc:
            # Two requests of one owner (htmx rows, tabs) may refresh at once; PDS rotates
            # refresh tokens, so the slower one is refused. The faster one saves its new tokens
            # in the session store as soon as it has them: use those rather than sign out.
            stored = self._tokens_saved_by_another_request(record["refresh_token"])
            if stored is not None:
                self.session[OWNER_KEY] = stored
                return
            logger.info("owner token refresh refused: code=%s", exc.code or "-")
            raise SignInRequired from exc
        record.update(
            access_token=tokens.access_token,
            # PDS rotates refresh tokens; a server that does not keeps the old one valid.
            refresh_token=tokens.refresh_token or record["refresh_token"],
            expires_at=time.time() + tokens.expires_in,
        )
        self.session[OWNER_KEY] = record
        # Saved now, not when the response is done: the old refresh token is dead, and a
        # parallel request of the owner must find the new one at once.
        try:
            self.session.save()
        except UpdateError as exc:  # signed out in another tab meanwhile
            raise SignInRequired from exc

    def _tokens_saved_by_another_request(self, refresh_token: str) -> dict[str, Any] | None:
        """The owner's record another request saved with a newer refresh token, or None.

        Looked for now, and once more after a moment: the winner saves right after PDS answers
        it, so one short wait covers a winner still on its way back.
        """
        for attempt in range(2):
            if attempt:
                pause(REFRESH_RACE_WAIT_SECONDS)
            stored = type(self.session)(self.session.session_key).load().get(OWNER_KEY)
            if stored is None:
                return None  # signed out meanwhile
            if stored.get("refresh_token") != refresh_token:
                return stored
        return None


def pause(seconds: float) -> None:
    """Wait a moment (tests make it instant)."""
    time.sleep(seconds)


def owner_of(request: HttpRequest) -> Owner | None:
    """The signed-in owner of this request's session, or None."""
    if OWNER_KEY not in request.session:
        return None
    return Owner(session=request.session)


def context(request: HttpRequest) -> dict:
    """`visitor`: who is signed in, for the share pages' header (a Jinja2 context processor).

    A visitor without a session cookie has an empty session: asking costs nothing.
    """
    return {"visitor": owner_of(request)}
