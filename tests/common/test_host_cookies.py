"""Behind TLS both projects' cookies take the `__Host-` prefix: Secure, Path=/, no Domain.

Settings are read once per process, so each case runs in a child Python with the README's
production settings, migrates a private database and reads the Set-Cookie headers of real
pages through Django's test client (HTTPS said by the proxy header, as behind a TLS proxy).
"""

import json
import os
import secrets
from pathlib import Path

import pytest

from .python_process import run_python

PORTAL_PAGES = """
import json
import django
django.setup()
import responses
from django.core.management import call_command
from django.test import Client

call_command("migrate", verbosity=0)
browser = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="share.example.com")
cookies = {}
with responses.RequestsMock() as pds:
    pds.post(
        "https://pds.example.com/v2/share_link/get_by_anonymous",
        json={"share_name": "Locked", "has_pwd": True, "expiration": "", "updated_at": ""},
    )
    # The password form: the CSRF cookie.
    cookies.update({k: v.output() for k, v in browser.get("/s/Locked0001/").cookies.items()})
# Starting an owner's sign-in: the session cookie.
cookies.update({k: v.output() for k, v in browser.get("/dashboard/signin/").cookies.items()})
print(json.dumps(cookies))
"""

DRIVE_PAGES = """
import base64, hashlib, json, secrets
from urllib.parse import urlencode
import django
django.setup()
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.test import Client
from localpds.models import Drive, OAuthClient, User

call_command("migrate", verbosity=0)
user = User.objects.create(user_name="alice", password=make_password("pw-of-alice"))
Drive.objects.create(owner=user)
redirect = "https://share.example.com/dashboard/oauth/callback/"
OAuthClient.objects.create(client_id="portal", name="Portal", redirect_uris=redirect)
challenge = base64.urlsafe_b64encode(
    hashlib.sha256(secrets.token_bytes(32)).digest()
).rstrip(b"=").decode()
url = "/v2/oauth/authorize?" + urlencode({
    "client_id": "portal", "redirect_uri": redirect, "response_type": "code",
    "code_challenge": challenge, "code_challenge_method": "S256",
})
browser = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="drive.example.com")
cookies = {}
# The sign-in page: the CSRF cookie; signing in: the session cookie.
cookies.update({k: v.output() for k, v in browser.get(url).cookies.items()})
done = browser.post(url, {"user_name": "alice", "password": "pw-of-alice"})
assert done.status_code == 303, done.status_code
cookies.update({k: v.output() for k, v in done.cookies.items()})
print(json.dumps(cookies))
"""


def environment(tmp_path: Path, **variables: str) -> dict[str, str]:
    # Only what a deployment sets: nothing from the developer's environment or .env decides.
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "DEBUG": "0",
        "DATA_DIR": str(tmp_path / "portal"),
        "LOCALPDS_DATA_DIR": str(tmp_path / "drive"),
        # Empty values win over .env and mean "unset".
        "REDIS_URL": "",
        "LOCALPDS_REDIS_URL": "",
        "LOCALPDS_PUBLIC_URL": "",
        "LOCALPDS_PORTAL_URL": "",
        "PDS_OAUTH_CLIENT_SECRET": "",
        **variables,
    }


def cookies_set(tmp_path: Path, script: str, **variables: str) -> dict[str, str]:
    done = run_python("-c", script, env=environment(tmp_path, **variables))
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


PORTAL = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "share.example.com",
    "TRUST_X_FORWARDED_PROTO": "1",
    "PDS_API_ENDPOINT": "https://pds.example.com",
    "DJANGO_SETTINGS_MODULE": "shareportal.settings",
}
DRIVE = {
    "LOCALPDS_SECRET_KEY": secrets.token_urlsafe(50),
    "LOCALPDS_ALLOWED_HOSTS": "drive.example.com",
    "LOCALPDS_TRUST_X_FORWARDED_PROTO": "1",
    "LOCALPDS_PORTAL_URL": "https://share.example.com",
    "DJANGO_SETTINGS_MODULE": "localpds.settings",
}


def assert_host_cookie(header: str) -> None:
    """What browsers demand of a `__Host-` cookie, or they drop it."""
    attributes = [part.strip().lower() for part in header.split(";")]
    assert "secure" in attributes, header
    assert "path=/" in attributes, header
    assert not [a for a in attributes if a.startswith("domain=")], header


def test_behind_tls_the_portals_cookies_are_host_cookies(tmp_path):
    cookies = cookies_set(
        tmp_path, PORTAL_PAGES, PUBLIC_BASE_URL="https://share.example.com", **PORTAL
    )

    assert sorted(cookies) == ["__Host-web_csrftoken", "__Host-web_sessionid"]
    for header in cookies.values():
        assert_host_cookie(header)


def test_over_plain_http_the_portals_cookies_keep_their_plain_names(tmp_path):
    cookies = cookies_set(tmp_path, PORTAL_PAGES, PUBLIC_BASE_URL="http://127.0.0.1:8000", **PORTAL)

    assert sorted(cookies) == ["web_csrftoken", "web_sessionid"]
    assert "secure" not in cookies["web_sessionid"].lower()


def test_behind_tls_the_drives_cookies_are_host_cookies(tmp_path):
    cookies = cookies_set(
        tmp_path, DRIVE_PAGES, LOCALPDS_PUBLIC_URL="https://drive.example.com", **DRIVE
    )

    assert sorted(cookies) == ["__Host-pds_csrftoken", "__Host-pds_sessionid"]
    for header in cookies.values():
        assert_host_cookie(header)


@pytest.mark.parametrize("public_url", ["", "http://127.0.0.1:8001"])
def test_without_its_own_https_url_the_drives_cookies_keep_their_plain_names(tmp_path, public_url):
    cookies = cookies_set(tmp_path, DRIVE_PAGES, LOCALPDS_PUBLIC_URL=public_url, **DRIVE)

    assert sorted(cookies) == ["pds_csrftoken", "pds_sessionid"]
