"""Share page tests talk to a PDS stubbed at its wire format, through the real client."""

import pytest
from django.core.management import call_command

from common.backends import database_cache
from shareportal.pds.client import get_client

from ..stubbed_pds import StrictPdsMock
from .stubs import API, CACHE_TABLE, DATA


# Autouse: a test that forgets to ask for the stub still cannot reach a real drive, and any
# call it makes fails it.
@pytest.fixture(autouse=True)
def pds(settings, monkeypatch):
    """The stubbed PDS: register answers on it; a call to anything unregistered fails."""
    settings.PDS_API_ENDPOINT = API
    settings.PDS_DATA_ORIGINS = [DATA]
    settings.TRUSTED_PROXIES = []
    with StrictPdsMock() as rsps:
        # Retries of failed reads wait with backoff; the tests need not.
        monkeypatch.setattr(get_client(), "sleep", lambda seconds: None)
        yield rsps
        rsps.assert_every_call_stubbed()


@pytest.fixture
def db_cache(settings):
    """The single-machine default cache of the settings (a table in the database), empty."""
    settings.CACHES = settings.CACHES | {
        "default": database_cache(table=CACHE_TABLE, max_entries=100_000)
    }
    # The migration made it only if the cache was this one then (not with REDIS_URL set).
    call_command("createcachetable")
