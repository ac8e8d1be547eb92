"""Views of the drive's OAuth 2.0 endpoints: `/v2/oauth/authorize`, `/v2/oauth/token`.

The authorize endpoint is the drive's own UI (sign-in and consent pages on the pds origin);
the token endpoint is called server to server with a form body and answers JSON.
"""

import base64
import binascii
import functools
import uuid
from collections.abc import Callable, Collection
from typing import Any
from urllib.parse import unquote_plus

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import rotate_token
from django.shortcuts import render
from django.utils.csp import CSP, build_policy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import oauth_services, selectors, throttle
from .apierrors import REQUEST_ID_HEADER, with_request_id
from .forms import ConsentForm, SignInForm
from .models import User
from .oauth_services import AuthorizationRequest, IssuedTokens, OAuthError
from .tokens import ACCESS_TOKEN_LIFETIME
from .wire import rfc3339

SESSION_USER_KEY = "localpds_user_id"
# The authorization request a sign-in was for. A sign-in answers one authorization only: a
# client's own sign-out (the portal's) cannot end the drive's session, so a drive session
# that outlived it would let the next person at the browser click Allow and be the owner.
SESSION_AUTHZ_KEY = "localpds_signed_in_for"


@never_cache
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The drive's 403 for a form sent without a valid CSRF token (`CSRF_FAILURE_VIEW`).

    Usually the sign-in page was open while its cookie went away; the browser needs to start
    again from the application, not Django's technical page.
    """
    message = _("This page expired before the form was sent. Start again from the application.")
    return render(request, "localpds/oauth_error.html", {"message": message}, status=403)


def _session_user(request: HttpRequest) -> User | None:
    user_id = request.session.get(SESSION_USER_KEY)
    if not user_id:
        return None
    user = User.objects.filter(user_id=user_id, status=User.Status.ENABLED).first()
    if user is None:
        # Deleted or disabled since signing in: the drive session ends with the account.
        request.session.flush()
    return user


def _allow_redirect_to_client(
    request: HttpRequest, response: HttpResponse, authz: AuthorizationRequest
) -> HttpResponse:
    """Let this page's forms end in a redirect to the client.

    CSP `form-action` also governs the redirects that follow a form submission, so under
    `form-action 'self'` browsers refuse to follow the consent POST back to the client. The
    client's origin is added for this page only, once its redirect URI is known registered.
    """
    if settings.SECURE_CSP:
        config: dict[str, Collection[str] | str] = {
            **settings.SECURE_CSP,
            "form-action": [CSP.SELF, authz.redirect_origin],
        }
        # str(): the enum member is not a str to WSGI servers, which refuse it.
        response.headers[str(CSP.HEADER_ENFORCE)] = build_policy(config, get_nonce(request))
    return response


def _page(
    request: HttpRequest, template: str, ctx: dict, authz: AuthorizationRequest, status: int = 200
) -> HttpResponse:
    response = render(request, template, ctx, status=status)
    return _allow_redirect_to_client(request, response, authz)


@with_request_id
@never_cache
@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest) -> HttpResponse:
    """Sign the user in to the drive, ask for consent, and send the client a code."""
    try:
        authz = oauth_services.authorization_request_check(params=request.GET)
    except oauth_services.ClientUnverified as exc:
        ctx: dict[str, Any] = {"message": exc.message}
        return render(request, "localpds/oauth_error.html", ctx, status=400)
    except oauth_services.AuthorizationDenied as exc:
        return HttpResponseRedirect(exc.redirect_url)

    user = _session_user(request)
    if user is None or request.session.get(SESSION_AUTHZ_KEY) != _authz_key(authz):
        return _sign_in(request, authz)
    if request.method == "POST" and "decision" in request.POST:
        return _consent_decide(request, authz, user)
    if authz.hide_consent:
        return _code_redirect(request, authz, user)
    ctx = {"client": authz.client, "user": user, "form": ConsentForm()}
    return _page(request, "localpds/consent.html", ctx, authz)


def _authz_key(authz: AuthorizationRequest) -> str:
    """What tells one authorization request from another: its client and PKCE challenge,
    which the client makes afresh for every sign-in."""
    return f"{authz.client.client_id} {authz.code_challenge}"


def _sign_in(request: HttpRequest, authz: AuthorizationRequest) -> HttpResponse:
    # A consent answer posted after the drive session ended starts again at an empty form.
    posted = request.method == "POST" and "decision" not in request.POST
    form = SignInForm(request.POST if posted else None)
    status = 200
    retry_after = None
    if form.is_bound and form.is_valid():
        try:
            user = oauth_services.sign_in_check(
                user_name=form.cleaned_data["user_name"],
                password=form.cleaned_data["password"],
                address=throttle.client_address(request),
            )
        except oauth_services.SignInRefused as exc:
            form.add_error(None, exc.message)
            status = exc.status
            retry_after = exc.retry_after
        else:
            # A new session key and CSRF token, so nothing planted before sign-in carries over.
            request.session.cycle_key()
            rotate_token(request)
            request.session[SESSION_USER_KEY] = user.user_id
            request.session[SESSION_AUTHZ_KEY] = _authz_key(authz)
            # 303: the same authorization request, now by GET, continues to consent.
            return HttpResponseRedirect(request.get_full_path(), status=303)
    elif form.is_bound:
        status = 400
    ctx = {"client": authz.client, "form": form}
    response = _page(request, "localpds/signin.html", ctx, authz, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def _consent_decide(request: HttpRequest, authz: AuthorizationRequest, user: User) -> HttpResponse:
    form = ConsentForm(request.POST)
    if not form.is_valid():
        ctx = {"client": authz.client, "user": user, "form": form}
        return _page(request, "localpds/consent.html", ctx, authz, status=400)
    if form.cleaned_data["decision"] != "allow":
        _sign_in_used(request)
        denied = {"error": "access_denied", "error_description": "The user denied access."}
        return HttpResponseRedirect(authz.redirect_url(denied))
    return _code_redirect(request, authz, user)


def _code_redirect(request: HttpRequest, authz: AuthorizationRequest, user: User) -> HttpResponse:
    _sign_in_used(request)
    code = oauth_services.authorization_code_issue(request=authz, user=user)
    return HttpResponseRedirect(authz.redirect_url({"code": code}))


def _sign_in_used(request: HttpRequest) -> None:
    """End the drive session once its authorization is answered: the next asks the password."""
    request.session.flush()


@with_request_id
@never_cache
@require_http_methods(["GET", "POST"])
def sign_out(request: HttpRequest) -> HttpResponse:
    """End the drive session; GET asks first, so a link cannot sign anyone out."""
    if request.method == "GET":
        ctx = {"user": _session_user(request), "next": request.GET.get("next", "")}
        return render(request, "localpds/signout.html", ctx)
    request.session.flush()
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(next_url, status=303)
    return render(request, "localpds/signout.html", {"user": None, "next": ""})


def _token_endpoint(view: Callable[[HttpRequest], dict]) -> Callable[[HttpRequest], HttpResponse]:
    """Answer RFC 6749 §5.1/§5.2 JSON, uncached, with a request id, for a form POST only."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest) -> HttpResponse:
        try:
            if request.method != "POST":
                raise OAuthError("invalid_request", "Use POST.", status=405)
            if request.content_type != "application/x-www-form-urlencoded":
                raise OAuthError(
                    "invalid_request", "The body must be application/x-www-form-urlencoded."
                )
            repeated = sorted(name for name, values in request.POST.lists() if len(values) > 1)
            if repeated:
                raise OAuthError(
                    "invalid_request", f"Parameters may not be repeated: {', '.join(repeated)}."
                )
            response = JsonResponse(view(request))
        except OAuthError as exc:
            body = {"error": exc.error, "error_description": exc.description}
            response = JsonResponse(body, status=exc.status)
            if exc.status == 405:
                response["Allow"] = "POST"
            if exc.error == "invalid_client" and "HTTP_AUTHORIZATION" in request.META:
                response["WWW-Authenticate"] = 'Basic realm="oauth"'
        response["Cache-Control"] = "no-store"
        response["Pragma"] = "no-cache"
        response[REQUEST_ID_HEADER] = uuid.uuid4().hex
        return response

    return wrapped


