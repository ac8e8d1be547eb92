"""Project-wide test set-up for both projects: every test gets a private cache, plain static
files and fast password hashing, and the drive's tests their own data directory (its blobs and
thumbnails are read from the setting at run time; the portal keeps nothing on disk there).

The portal's suites run with `shareportal.settings` (the default); the drive's, `tests/localpds`,
with `--ds=localpds.settings`. `make pytest` runs both; each settings module collects only
its own suites (and the shared `tests/common`), so a bare `pytest` runs the portal's.
"""

from pathlib import Path

import jinja2
import pytest

TESTS = Path(__file__).resolve().parent / "tests"
DRIVE_TESTS = TESTS / "localpds"
SHARED_TESTS = TESTS / "common"


def _drive_settings(config: pytest.Config) -> bool:
    from django.conf import settings

    return settings.SETTINGS_MODULE == "localpds.settings"


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Collect only the suites of the project whose settings this run has."""
    path = collection_path.resolve()
    if not path.is_relative_to(TESTS) or path == TESTS or path.is_relative_to(SHARED_TESTS):
        return None
    drive_suite = path.is_relative_to(DRIVE_TESTS)
    if _drive_settings(config) != drive_suite:
        return True
    return None


def _compile_translations() -> None:
    """The .mo files from the .po files, as `make test` does first, for a bare `pytest` too."""
    import importlib.util

    path = Path(__file__).resolve().parent / "bin" / "messages.py"
    spec = importlib.util.spec_from_file_location("shareportal_messages", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.compile_all(quiet=True)


def pytest_configure(config: pytest.Config) -> None:
    """Refuse, rather than silently skip, suites named on the command line for the other
    project's settings (`pytest tests/localpds` without `--ds=localpds.settings`)."""
    _compile_translations()
    drive = _drive_settings(config)
    for arg in config.args:
        path = Path(arg.split("::")[0]).resolve()
        if not path.is_relative_to(TESTS) or path == TESTS or path.is_relative_to(SHARED_TESTS):
            continue
        if path.is_relative_to(DRIVE_TESTS) and not drive:
            raise pytest.UsageError(f"{arg} is the drive's: run it with --ds=localpds.settings")
        if drive and not path.is_relative_to(DRIVE_TESTS):
            raise pytest.UsageError(f"{arg} is the portal's: run it without --ds=localpds.settings")


def pytest_report_header(config: pytest.Config) -> str:
    if _drive_settings(config):
        return "settings: localpds.settings (the drive's suites, tests/localpds)"
    return "settings: shareportal.settings (tests/localpds need --ds=localpds.settings)"


@pytest.fixture(autouse=True)
def _isolated_storage(settings, tmp_path):
    if settings.SETTINGS_MODULE == "localpds.settings":
        settings.LOCALPDS_DATA_DIR = tmp_path
        settings.LOCALPDS_BLOB_DIR = tmp_path / "blobs"
    else:
        # The password throttle's counters in the test database, even where the developer's
        # REDIS_URL would put them in a Redis shared with other runs.
        settings.THROTTLE_REDIS_URL = ""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "process": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "process",
        },
    }
    # Unhashed static names: the manifest storage needs `collectstatic`, tests do not.
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }
    # A misspelt variable in a Jinja2 template fails the test instead of rendering as nothing.
    settings.TEMPLATES = [
        engine | {"OPTIONS": engine["OPTIONS"] | {"undefined": jinja2.StrictUndefined}}
        if engine["BACKEND"].endswith("Jinja2")
        else engine
        for engine in settings.TEMPLATES
    ]
    # Each test starts in the default language, whatever a request of the last one activated
    # on this thread (LocaleMiddleware never deactivates).
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    # Hashing demo passwords properly costs seconds per test; nothing here tests its strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.core.cache import caches

    for alias in settings.CACHES:
        caches[alias].clear()
    if settings.SETTINGS_MODULE != "localpds.settings":
        # The process's PDS client keeps what it learnt of the drive (its circuit breakers,
        # retry budget, bulkhead): a test that failed the drive must not leave it open.
        from shareportal.pds.client import forget_client
        from shareportal.pds.http import page_budget
        from shareportal.shares.stale import forget_written

        forget_client()
        forget_written()
        # A request a test left unfinished (its view raised through the test client, which
        # then sends no `request_finished`) must not lend its deadline to the next test.
        page_budget.finished()
