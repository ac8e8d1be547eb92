"""Rotating SECRET_KEY with SECRET_KEY_FALLBACKS keeps visitors' sessions.

Session rows in the database are signed with SECRET_KEY; a row signed with a key that is
neither the current one nor a fallback reads as an empty session, and the visitor silently
loses what they unlocked.
"""

import os
import secrets

import pytest

from tests.common.python_process import run_python

from .stubs import add_list, add_share, add_token, file_json

pytestmark = pytest.mark.django_db

LOCKED = "sAvciMEXKRz"
OLD_KEY = secrets.token_urlsafe(50)
NEW_KEY = secrets.token_urlsafe(50)


@pytest.fixture
def unlocked(client, pds, settings):
    """A visitor who unlocked a password share under the old key."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    settings.SECRET_KEY = OLD_KEY
    settings.SECRET_KEY_FALLBACKS = []
    add_share(pds, LOCKED, has_pwd=True)
    add_token(pds, LOCKED, "pw")
    add_list(pds, [file_json("f1", "secret.txt", parent="root")], parent_file_id="root")
    assert client.post(f"/s/{LOCKED}/", {"password": "pw"}).status_code == 303
    assert "secret.txt" in client.get(f"/s/{LOCKED}/").content.decode()
    return client


def test_a_session_made_under_the_old_key_still_works_once_it_is_a_fallback(unlocked, settings):
    settings.SECRET_KEY = NEW_KEY
    settings.SECRET_KEY_FALLBACKS = [OLD_KEY]

    page = unlocked.get(f"/s/{LOCKED}/").content.decode()

    assert "secret.txt" in page
    assert 'name="password"' not in page


def test_without_the_fallback_the_visitor_is_asked_for_the_password_again(unlocked, settings):
    settings.SECRET_KEY = NEW_KEY

    page = unlocked.get(f"/s/{LOCKED}/").content.decode()

    assert 'name="password"' in page
    assert "secret.txt" not in page


def test_the_fallbacks_are_read_from_a_comma_separated_variable(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "shareportal.settings",
        "DATA_DIR": str(tmp_path),
        "SECRET_KEY": NEW_KEY,
        "SECRET_KEY_FALLBACKS": " first-old-key , second-old-key,",
    }
    probe = "from django.conf import settings; print(settings.SECRET_KEY_FALLBACKS)"

    done = run_python("-c", probe, env=env, cwd=tmp_path)

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['first-old-key', 'second-old-key']"
