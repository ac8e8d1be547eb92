"""The dashboard's guard of its views: the signed-in owner (`shareportal.accounts.session`).

Who is signed in, and their tokens, live in `shareportal.accounts`, shared with the share
pages; this module sends a signed-out owner to sign in and back.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from shareportal.accounts.session import (
    OWNER_KEY,
    Owner,
    SignInRequired,
    owner_of,
    owner_remember,
    signout,
)
from shareportal.http import HtmxHttpRequest

__all__ = [
    "OWNER_KEY",
    "Owner",
    "OwnerHttpRequest",
    "SignInRequired",
    "owner_of",
    "owner_remember",
    "owner_required",
    "redirect_for",
    "signin_url",
    "signout",
]


class OwnerHttpRequest(HtmxHttpRequest):
    """For annotations only: the request of a view behind `owner_required`."""

    owner: Owner


def signin_url(request: HtmxHttpRequest) -> str:
    """Where to send a signed-out owner so that they come back to this page afterwards."""
    if request.method == "GET" and not request.htmx:
        back = request.get_full_path()
    elif request.htmx and request.htmx.current_url_abs_path:
        back = request.htmx.current_url_abs_path
    else:
        # A form cannot be replayed after signing in: come back to the page it was on.
        back = reverse("dashboard:index")
    return f"{reverse('dashboard:signin')}?{urlencode({'next': back})}"


type View = Callable[..., HttpResponse]


def redirect_for(request: HtmxHttpRequest, url: str) -> HttpResponse:
    """A redirect that also works from an htmx request, by loading the whole page."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def owner_required(view: View) -> View:
    """Send a signed-out owner to sign in, and give the view `request.owner`."""

    @wraps(view)
    def wrapper(request: HtmxHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        owner = owner_of(request)
        if owner is None:
            return redirect_for(request, signin_url(request))
        request.owner = owner  # type: ignore[attr-defined]
        try:
            return view(request, *args, **kwargs)
        except SignInRequired:
            url = signin_url(request)
            signout(request=request)
            messages.info(request, _("Your sign-in has expired. Please sign in again."))
            return redirect_for(request, url)

    return wrapper
