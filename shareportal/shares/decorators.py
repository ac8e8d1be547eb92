"""The decorator of the share pages that turns PDS errors into pages that explain them."""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from shareportal.http import HtmxHttpRequest
from shareportal.pds import errors

from .embedding import url_namespace
from .problems import pds_problem_response
from .services import SignInNeeded

type View = Callable[..., HttpResponse]


def _to_landing(request: HtmxHttpRequest, share_id: str) -> HttpResponse:
    """Back to the share's password form, then to this page once unlocked; htmx too."""
    landing = reverse("shares:share", args=[share_id], current_app=url_namespace(request))
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
    def wrapper(request: HtmxHttpRequest, *args, share_id: str, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, share_id=share_id, **kwargs)
        except errors.SharePasswordRequired:
            return _to_landing(request, share_id)
        except SignInNeeded:
            # A `require_login` share and no sign-in, or one that has ended: its landing page
            # offers "Sign in to open", and comes back here afterwards.
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
            return pds_problem_response(request, exc, share_id=share_id)

    return wrapper
