"""GET/POST /v2/oauth/authorize: the drive's sign-in and consent pages, and the redirects."""

import re
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client

from localpds.models import AuthorizationCode, User
from tests.localpds.oauth_helpers import (
    AUTHORIZE,
    PASSWORD,
    REDIRECT_URI,
    authorize_url,
    make_client,
    make_user,
    pkce_pair,
    redirect_params,
    sign_in,
    use_test_settings,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("localpds.urls")]


@pytest.fixture(autouse=True)
def _settings(settings):
    use_test_settings(settings)


@pytest.fixture
def setup():
    return make_client(), make_user()


@pytest.fixture
def url(setup) -> str:
    return authorize_url(pkce_pair()[1])


def test_signed_out_user_sees_the_drive_sign_in_page_naming_the_client(client, url):
    response = client.get(url)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Sign in" in page
    assert "Share portal" in page
    assert 'name="password"' in page
    assert "csrfmiddlewaretoken" in page
    assert len(response["x-ca-request-id"]) >= 32


def test_unknown_client_gets_an_error_page_and_no_redirect(client, setup):
    response = client.get(authorize_url(pkce_pair()[1], client_id="nobody"))

    assert response.status_code == 400
    assert "Location" not in response
    assert "not registered" in response.content.decode()


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://evil.example/dashboard/oauth/callback/",
        REDIRECT_URI + "extra",
        REDIRECT_URI + "?next=x",
        REDIRECT_URI.upper(),
        "",
    ],
)
def test_unregistered_redirect_uri_gets_an_error_page_and_no_redirect(client, setup, redirect_uri):
    response = client.get(authorize_url(pkce_pair()[1], redirect_uri=redirect_uri))

    assert response.status_code == 400
    assert "Location" not in response
    assert "evil.example" not in response.content.decode()


def test_a_second_redirect_uri_parameter_is_an_error_page(client, setup):
    query = urlencode({"client_id": "shareportal", "response_type": "code"})
    query += "&" + urlencode([("redirect_uri", REDIRECT_URI), ("redirect_uri", "https://e.x/")])

    response = client.get(f"{AUTHORIZE}?{query}")

    assert response.status_code == 400
    assert "Location" not in response


def test_missing_pkce_redirects_back_with_invalid_request_and_the_state(client, setup):
    response = client.get(authorize_url("", code_challenge=None, code_challenge_method=None))

    assert response.status_code == 302
    params = redirect_params(response)
    assert params["error"] == ["invalid_request"]
    assert params["state"] == ["xyz-state"]
    assert "code" not in params


def test_plain_pkce_is_refused(client, setup):
    verifier, _ = pkce_pair()

    response = client.get(authorize_url(verifier, code_challenge_method="plain"))

    assert redirect_params(response)["error"] == ["invalid_request"]


def test_malformed_challenge_is_refused(client, setup):
    response = client.get(authorize_url("short"))

    assert redirect_params(response)["error"] == ["invalid_request"]


def test_implicit_grant_is_not_supported(client, setup):
    response = client.get(authorize_url(pkce_pair()[1], response_type="token"))

    assert redirect_params(response)["error"] == ["unsupported_response_type"]


def test_other_login_types_and_scopes_are_refused_by_redirect(client, setup):
    challenge = pkce_pair()[1]

    by_login = client.get(authorize_url(challenge, login_type="wechat"))
    by_scope = client.get(authorize_url(challenge, scope="FILE.ALL"))

    assert redirect_params(by_login)["error"] == ["invalid_request"]
    assert redirect_params(by_scope)["error"] == ["invalid_scope"]


def test_wrong_password_keeps_the_form_and_says_why(client, url):
    response = sign_in(client, url, password="wrong")

    assert response.status_code == 400
    page = response.content.decode()
    assert "The user name or password is not correct." in page
    assert 'value="alice"' in page
    assert "wrong" not in page
    assert "localpds_user_id" not in client.session


def test_unknown_user_gets_the_same_message_as_a_wrong_password(client, url):
    response = sign_in(client, url, user_name="mallory")

    assert response.status_code == 400
    assert "The user name or password is not correct." in response.content.decode()


