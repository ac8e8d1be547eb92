"""The portal and the drive are two projects: setting one up never imports the other."""

import json
import os
import secrets
import subprocess
from pathlib import Path

from .python_process import run_python

PROBE = """
import json, sys
import django
from django.apps import apps
from django.conf import settings
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns  # the URLconf and everything it imports
print(json.dumps({
    "modules": sorted({name.split(".")[0] for name in sys.modules}),
    "apps": [app.name for app in apps.get_app_configs()],
    "urlconf": settings.ROOT_URLCONF,
}))
"""


def run_probe(settings_module: str, tmp_path: Path, **extra: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PDS_", "LOCALPDS_", "DJANGO_"))
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": settings_module,
        "SECRET_KEY": secrets.token_hex(16),
        "LOCALPDS_SECRET_KEY": secrets.token_hex(16),
        "DEBUG": "0",
        "DATA_DIR": str(tmp_path / "portal"),
        "LOCALPDS_DATA_DIR": str(tmp_path / "drive"),
        **extra,
    }
    return run_python("-c", PROBE, env=env)


def probe(settings_module: str, tmp_path: Path) -> dict:
    done = run_probe(settings_module, tmp_path)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_portal_never_imports_the_drive(tmp_path):
    seen = probe("shareportal.settings", tmp_path)
    assert "localpds" not in seen["modules"]
    assert not [name for name in seen["apps"] if name.split(".")[-1] == "localpds"]
    assert seen["urlconf"] == "shareportal.urls"


def test_the_drive_never_imports_the_portal(tmp_path):
    seen = probe("localpds.settings", tmp_path)
    assert "shareportal" not in seen["modules"]
    assert seen["apps"][-1] == "localpds"
    assert seen["urlconf"] == "localpds.urls"


def test_each_project_refuses_a_proxy_that_is_no_address_by_its_own_name(tmp_path):
    portal = run_probe("shareportal.settings", tmp_path, TRUSTED_PROXIES="10.0.0.0/8,proxy.lan")
    assert portal.returncode != 0
    assert "ImproperlyConfigured: TRUSTED_PROXIES: not an IP address or network: 'proxy.lan'" in (
        portal.stderr
    )
    drive = run_probe("localpds.settings", tmp_path, LOCALPDS_TRUSTED_PROXIES="proxy.lan")
    assert drive.returncode != 0
    assert "LOCALPDS_TRUSTED_PROXIES: not an IP address or network" in drive.stderr
    # Each reads only its own name: the portal's bad value does not stop the drive.
    assert run_probe("localpds.settings", tmp_path, TRUSTED_PROXIES="proxy.lan").returncode == 0
