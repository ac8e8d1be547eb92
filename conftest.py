"""Project-wide test set-up: every test gets its own data directory, a private cache, plain
static files and fast password hashing."""

import pytest


@pytest.fixture(autouse=True)
def _isolated_storage(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.LOCALPDS_BLOB_DIR = tmp_path / "blobs"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    # Unhashed static names: the manifest storage needs `collectstatic`, tests do not.
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }
    # Hashing demo passwords properly costs seconds per test; nothing here tests its strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.core.cache import cache

    cache.clear()
