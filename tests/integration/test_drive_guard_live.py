"""The portal tells the real drive who each visitor is, and the drive's guard counts them apart.

The drive believes X-Forwarded-For from 127.0.0.1, where the portal (this test process) calls
from, as `make run` sets it up.
"""

import pytest
from django.test import Client

from tests.integration.guessing import new_password_share

pytestmark = pytest.mark.django_db


def test_the_drive_counts_the_visitor_the_portal_names_not_the_portal(portal_settings, live_pds):
    share_id, password = new_password_share(live_pds)
    guesser = Client(REMOTE_ADDR="203.0.113.60")
    for n in range(10):
        answer = guesser.post(f"/s/{share_id}/", {"password": f"wrong-{n}"})
        assert answer.status_code == 400

    body = {"share_id": share_id, "share_pwd": password}
    as_guesser = live_pds.post(
        "share_link/get_share_token", body, **{"X-Forwarded-For": "203.0.113.60"}
    )
    as_other = live_pds.post(
        "share_link/get_share_token", body, **{"X-Forwarded-For": "203.0.113.61"}
    )
    visitor = Client(REMOTE_ADDR="198.51.100.61").post(f"/s/{share_id}/", {"password": password})

    # The drive itself now holds the guesser off, the right password too; nobody else.
    assert as_guesser.status_code == 429
    assert as_guesser.json()["code"] == "TooManyRequests"
    assert int(as_guesser.headers["Retry-After"]) >= 1
    assert as_other.status_code == 200
    assert visitor.status_code == 303
