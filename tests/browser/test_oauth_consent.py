"""The drive's sign-in and consent pages in headless Chromium, against the real embedded PDS.

The point is what only a browser enforces: CSP `form-action` also governs the redirect that
follows the consent POST, so a policy of `'self'` alone would strand the user on the drive.
"""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

pytestmark = pytest.mark.browser

# The redirect URI seed_demo registers for the portal; the browser never resolves the host,
# because the test answers every request to it itself.
CALLBACK = "http://testserver/dashboard/oauth/callback/"


def test_owner_signs_in_consents_and_lands_on_the_client_with_a_working_code(live_pds, browser):
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    query = {
        "client_id": "shareportal",
        "redirect_uri": CALLBACK,
        "response_type": "code",
        "state": "browser-state",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "login_type": "default",
    }
    context = browser.new_context()
    page = context.new_page()
    landed: list[str] = []

    def client_answers(route):
        landed.append(route.request.url)
        route.fulfill(status=200, content_type="text/plain", body="client")

    page.route("http://testserver/**", client_answers)

    page.goto(f"{live_pds.url}/v2/oauth/authorize?{urlencode(query)}")
    page.fill("input[name=user_name]", "alice")
    page.fill("input[name=password]", live_pds.demo["users"]["alice"]["password"])
    page.click("button[type=submit]")
    page.wait_for_selector("button[value=allow]")
    page.click("button[value=allow]")
    page.wait_for_url(f"{CALLBACK}**", timeout=10_000)
    context.close()

    params = parse_qs(urlsplit(landed[0]).query)
    assert params["state"] == ["browser-state"]
    token = requests.post(
        f"{live_pds.url}/v2/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": params["code"][0],
            "redirect_uri": CALLBACK,
            "client_id": "shareportal",
            "client_secret": live_pds.client_secret,
            "code_verifier": verifier,
        },
        timeout=10,
    )
    assert token.status_code == 200
    me = requests.post(
        f"{live_pds.url}/v2/user/get",
        json={},
        headers={"Authorization": f"Bearer {token.json()['access_token']}"},
        timeout=10,
    )
    assert me.json()["user_name"] == "alice"
