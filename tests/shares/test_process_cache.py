"""Each process's short copy of a share's shared records: a busy share's pages do not ask the
shared cache for its facts, token and folders on every page, and a copy never outlives
`PROCESS_CACHE_SECONDS`."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from .stubs import CACHE_TABLE, add_list, calls_to, file_json
from .test_visitor_state import OPEN, open_share

pytestmark = pytest.mark.django_db

FOLDER = f"/s/{OPEN}/folder/d1/"


def shared_cache_reads(page: str) -> int:
    """The queries of one visit of `page` that read the shared cache's table."""
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(page).status_code == 200
    return sum(
        1 for q in queries if CACHE_TABLE in q["sql"] and q["sql"].lstrip().startswith("SELECT")
    )


def test_a_folder_page_seen_a_moment_ago_reads_nothing_from_the_shared_cache(pds, db_cache):
    open_share(pds)
    Client().get(f"/s/{OPEN}/")
    shared_cache_reads(FOLDER)  # the first visit of the folder fills the copies

    assert shared_cache_reads(FOLDER) == 0
    # The drive is still asked for the listing every time: only the share-wide records come
    # from the copy.
    assert len(calls_to(pds, "file/list")) == 3


def test_the_copy_ends_after_process_cache_seconds(pds, db_cache, settings):
    settings.PROCESS_CACHE_SECONDS = 5
    open_share(pds)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        Client().get(f"/s/{OPEN}/")
        Client().get(FOLDER)
        assert shared_cache_reads(FOLDER) == 0

        traveller.shift(timedelta(seconds=6))
        assert shared_cache_reads(FOLDER) > 0


def test_another_processs_new_token_is_read_once_the_copy_ends(pds, db_cache, settings):
    settings.PROCESS_CACHE_SECONDS = 5
    open_share(pds)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        Client().get(f"/s/{OPEN}/")
        Client().get(FOLDER)
        # Another worker replaced the share's token in the shared cache.
        add_list(pds, [file_json("f1", "a.txt", parent="d1")], token="someone-elses")
        caches["default"].set(
            f"share-token:{OPEN}",
            {"token": "someone-elses", "expires_at": int(timezone.now().timestamp()) + 7200},
        )
        Client().get(FOLDER)
        assert calls_to(pds, "file/list")[-1].request.headers["x-share-token"] != "someone-elses"

        traveller.shift(timedelta(seconds=6))
        Client().get(FOLDER)
        assert calls_to(pds, "file/list")[-1].request.headers["x-share-token"] == "someone-elses"
