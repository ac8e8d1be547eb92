"""gunicorn.conf.py: what the portal's and the drive's gunicorn run with."""

import gc
import runpy
from pathlib import Path

import pytest

CONF = Path(__file__).resolve().parent.parent.parent / "gunicorn.conf.py"


@pytest.fixture
def conf():
    return runpy.run_path(str(CONF))


@pytest.fixture
def collector():
    """The collector's settings as they were, put back after the test."""
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_a_worker_freezes_the_loaded_app_and_collects_cycles_less_often(conf, collector):
    gc.unfreeze()
    conf["post_worker_init"](object())
    assert gc.get_threshold() == (10_000, 10, 10)
    # Everything alive once the app is loaded (modules, settings, the URLconf) is out of the
    # collector's sight.
    assert gc.get_freeze_count() > 10_000


def test_the_access_log_never_carries_a_query_string(conf):
    # OAuth codes and the signatures of data URLs travel in queries.
    assert "%(U)s" in conf["access_log_format"]
    assert "%(q)s" not in conf["access_log_format"]
    assert "%(r)s" not in conf["access_log_format"]
