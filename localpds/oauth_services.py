"""The embedded PDS as an OAuth 2.0 authorization server: requests, codes, tokens, sign-in.

The grant is the authorization code flow of RFC 6749 with PKCE (RFC 7636, S256 only). Codes
and refresh tokens are random strings stored only as their SHA-256, like access tokens
(`tokens.py`). Everything issued from one code carries that code as its `grant`, so a replayed
code, or a replayed rotated refresh token, can revoke the whole family (RFC 6749 §4.1.2,
RFC 9700 §4.14.2).
"""

import base64
import hashlib
import math
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import throttle
from .models import AccessToken, AuthorizationCode, OAuthClient, RefreshToken, User
from .tokens import access_token_issue, hash_token

CODE_LIFETIME = timedelta(seconds=60)
REFRESH_TOKEN_LIFETIME = timedelta(days=30)

# RFC 7636 §4.1-4.2: verifiers are 43 to 128 unreserved characters; an S256 challenge is the
# unpadded base64url of a SHA-256, always 43 characters.
CODE_VERIFIER_RE = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")
CODE_CHALLENGE_RE = re.compile(r"^[A-Za-z0-9\-_]{43}$")

# The drive signs users in with a user name and a password only; the other PDS login types
# (DingTalk, RAM, WeChat, ...) need identity providers it does not have.
LOGIN_TYPES = ("", "default")
# docs/pds-api.md#oauthauthorize: a request can only ask for all of the app's permissions.
SCOPES = ("", "all")


class OAuthError(Exception):
    """An RFC 6749 §5.2 error: the `error` code, a description and the HTTP status."""

    def __init__(self, error: str, description: str, *, status: int = 400):
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status


class ClientUnverified(Exception):
    """The authorization request names no known client or no registered redirect URI.

    RFC 6749 §4.1.2.1: the user must then be told on the server's own page and never be sent
    to the unverified address.
    """

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class AuthorizationDenied(Exception):
    """An authorization error to report back to the (verified) client by redirect."""

    def __init__(self, redirect_url: str):
        super().__init__(redirect_url)
        self.redirect_url = redirect_url


class SignInRefused(Exception):
    """A sign-in to the drive failed; `message` is safe to show, `status` to answer with.

    `retry_after` (seconds) is set when the password guard asks the caller to wait.
    """

    def __init__(self, message: str, *, status: int, retry_after: int | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True)
class AuthorizationRequest:
    """A checked `GET /v2/oauth/authorize` request from a registered client."""

    client: OAuthClient
    redirect_uri: str
    # None when the client sent no state: then none is sent back either.
    state: str | None
    code_challenge: str
    hide_consent: bool

    @property
    def redirect_origin(self) -> str:
        parts = urlsplit(self.redirect_uri)
        return f"{parts.scheme}://{parts.netloc}"

    def redirect_url(self, params: dict[str, str]) -> str:
        """The client's redirect URI with `params` and the untouched `state` added."""
        if self.state is not None:
            params = {**params, "state": self.state}
        return url_with_query(self.redirect_uri, params)


@dataclass(frozen=True)
class IssuedTokens:
    access_token: str
    refresh_token: str
    expires_at: datetime
    user: User


def url_with_query(uri: str, params: dict[str, str]) -> str:
    """Append `params` to the query of `uri`, keeping the registered part byte for byte."""
    parts = urlsplit(uri)
    query = "&".join(part for part in (parts.query, urlencode(params)) if part)
    return urlunsplit(parts._replace(query=query))


