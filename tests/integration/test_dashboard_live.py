"""The dashboard against the real embedded PDS over HTTP: sign in, create, disable, cancel.

The owner's browser is two clients: `requests` on the drive's own sign-in and consent pages
(the pds process), and Django's test client on the portal (this process).
"""

import re
from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client

pytestmark = pytest.mark.django_db


def csrf_of(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def sign_in(
    portal: Client, live_pds, user_name: str = "alice", drive: requests.Session | None = None
) -> None:
    """Sign in to the portal through the drive: its sign-in page, its consent, the callback.

    `drive` is the browser's side on the drive's pages (its cookies); a new one by default.
    """
    authorize = portal.get("/dashboard/signin/")["Location"]
    assert authorize.startswith(f"{live_pds.url}/v2/oauth/authorize?")
    drive = drive or requests.Session()
    signin_page = drive.get(authorize, timeout=10)
    password = live_pds.demo["users"][user_name]["password"]
    consent_page = drive.post(
        authorize,
        {
            "csrfmiddlewaretoken": csrf_of(signin_page.text),
            "user_name": user_name,
            "password": password,
        },
        timeout=10,
    )
    assert consent_page.status_code == 200, consent_page.text
    back = drive.post(
        authorize,
        {"csrfmiddlewaretoken": csrf_of(consent_page.text), "decision": "allow"},
        allow_redirects=False,
        timeout=10,
    )
    callback = urlsplit(back.headers["Location"])
    assert callback.path == "/dashboard/oauth/callback/"
    done = portal.get(f"{callback.path}?{callback.query}")
    assert done.status_code == 302, done.content.decode()
    assert done["Location"] == "/dashboard/"


def create_share(owner: Client, **fields: str) -> str:
    """Create a share of the first item of the owner's drive; return its id."""
    picker = owner.get("/dashboard/shares/new/").content.decode()
    first_id = re.search(r'name="pick" value="([^"]+)"', picker).group(1)
    data = {"pick": first_id, "expiry": "7d", "time_zone": "UTC", "share_policy": "url"}
    created = owner.post("/dashboard/shares/new/", data | fields)
    assert created.status_code == 302, created.content.decode()
    match = re.fullmatch(r"/dashboard/shares/([A-Za-z0-9_-]+)/\?created=1", created["Location"])
    return match[1]


def status_set(owner: Client, share_id: str, status: str) -> int:
    return owner.post(f"/dashboard/shares/{share_id}/status/", {"status": status}).status_code


def test_an_owner_signs_in_creates_disables_enables_and_cancels_a_share(portal_settings, live_pds):
    owner, visitor = Client(), Client()
    sign_in(owner, live_pds)

    listing = owner.get("/dashboard/")
    assert listing.status_code == 200
    assert live_pds.demo["shares"]["open"]["share_id"] in listing.content.decode()

    share_id = create_share(
        owner,
        share_name="Made by the dashboard test",
        share_pwd="live-pass-1",
        time_zone="Europe/Berlin",
        download_limit="3",
    )
    detail = owner.get(f"/dashboard/shares/{share_id}/?created=1").content.decode()
    assert "Made by the dashboard test" in detail
    assert 'value="live-pass-1"' in detail
    assert owner.get(f"/dashboard/shares/{share_id}/qr.svg")["Content-Type"] == "image/svg+xml"

    public = f"/s/{share_id}/"
    assert visitor.get(public).status_code == 200  # asks for the password

    assert status_set(owner, share_id, "disabled") == 302
    assert visitor.get(public).status_code == 403

    assert status_set(owner, share_id, "enabled") == 302
    assert visitor.get(public).status_code == 200

    assert owner.post(f"/dashboard/shares/{share_id}/cancel/").status_code == 302
    assert visitor.get(public).status_code == 410
    assert share_id not in owner.get("/dashboard/").content.decode()


def test_a_regular_user_cannot_list_someone_elses_shares_but_an_admin_can(
    portal_settings, live_pds
):
    alice, admin = Client(), Client()
    sign_in(alice, live_pds, "alice")
    sign_in(admin, live_pds, "admin")
    bob = live_pds.post("user/get", {}, user="bob").json()["user_id"]

    refused = alice.get("/dashboard/", {"creator": bob})
    allowed = admin.get("/dashboard/", {"creator": bob})

    assert refused.status_code == 403
    assert "Only administrators" in refused.content.decode()
    assert allowed.status_code == 200
    assert live_pds.demo["shares"]["bob"]["share_id"] in allowed.content.decode()


def test_editing_a_share_changes_what_visitors_see(portal_settings, live_pds):
    owner, visitor = Client(), Client()
    sign_in(owner, live_pds)
    share_id = create_share(owner, share_name="Before the edit")

    saved = owner.post(
        f"/dashboard/shares/{share_id}/edit/",
        {"share_name": "Renamed live", "expiry": "keep", "time_zone": "UTC"},
    )

    assert saved.status_code == 302, saved.content.decode()
    assert "Renamed live" in visitor.get(f"/s/{share_id}/").content.decode()


def test_the_owner_sees_wrong_passwords_tried_on_a_share_by_visitors(portal_settings, live_pds):
    owner = Client()
    sign_in(owner, live_pds)
    share_id = create_share(owner, share_name="Guessed at", share_pwd="live-pass-2")
    for n in range(3):
        visitor = Client(REMOTE_ADDR=f"198.51.100.{n + 1}")
        for guess in ("letmein", "password1"):
            assert visitor.post(f"/s/{share_id}/", {"password": guess}).status_code == 400
    assert Client().post(f"/s/{share_id}/", {"password": "live-pass-2"}).status_code == 303

    listing = owner.get("/dashboard/").content.decode()
    page = owner.get(f"/dashboard/shares/{share_id}/").content.decode()

    row = re.search(rf'<tr id="share-{share_id}".*?</tr>', listing, re.S).group(0)
    assert "6 wrong passwords in the last 24 hours, from 3 addresses" in row
    assert "6 wrong passwords in the last 24 hours, from 3 addresses" in page
    assert "letmein" not in listing + page


def test_after_signing_out_of_the_portal_the_next_sign_in_needs_the_drives_password(
    portal_settings, live_pds
):
    browser_on_drive = requests.Session()
    owner = Client()
    sign_in(owner, live_pds, drive=browser_on_drive)
    dashboard = owner.get("/dashboard/").content.decode()
    signed_out = owner.post("/dashboard/signout/", {"csrfmiddlewaretoken": csrf_of(dashboard)})
    assert signed_out.status_code == 302
    assert owner.get("/dashboard/")["Location"].startswith("/dashboard/signin/")

    # The next person at the same browser starts signing in: the drive does not let them
    # through on the owner's earlier sign-in.
    authorize = Client().get("/dashboard/signin/")["Location"]
    page = browser_on_drive.get(authorize, timeout=10)

    assert page.status_code == 200
    assert 'name="password"' in page.text
    assert 'value="allow"' not in page.text
