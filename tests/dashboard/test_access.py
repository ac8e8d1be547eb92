"""Every dashboard view signed out, and with a method it does not take, through the test client.

`ROUTES` has one row for each named route of `shareportal/dashboard/urls.py`, and
`test_every_dashboard_route_has_a_row` fails for a route without one, so a new view comes
with these checks. A row gives the methods the view takes and what a signed-out visitor gets.
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.http import HttpResponse
from django.urls import URLPattern, reverse

from shareportal.dashboard import urls

from .stubs import AUTHORIZE

pytestmark = pytest.mark.django_db

SHARE = "sAvciMEXKRz"
# Those a browser or an htmx request may send; HEAD and OPTIONS are left to Django.
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def sent_to_sign_in(response: HttpResponse, method: str, path: str) -> None:
    # A form cannot be replayed after signing in: a POST comes back to the dashboard.
    back = path if method == "GET" else reverse("dashboard:index")
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:signin") + "?next=" + quote(back, "")


def sent_to_the_drive(response: HttpResponse, method: str, path: str) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith(AUTHORIZE + "?")


def refused_as_unchecked(response: HttpResponse, method: str, path: str) -> None:
    # No sign-in was started in this browser, so there is no state to check the answer with.
    assert response.status_code == 400
    assert "This sign-in could not be checked" in response.content.decode()


def sent_home(response: HttpResponse, method: str, path: str) -> None:
    assert response.status_code == 302
    assert response["Location"] == reverse("shares:home")


@dataclass(frozen=True)
class Route:
    methods: tuple[str, ...]  # those it takes, in the order its 405 answer's Allow lists them
    signed_out: Callable[[HttpResponse, str, str], None] = sent_to_sign_in


ROUTES = {
    "index": Route(("GET",)),
    "signin": Route(("GET",), signed_out=sent_to_the_drive),
    "oauth_callback": Route(("GET",), signed_out=refused_as_unchecked),
    "signout": Route(("POST",), signed_out=sent_home),
    "share_new": Route(("GET", "POST")),
    "share_detail": Route(("GET",)),
    "share_edit": Route(("GET", "POST")),
    "share_status": Route(("POST",)),
    "share_cancel": Route(("GET", "POST")),
    "share_embed": Route(("GET", "POST")),
    "share_qr": Route(("GET",)),
}


def path_of(name: str) -> str:
    """The route's path, with `SHARE` for each argument its pattern takes."""
    pattern = next(p for p in urls.urlpatterns if p.name == name)
    arguments = dict.fromkeys(pattern.pattern.regex.groupindex, SHARE)
    return reverse(f"dashboard:{name}", kwargs=arguments)


def test_every_dashboard_route_has_a_row():
    assert all(isinstance(p, URLPattern) and p.name for p in urls.urlpatterns)
    assert sorted(p.name for p in urls.urlpatterns) == sorted(ROUTES)


@pytest.mark.parametrize(
    ("name", "method"),
    [(name, method) for name, route in ROUTES.items() for method in route.methods],
)
def test_a_signed_out_visitor_gets_the_answer_of_the_view(client, pds, name, method):
    path = path_of(name)

    response = client.generic(method, path)

    ROUTES[name].signed_out(response, method, path)
    assert not pds.calls


@pytest.mark.parametrize(
    ("name", "method"),
    [(name, m) for name, route in ROUTES.items() for m in METHODS if m not in route.methods],
)
def test_a_method_the_view_does_not_take_is_a_405_even_signed_in(owner, pds, name, method):
    response = owner.generic(method, path_of(name))

    assert response.status_code == 405
    assert response["Allow"] == ", ".join(ROUTES[name].methods)
    assert not pds.calls
