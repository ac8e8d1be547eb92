"""The stubbed PDS of these tests fails a test whose page calls it with no stub registered.

Without that, `responses`' refusal would become the portal's 502 page, and a test asserting
502 would pass for the wrong reason.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
SHARE = "sAvciMEXKRz"


def test_a_pds_call_with_no_stub_fails_the_test_at_the_call(client, pds):
    unstubbed = r"no stub registered: POST \S+/share_link/get_by_anonymous"
    with pytest.raises(pytest.fail.Exception, match=unstubbed):
        client.get(f"/s/{SHARE}/")

    # Had anything caught that, the check after the test would still fail it.
    with pytest.raises(AssertionError, match="get_by_anonymous"):
        pds.assert_every_call_stubbed()
    pds.unstubbed.clear()


TEST_ASSERTING_502 = """
import pytest

@pytest.mark.django_db
def test_a_502_with_no_stub(client{fixture}):
    assert client.get("/s/sAvciMEXKRz/").status_code == 502
"""


# Also for a test that does not ask for the stub: it is there all the same (autouse).
@pytest.mark.parametrize("fixture", [", pds", ""], ids=["asking for pds", "not asking"])
def test_a_test_asserting_502_with_no_stub_fails(tmp_path, fixture):
    """The issue's case, run as pytest runs it: the test fails, it does not pass as a 502."""
    (tmp_path / "conftest.py").write_text("from tests.shares.conftest import pds  # noqa: F401\n")
    (tmp_path / "test_unstubbed.py").write_text(TEST_ASSERTING_502.format(fixture=fixture))
    # Its own in-memory SQLite test database, whatever database this run is on.
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env |= {"PYTHONPATH": str(BASE_DIR), "DJANGO_SETTINGS_MODULE": "shareportal.settings"}

    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", tmp_path],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 failed" in done.stdout
    unstubbed = (
        "PDS call with no stub registered: POST http://pds.test/v2/share_link/get_by_anonymous"
    )
    assert unstubbed in done.stdout