def test_empty_sign_in_form_says_what_is_missing(client, url):
    response = client.post(url, {"user_name": "", "password": ""})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_disabled_user_cannot_sign_in(client, url):
    User.objects.filter(user_name="alice").update(status=User.Status.DISABLED)

    response = sign_in(client, url)

    assert response.status_code == 403
    assert "disabled" in response.content.decode()
    assert "localpds_user_id" not in client.session


def test_sign_in_cycles_the_session_key_and_continues_to_consent(client, url):
    client.get(url)
    before = client.session.session_key

    response = sign_in(client, url)

    assert response.status_code == 303
    assert response["Location"] == url
    assert client.session.session_key != before
    consent = client.get(url)
    assert consent.status_code == 200
    assert "wants to manage your share links" in consent.content.decode()


def test_sign_in_is_throttled_after_ten_failures_even_with_the_right_password(client, url):
    for _ in range(10):
        assert sign_in(client, url, password="wrong").status_code == 400

    response = sign_in(client, url)

    assert response.status_code == 429
    assert response["Retry-After"] == "1"
    assert "Too many failed sign-ins. Wait 1 second, then try again." in response.content.decode()
    assert "localpds_user_id" not in client.session


def test_a_throttled_sign_in_waits_ever_longer_then_gets_in_when_retry_after_says(
    client, url, time_machine
):
    time_machine.move_to(datetime(2030, 1, 2, tzinfo=UTC), tick=False)
    for _ in range(10):
        sign_in(client, url, password="wrong")
    waits = []
    for _ in range(8):
        refused = sign_in(client, url, password="wrong")
        assert refused.status_code == 429
        waits.append(int(refused["Retry-After"]))
        time_machine.shift(waits[-1])
        assert sign_in(client, url, password="wrong").status_code == 400
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128]
    page = sign_in(client, url).content.decode()
    assert "Wait 5 minutes, then try again." in page  # 256 s, rounded up

    time_machine.shift(256)

    assert sign_in(client, url).status_code == 303


def test_sign_ins_to_one_account_from_many_addresses_are_spaced_out_never_locked(url, time_machine):
    time_machine.move_to(datetime(2030, 1, 2, tzinfo=UTC), tick=False)
    for n in range(100):
        refused = sign_in(Client(REMOTE_ADDR=f"198.51.100.{n + 1}"), url, password="wrong")
        assert refused.status_code == 400
    # An address that failed waits the account's turn...
    again = Client(REMOTE_ADDR="198.51.100.1")
    waiting = sign_in(again, url, password="wrong")
    assert waiting.status_code == 429
    # ... while the owner, from an address that has not failed, signs in at once: nobody can
    # keep them out by taking every turn.
    assert sign_in(Client(REMOTE_ADDR="192.0.2.50"), url).status_code == 303
    time_machine.shift(int(waiting["Retry-After"]))
    assert sign_in(again, url).status_code == 303


def test_sign_in_throttle_is_per_address(client, url):
    for _ in range(10):
        sign_in(client, url, password="wrong")

    other = Client(REMOTE_ADDR="203.0.113.9")

    assert sign_in(other, url).status_code == 303


def test_sign_in_throttle_counts_an_ipv6_client_by_its_64_network(url):
    for host in range(1, 11):
        sign_in(Client(REMOTE_ADDR=f"2001:db8:1:2::{host:x}"), url, password="wrong")

    same_network = Client(REMOTE_ADDR="2001:db8:1:2:ffff::1")
    other_network = Client(REMOTE_ADDR="2001:db8:1:3::1")

    assert sign_in(same_network, url).status_code == 429
    assert sign_in(other_network, url).status_code == 303


