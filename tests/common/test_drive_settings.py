"""The drive's settings read its own variables: not the portal's PORT, and https from either URL."""

import json
import os
import secrets
from pathlib import Path

import pytest

from .python_process import run_python

PROBE = """
import json
from django.conf import settings
print(json.dumps({
    "portal": settings.LOCALPDS_PORTAL_URL,
    "secure": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE],
}))
"""


def drive_settings(tmp_path: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOCALPDS_", "DJANGO_"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "localpds.settings",
        "LOCALPDS_SECRET_KEY": secrets.token_hex(16),
        "LOCALPDS_DATA_DIR": str(tmp_path),
        "DEBUG": "0",
        # Empty, so that the developer's .env does not decide: empty means unset.
        "LOCALPDS_PORTAL_URL": "",
        "LOCALPDS_PUBLIC_URL": "",
        "LOCALPDS_SESSION_COOKIE_SECURE": "",
        "LOCALPDS_CSRF_COOKIE_SECURE": "",
        **extra,
    }
    done = run_python("-c", PROBE, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_process_manager_giving_the_drive_its_own_port_does_not_move_the_portal(tmp_path):
    # Honcho and foreman set PORT for every process, the drive's included.
    assert drive_settings(tmp_path, PORT="5100")["portal"] == "http://127.0.0.1:8000"


def test_the_configured_portal_url_is_used_as_given(tmp_path):
    found = drive_settings(tmp_path, PORT="5100", LOCALPDS_PORTAL_URL="https://share.example/")
    assert found["portal"] == "https://share.example"


@pytest.mark.parametrize(
    ("variables", "secure"),
    [
        ({}, [False, False]),
        ({"LOCALPDS_PORTAL_URL": "https://share.example"}, [True, True]),
        ({"LOCALPDS_PUBLIC_URL": "https://drive.example"}, [True, True]),
        (
            {"LOCALPDS_PORTAL_URL": "https://share.example", "LOCALPDS_SESSION_COOKIE_SECURE": "0"},
            [False, True],
        ),
    ],
)
def test_the_drives_cookies_are_secure_behind_https(tmp_path, variables, secure):
    assert drive_settings(tmp_path, **variables)["secure"] == secure
