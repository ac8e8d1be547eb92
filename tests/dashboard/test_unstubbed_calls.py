"""The stubbed PDS of these tests fails a test whose page calls it with no stub registered.

Without that, `responses`' refusal would become the dashboard's 502 page, and a test asserting
502 would pass for the wrong reason.
"""

import pytest

pytestmark = pytest.mark.django_db


def test_a_pds_call_with_no_stub_fails_the_test_at_the_call(owner, pds):
    unstubbed = r"no stub registered: POST \S+/share_link/list"
    with pytest.raises(pytest.fail.Exception, match=unstubbed):
        owner.get("/dashboard/")

    # Had anything caught that, the check after the test would still fail it.
    with pytest.raises(AssertionError, match="share_link/list"):
        pds.assert_every_call_stubbed()
    pds.unstubbed.clear()
