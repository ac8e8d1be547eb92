"""Both projects pass Django's deployment checks with the production settings the README gives."""

import os
import secrets
import subprocess
from pathlib import Path

import pytest

from .python_process import run_python


def run(command: list[str], tmp_path: Path, **variables: str) -> subprocess.CompletedProcess:
    # Only what a deployment sets: nothing from the developer's environment or .env decides.
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    env |= {
        "DEBUG": "0",
        "DATA_DIR": str(tmp_path / "portal"),
        "LOCALPDS_DATA_DIR": str(tmp_path / "drive"),
        # Empty values win over .env and mean "unset".
        "PDS_OAUTH_CLIENT_SECRET": "",
        "LOCALPDS_PUBLIC_URL": "",
        "LOCALPDS_PORTAL_URL": "",
        **variables,
    }
    return run_python(*command, env=env)


# The README's production settings: https, behind a TLS proxy that says the scheme.
PORTAL = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "PUBLIC_BASE_URL": "https://share.example.com",
    "ALLOWED_HOSTS": "share.example.com",
    "TRUST_X_FORWARDED_PROTO": "1",
}
DRIVE = {
    "LOCALPDS_SECRET_KEY": secrets.token_urlsafe(50),
    "LOCALPDS_PUBLIC_URL": "https://drive.example.com",
    "LOCALPDS_PORTAL_URL": "https://share.example.com",
    "LOCALPDS_ALLOWED_HOSTS": "drive.example.com",
    "LOCALPDS_TRUST_X_FORWARDED_PROTO": "1",
}
CHECK = ["check", "--deploy", "--fail-level", "WARNING"]


@pytest.mark.parametrize(
    ("command", "variables"),
    [(["manage.py", *CHECK], PORTAL), (["-m", "localpds", *CHECK], DRIVE)],
    ids=["portal", "drive"],
)
def test_the_deployment_checks_pass_with_the_documented_production_settings(
    tmp_path, command, variables
):
    done = run(command, tmp_path, **variables)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


PROBE = [
    "-c",
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS)",
]


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        # Plain http (make run): no redirect, no HSTS.
        ({"PUBLIC_BASE_URL": "http://127.0.0.1:8000"}, "False 0"),
        # https, but the proxy does not say the scheme: redirecting would loop forever.
        ({"PUBLIC_BASE_URL": "https://share.example.com"}, "False 31536000"),
        (
            {"PUBLIC_BASE_URL": "https://share.example.com", "TRUST_X_FORWARDED_PROTO": "1"},
            "True 31536000",
        ),
    ],
)
def test_the_portal_redirects_to_https_only_where_it_can_tell_the_scheme(
    tmp_path, variables, expected
):
    settings = {"DJANGO_SETTINGS_MODULE": "shareportal.settings", "SECRET_KEY": "x" * 50}
    done = run(PROBE, tmp_path, **settings, **variables)

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == expected