@pytest.mark.parametrize(
    "proxies", [["127.0.0.1"], ["127.0.0.0/8"], ["10.0.0.0/8", "127.0.0.1/32"]]
)
def test_behind_a_trusted_proxy_the_throttle_counts_the_forwarded_address(
    client, url, settings, proxies
):
    # CIDR ranges work too: the drive reads the address through common.clientaddr.
    settings.LOCALPDS_TRUSTED_PROXIES = proxies
    for _ in range(10):
        client.post(
            url,
            {"user_name": "alice", "password": "wrong"},
            headers={"X-Forwarded-For": "198.51.100.7"},
        )

    same = client.post(
        url,
        {"user_name": "alice", "password": PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.7"},
    )
    other = client.post(
        url,
        {"user_name": "alice", "password": PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.8"},
    )

    assert same.status_code == 429
    assert other.status_code == 303


def test_a_form_without_its_csrf_token_gets_the_drives_own_page(url):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(url, {"user_name": "alice", "password": PASSWORD})
    assert response.status_code == 403
    assert "This page expired before the form was sent" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert "localpds_user_id" not in browser.session


def test_successful_sign_in_clears_earlier_failures(client, url):
    for _ in range(9):
        sign_in(client, url, password="wrong")
    sign_in(client, url)
    client.post("/v2/oauth/signout")

    for _ in range(9):
        sign_in(client, url, password="wrong")

    assert sign_in(client, url).status_code == 303


def test_consent_allow_redirects_with_a_code_and_the_state(client, url):
    sign_in(client, url)

    response = client.post(url, {"decision": "allow"})

    assert response.status_code == 302
    params = redirect_params(response)
    assert params["state"] == ["xyz-state"]
    code = params["code"][0]
    assert len(code) >= 32
    # Only the code's hash is stored.
    assert not AuthorizationCode.objects.filter(code_hash=code).exists()
    assert AuthorizationCode.objects.count() == 1


def test_consent_deny_redirects_with_access_denied(client, url):
    sign_in(client, url)

    response = client.post(url, {"decision": "deny"})

    params = redirect_params(response)
    assert params["error"] == ["access_denied"]
    assert params["state"] == ["xyz-state"]
    assert AuthorizationCode.objects.count() == 0


def test_a_bogus_decision_shows_the_consent_page_again(client, url):
    sign_in(client, url)

    response = client.post(url, {"decision": "maybe"})

    assert response.status_code == 400
    assert "Choose Allow or Deny." in response.content.decode()


@pytest.mark.parametrize("state", ["a b&c=d#e", "<script>", "ünïcode", ""])
def test_state_is_echoed_back_exactly(client, setup, state):
    url = authorize_url(pkce_pair()[1], state=state)
    sign_in(client, url)

    response = client.post(url, {"decision": "allow"})

    assert redirect_params(response)["state"] == [state]


def test_missing_state_is_not_invented(client, setup):
    url = authorize_url(pkce_pair()[1], state=None)
    sign_in(client, url)

    response = client.post(url, {"decision": "allow"})

    params = redirect_params(response)
    assert "state" not in params
    assert "code" in params


def test_hide_consent_skips_the_consent_page(client, setup):
    url = authorize_url(pkce_pair()[1], hide_consent="true")
    sign_in(client, url)

    response = client.get(url)

    assert response.status_code == 302
    assert "code" in redirect_params(response)


def test_registered_redirect_uri_with_a_query_keeps_it(client):
    make_user()
    make_client(redirect_uris=f"{REDIRECT_URI}?tenant=1\nhttps://other.example/cb")
    url = authorize_url(pkce_pair()[1], redirect_uri=f"{REDIRECT_URI}?tenant=1")
    sign_in(client, url)

    response = client.post(url, {"decision": "allow"})

    assert response["Location"].startswith(f"{REDIRECT_URI}?tenant=1&code=")


def _csrf_token(browser: Client) -> str:
    return browser.cookies[settings.CSRF_COOKIE_NAME].value


def test_sign_in_form_requires_the_csrf_token(setup, url):
    browser = Client(enforce_csrf_checks=True)
    browser.get(url)

    refused = sign_in(browser, url)
    accepted = browser.post(
        url,
        {"user_name": "alice", "password": PASSWORD, "csrfmiddlewaretoken": _csrf_token(browser)},
    )

    assert refused.status_code == 403
    assert accepted.status_code == 303


def test_consent_form_requires_the_csrf_token(setup, url):
    browser = Client(enforce_csrf_checks=True)
    browser.get(url)
    browser.post(
        url,
        {"user_name": "alice", "password": PASSWORD, "csrfmiddlewaretoken": _csrf_token(browser)},
    )
    browser.get(url)

    refused = browser.post(url, {"decision": "allow"})
    accepted = browser.post(url, {"decision": "allow", "csrfmiddlewaretoken": _csrf_token(browser)})

    assert refused.status_code == 403
    assert AuthorizationCode.objects.count() == 1
    assert accepted.status_code == 302


def test_pages_escape_hostile_client_and_user_names(client):
    make_client(name='<script>alert("c")</script>')
    make_user(nick_name="<img src=x onerror=alert(1)>")
    url = authorize_url(pkce_pair()[1])

    sign_in_page = client.get(url).content.decode()
    sign_in(client, url)
    consent_page = client.get(url).content.decode()

    for page in (sign_in_page, consent_page):
        assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;c&quot;)&lt;/script&gt;" in consent_page
    assert "<img src=x" not in consent_page
    assert "&lt;img src=x onerror=alert(1)&gt;" in consent_page


def test_pages_are_uncached_unframeable_and_may_post_back_to_the_client_only(client, url):
    sign_in_page = client.get(url)
    sign_in(client, url)
    consent_page = client.get(url)

    for response in (sign_in_page, consent_page):
        assert "no-store" in response["Cache-Control"]
        assert response["X-Frame-Options"] == "DENY"
        policy = response["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy
        # The consent answer redirects to the client, which form-action must allow.
        form_action = re.search(r"form-action ([^;]*)", policy).group(1).split()
        assert form_action == ["'self'", "https://portal.example"]
        assert "script-src 'self'" in policy
        assert "object-src 'none'" in policy
        # WSGI servers refuse a header whose name is not exactly a str.
        assert all(type(name) is str for name, _ in response.items())


def test_error_page_keeps_the_strict_form_action(client, setup):
    response = client.get(authorize_url(pkce_pair()[1], client_id="nobody"))

    assert "form-action 'self';" in response["Content-Security-Policy"] + ";"


def test_wrong_method_is_refused(client, url):
    assert client.put(url).status_code == 405


def test_a_disabled_account_loses_its_drive_session(client, url):
    sign_in(client, url)
    User.objects.filter(user_name="alice").update(status=User.Status.DISABLED)

    response = client.get(url)

    assert "Sign in" in response.content.decode()
    assert "localpds_user_id" not in client.session


def test_sign_out_asks_first_then_ends_the_drive_session(client, url):
    sign_in(client, url)

    question = client.get("/v2/oauth/signout")
    assert question.status_code == 200
    assert "alice" in question.content.decode()
    assert "localpds_user_id" in client.session

    response = client.post("/v2/oauth/signout", {"next": url})

    assert response.status_code == 303
    assert response["Location"] == url
    assert "localpds_user_id" not in client.session
    assert 'name="password"' in client.get(url).content.decode()


@pytest.mark.parametrize(
    "next_url", ["//evil.example/", "https://evil.example/", "/\\evil.example"]
)
def test_sign_out_does_not_follow_next_elsewhere(client, url, next_url):
    sign_in(client, url)

    response = client.post("/v2/oauth/signout", {"next": next_url})

    assert response.status_code == 200
    assert "Signed out" in response.content.decode()


def test_after_allowing_one_authorization_the_next_one_asks_for_the_password_again(client, url):
    sign_in(client, url)
    assert "code" in redirect_params(client.post(url, {"decision": "allow"}))

    # The next person at the browser, even through a client that skips the consent page.
    again = client.get(authorize_url(pkce_pair()[1], hide_consent="true"))

    assert again.status_code == 200
    assert 'name="password"' in again.content.decode()
    assert AuthorizationCode.objects.count() == 1
    assert "localpds_user_id" not in client.session


def test_denying_an_authorization_also_ends_the_drive_sign_in(client, url):
    sign_in(client, url)
    client.post(url, {"decision": "deny"})

    again = client.get(authorize_url(pkce_pair()[1]))

    assert 'name="password"' in again.content.decode()


def test_a_sign_in_answers_only_the_authorization_it_was_made_for(client, url):
    assert sign_in(client, url).status_code == 303

    other = client.get(authorize_url(pkce_pair()[1], hide_consent="true"))

    assert other.status_code == 200
    assert 'name="password"' in other.content.decode()
    assert AuthorizationCode.objects.count() == 0