def authorization_request_check(*, params: QueryDict) -> AuthorizationRequest:
    """Check an authorization request, client and redirect URI first (RFC 6749 §4.1.2.1).

    Raises ClientUnverified when the error must be shown on our own page, AuthorizationDenied
    (carrying the redirect) for every other error.
    """
    for name in ("client_id", "redirect_uri"):
        if len(params.getlist(name)) > 1:
            raise ClientUnverified(f"The request names more than one {name}.")
    client_id = params.get("client_id", "")
    redirect_uri = params.get("redirect_uri", "")
    client = OAuthClient.objects.filter(client_id=client_id).first() if client_id else None
    if client is None:
        raise ClientUnverified(_("This application is not registered with the drive."))
    if not redirect_uri or not client.allows_redirect(redirect_uri):
        raise ClientUnverified(
            _("The address this application asked to return to is not one it registered.")
        )
    if urlsplit(redirect_uri).scheme not in ("http", "https"):
        raise ClientUnverified(_("This application's registered return address is not a web page."))

    state = params.get("state")
    base = AuthorizationRequest(
        client=client,
        redirect_uri=redirect_uri,
        state=state,
        code_challenge=params.get("code_challenge", ""),
        hide_consent=params.get("hide_consent", "").lower() == "true",
    )

    def deny(error: str, description: str) -> AuthorizationDenied:
        return AuthorizationDenied(
            base.redirect_url({"error": error, "error_description": description})
        )

    repeated = sorted(name for name, values in params.lists() if len(values) > 1)
    if repeated:
        raise deny("invalid_request", f"Parameters may not be repeated: {', '.join(repeated)}.")
    if params.get("response_type") != "code":
        raise deny("unsupported_response_type", "Only response_type=code is supported.")
    if not base.code_challenge:
        raise deny("invalid_request", "PKCE is required: send code_challenge (S256).")
    if params.get("code_challenge_method") != "S256":
        raise deny("invalid_request", "code_challenge_method must be S256.")
    if not CODE_CHALLENGE_RE.match(base.code_challenge):
        raise deny("invalid_request", "code_challenge is not an S256 challenge.")
    if params.get("scope", "") not in SCOPES:
        raise deny("invalid_scope", "Only the scope 'all' can be requested.")
    if params.get("login_type", "") not in LOGIN_TYPES:
        raise deny("invalid_request", "Only login_type=default is supported by this drive.")
    return base


def authorization_code_issue(*, request: AuthorizationRequest, user: User) -> str:
    """Store a single-use code for `user` and return its raw value (sent once, by redirect)."""
    raw = secrets.token_urlsafe(32)
    AuthorizationCode.objects.create(
        code_hash=hash_token(raw),
        client=request.client,
        user=user,
        redirect_uri=request.redirect_uri,
        code_challenge=request.code_challenge,
        code_challenge_method="S256",
        expires_at=timezone.now() + CODE_LIFETIME,
    )
    return raw


def client_authenticate(*, client_id: str, client_secret: str | None) -> OAuthClient:
    """The client behind these credentials (RFC 6749 §2.3.1), or OAuthError invalid_client.

    A client registered with a secret must send it; a public client (no secret) relies on
    PKCE alone.
    """
    client = OAuthClient.objects.filter(client_id=client_id).first() if client_id else None
    if client is None:
        raise OAuthError("invalid_client", "Unknown client.", status=401)
    if client.client_secret and not (
        client_secret and check_password(client_secret, client.client_secret)
    ):
        raise OAuthError("invalid_client", "Client authentication failed.", status=401)
    return client


def _pkce_matches(verifier: str, challenge: str) -> bool:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return secrets.compare_digest(computed, challenge)


def _invalid_grant(description: str) -> OAuthError:
    return OAuthError("invalid_grant", description)