def _client_credentials(request: HttpRequest) -> tuple[str, str | None]:
    """client_id and client_secret from HTTP Basic or the body, never both (RFC 6749 §2.3)."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header:
        return request.POST.get("client_id", ""), request.POST.get("client_secret")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        raise OAuthError("invalid_client", "Only HTTP Basic client authentication.", status=401)
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise OAuthError("invalid_client", "Malformed Basic credentials.", status=401) from None
    basic_id, sep, basic_secret = decoded.partition(":")
    if not sep:
        raise OAuthError("invalid_client", "Malformed Basic credentials.", status=401)
    # RFC 6749 §2.3.1: both halves are form-urlencoded before they are joined.
    client_id, client_secret = unquote_plus(basic_id), unquote_plus(basic_secret)
    if "client_secret" in request.POST:
        raise OAuthError("invalid_request", "Send the client secret one way only.")
    if request.POST.get("client_id", client_id) != client_id:
        raise OAuthError("invalid_request", "client_id differs from the Basic credentials.")
    return client_id, client_secret


def _token_body(tokens: IssuedTokens) -> dict:
    """The token answer with PDS's documented fields (docs/pds-api.md#oauthtoken)."""
    user = tokens.user
    drive = selectors.user_default_drive(user)
    return {
        "access_token": tokens.access_token,
        "refresh_token": tokens.refresh_token,
        "token_type": "Bearer",
        "expires_in": int(ACCESS_TOKEN_LIFETIME.total_seconds()),
        "expire_time": rfc3339(tokens.expires_at),
        "user_id": user.user_id,
        "user_name": user.user_name,
        "nick_name": user.nick_name,
        "avatar": user.avatar,
        "role": user.role,
        "status": user.status,
        "domain_id": settings.LOCALPDS_DOMAIN_ID,
        "default_drive_id": drive.drive_id if drive else "",
        "default_sbox_drive_id": "",
        "device_name": "",
        "is_first_login": False,
        "need_link": False,
        "exist_link": [],
        "pin_setup": False,
        "state": "",
        "user_data": {},
    }


@csrf_exempt
@_token_endpoint
def token(request: HttpRequest) -> dict:
    """Issue tokens for an authorization code or a refresh token."""
    client_id, client_secret = _client_credentials(request)
    if not client_id:
        raise OAuthError("invalid_request", "client_id is required.")
    client = oauth_services.client_authenticate(client_id=client_id, client_secret=client_secret)
    grant_type = request.POST.get("grant_type", "")
    if grant_type not in ("authorization_code", "code", "refresh_token"):
        raise OAuthError(
            "unsupported_grant_type",
            "grant_type must be authorization_code (or code) or refresh_token.",
        )
    if grant_type == "refresh_token":
        tokens = oauth_services.refresh_token_rotate(
            client=client, refresh_token=request.POST.get("refresh_token", "")
        )
    else:
        # "code" is how the official JS SDK spells authorization_code
        # (docs/pds-api.md#oauthtoken).
        tokens = oauth_services.code_exchange(
            client=client,
            code=request.POST.get("code", ""),
            redirect_uri=request.POST.get("redirect_uri", ""),
            code_verifier=request.POST.get("code_verifier", ""),
        )
    return _token_body(tokens)
