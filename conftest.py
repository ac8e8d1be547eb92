"""Project-wide test set-up: every test gets its own data directory and a private cache."""

import pytest


@pytest.fixture(autouse=True)
def _isolated_storage(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.LOCALPDS_BLOB_DIR = tmp_path / "blobs"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    from django.core.cache import cache

    cache.clear()