def grant_revoke(*, grant: AuthorizationCode) -> None:
    """End every access and refresh token issued from one authorization code."""
    AccessToken.objects.filter(grant=grant).delete()
    RefreshToken.objects.filter(grant=grant, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def _tokens_issue(*, user: User, client: OAuthClient, grant: AuthorizationCode | None):
    access_raw, access = access_token_issue(user=user, client=client, grant=grant)
    refresh_raw = secrets.token_urlsafe(32)
    RefreshToken.objects.create(
        token_hash=hash_token(refresh_raw),
        client=client,
        user=user,
        grant=grant,
        expires_at=timezone.now() + REFRESH_TOKEN_LIFETIME,
    )
    return IssuedTokens(
        access_token=access_raw,
        refresh_token=refresh_raw,
        expires_at=access.expires_at,
        user=user,
    )


def code_exchange(
    *, client: OAuthClient, code: str, redirect_uri: str, code_verifier: str
) -> IssuedTokens:
    """Trade an authorization code for tokens (RFC 6749 §4.1.3, RFC 7636 §4.6)."""
    if not code:
        raise OAuthError("invalid_request", "code is required.")
    if not redirect_uri:
        raise OAuthError("invalid_request", "redirect_uri is required.")
    if not code_verifier:
        raise OAuthError("invalid_request", "code_verifier is required (PKCE).")
    row = (
        AuthorizationCode.objects.select_related("user")
        .filter(code_hash=hash_token(code), client=client)
        .first()
    )
    if row is None:
        raise _invalid_grant("The authorization code is unknown.")
    if row.used_at is not None:
        grant_revoke(grant=row)
        raise _invalid_grant("The authorization code was already used; its tokens are revoked.")
    if row.expires_at <= timezone.now():
        raise _invalid_grant("The authorization code has expired.")
    if row.redirect_uri != redirect_uri:
        raise _invalid_grant("redirect_uri differs from the one of the authorization request.")
    if not CODE_VERIFIER_RE.match(code_verifier) or not _pkce_matches(
        code_verifier, row.code_challenge
    ):
        raise _invalid_grant("code_verifier does not match the code_challenge.")
    if row.user.status != User.Status.ENABLED:
        raise _invalid_grant("The user's account is disabled.")
    # Claiming the code and issuing its tokens commit together: a concurrent replay waits on
    # the row, then finds it used and revokes tokens that already exist.
    with transaction.atomic():
        claimed = AuthorizationCode.objects.filter(pk=row.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if claimed:
            return _tokens_issue(user=row.user, client=client, grant=row)
    grant_revoke(grant=row)
    raise _invalid_grant("The authorization code was already used; its tokens are revoked.")


REFRESH_REUSE_GRACE = timedelta(seconds=30)


def refresh_token_rotate(*, client: OAuthClient, refresh_token: str) -> IssuedTokens:
    """Replace a refresh token with a new access and refresh token (RFC 6749 §6).

    A refresh token that was already rotated is refused, and the tokens of its grant are
    revoked: either its holder or whoever presents it now has a stolen copy.
    """
    if not refresh_token:
        raise OAuthError("invalid_request", "refresh_token is required.")
    row = (
        RefreshToken.objects.select_related("user", "grant")
        .filter(token_hash=hash_token(refresh_token), client=client)
        .first()
    )
    if row is None:
        raise _invalid_grant("The refresh token is unknown.")
    if row.revoked_at is None and row.expires_at <= timezone.now():
        raise _invalid_grant("The refresh token has expired.")
    if row.user.status != User.Status.ENABLED:
        raise _invalid_grant("The user's account is disabled.")
    if row.revoked_at is None:
        with transaction.atomic():
            claimed = RefreshToken.objects.filter(pk=row.pk, revoked_at__isnull=True).update(
                revoked_at=timezone.now()
            )
            if claimed:
                return _tokens_issue(user=row.user, client=client, grant=row.grant)
    # Within a few seconds of its rotation, the likeliest presenter of an old refresh token is
    # its own client refreshing from two requests at once: refuse it, but leave the new tokens
    # alone. Later, a copy of a used token means theft, and the whole sign-in ends.
    rotated_just_now = (
        # Still None here: another request claimed the token between our read and our claim.
        row.revoked_at is None or timezone.now() - row.revoked_at < REFRESH_REUSE_GRACE
    )
    if row.grant is not None and not rotated_just_now:
        grant_revoke(grant=row.grant)
    raise _invalid_grant("The refresh token was already used or revoked.")


def sign_in_check(*, user_name: str, password: str, address: str) -> User:
    """The drive user with these credentials, or SignInRefused with a message to show.

    Attempts go through the drive's password guard (`throttle`), per user name and address and
    per user name: while it asks to wait, every attempt is refused, right password or not, and
    `SignInRefused.retry_after` says for how long.
    """
    try:
        attempt = throttle.attempt_start(
            kind=throttle.SIGN_IN, target=user_name.casefold(), address=address
        )
    except throttle.TooManyAttempts as exc:
        raise SignInRefused(
            _("Too many failed sign-ins. Wait %(wait)s, then try again.")
            % {"wait": wait_words(exc.retry_after)},
            status=429,
            retry_after=exc.retry_after,
        ) from None
    except throttle.ThrottleUnavailable:
        raise SignInRefused(
            _("The drive cannot check sign-ins right now. Try again in a minute."), status=503
        ) from None
    user = User.objects.filter(user_name=user_name).first()
    if user is None or not user.password:
        # Hash anyway, so that a missing account answers as slowly as a wrong password.
        make_password(password)
        valid = False
    else:

        def upgrade_hash(raw: str) -> None:
            user.password = make_password(raw)
            user.save(update_fields=["password"])

        valid = check_password(password, user.password, setter=upgrade_hash)
    if user is None or not valid:
        raise SignInRefused(_("The user name or password is not correct."), status=400)
    attempt.succeeded()
    if user.status != User.Status.ENABLED:
        raise SignInRefused(
            _("This account is disabled. Ask the drive's administrator."), status=403
        )
    user.last_login_time = timezone.now()
    user.save(update_fields=["last_login_time"])
    return user


def wait_words(seconds: int) -> str:
    """A wait for people: "40 seconds", "3 minutes" (rounded up), "1 minute"."""
    if seconds < 60:
        return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
