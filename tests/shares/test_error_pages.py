"""Our own 404 and 500 pages: friendly, private, and never a traceback."""

import pytest
from django.test import Client, RequestFactory

from shareportal import urls
from shareportal.shares.views import server_error

pytestmark = pytest.mark.django_db


def test_unknown_addresses_get_our_404_page(client):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert '<main id="main"' in page
    assert response["Cache-Control"] == "no-store, private"


def test_the_500_page_renders_without_any_context():
    assert urls.handler500 == "shareportal.shares.views.server_error"

    response = server_error(RequestFactory().get("/s/sAvciMEXKRz/"))

    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page
    assert "Traceback" not in page


def test_an_unexpected_crash_shows_the_500_page_not_a_traceback(monkeypatch):
    def broken():
        raise RuntimeError("a bug with a secret in its message")

    monkeypatch.setattr("shareportal.shares.selectors.get_client", broken)
    client = Client(raise_request_exception=False)

    response = client.get("/s/sAvciMEXKRz/")

    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page
    assert "secret" not in page
    assert "RuntimeError" not in page
    assert response["Cache-Control"] == "no-store, private"
    assert response["X-Robots-Tag"] == "noindex"


def test_a_form_sent_without_its_csrf_token_gets_our_private_403():
    # The portal's own settings name the view: nothing is overridden here.
    client = Client(enforce_csrf_checks=True)

    response = client.post("/s/sAvciMEXKRz/", {"password": "x"})

    assert response.status_code == 403
    page = response.content.decode()
    assert "This form has expired" in page
    assert 'href="/s/sAvciMEXKRz/"' in page
    assert response["Cache-Control"] == "no-store, private"
    assert response["X-Robots-Tag"] == "noindex"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_a_request_django_refuses_gets_our_private_400_page():
    # A Host header outside ALLOWED_HOSTS is refused by Django itself, before any view.
    response = Client(raise_request_exception=False).get("/", headers={"host": "evil.example"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "This address is not valid" in page
    assert "Bad Request" not in page  # not Django's bare page
    assert response["Cache-Control"] == "no-store, private"
    assert response["X-Robots-Tag"] == "noindex"
