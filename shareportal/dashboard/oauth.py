"""Owner sign-in: the dashboard's side of the OAuth flow (`shareportal.accounts.oauth`).

The flow itself is shared with the share pages; the dashboard adds where an owner may be
sent back to.
"""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from shareportal.accounts.oauth import (
    FLOWS_KEY,
    OAuthFlow,
    pkce_pair,
    signin_finish,
    signin_flow_pop,
    signin_start,
)

__all__ = [
    "FLOWS_KEY",
    "OAuthFlow",
    "next_url_safe",
    "pkce_pair",
    "signin_finish",
    "signin_flow_pop",
    "signin_start",
]


def next_url_safe(request: HttpRequest, candidate: str | None) -> str:
    """`candidate` when it is a page of this site, else the dashboard.

    Only paths are followed: a scheme or host, even our own, is refused, as are the spellings
    browsers read as another host (`//evil.example`, `/\\evil.example`, `https:evil.example`).
    """
    fallback = reverse("dashboard:index")
    if not candidate or not candidate.startswith("/") or candidate.startswith(("//", "/\\")):
        return fallback
    if not url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return fallback
    return candidate
