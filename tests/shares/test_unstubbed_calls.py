"""The stubbed PDS of these tests fails a test whose page calls it with no stub registered.

Without that, `responses`' refusal would become the portal's 502 page, and a test asserting
502 would pass for the wrong reason.
"""

import pytest

SHARE = "sAvciMEXKRz"


def test_a_pds_call_with_no_stub_fails_the_test_at_the_call(client, pds):
    unstubbed = r"no stub registered: POST \S+/share_link/get_by_anonymous"
    with pytest.raises(pytest.fail.Exception, match=unstubbed):
        client.get(f"/s/{SHARE}/")

    # Had anything caught that, the check after the test would still fail it.
    with pytest.raises(AssertionError, match="get_by_anonymous"):
        pds.assert_every_call_stubbed()
    pds.unstubbed.clear()
