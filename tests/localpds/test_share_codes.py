"""`share_link/get_share_id`: a share code (`share_msg`) turned into its share and password.

See docs/pds-api.md#share_linkget_share_id. A code is a secret like a password, so the drive's
guard (`throttle`) counts every look-up per caller, and all codes together as one target: 10
wrong codes at once from one caller, then a backoff from 1 s, during which even a right code
is refused. Time is frozen and moved by time-machine.
"""

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from localpds.models import ShareLink
from localpds.throttle import CALLER

from .api_helpers import assert_error, call, make_share

pytestmark = pytest.mark.django_db

CODE = "coast-2030-test"
START = datetime(2030, 3, 4, 5, 6, 7, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


@pytest.fixture
def share(alice, tree) -> ShareLink:
    return make_share(alice, [tree.shared], share_policy="msg", share_msg=CODE, share_pwd="pw 1")


def look_up(code: str, address: str = "203.0.113.1", **environ: str):
    return call("share_link/get_share_id", {"share_msg": code}, REMOTE_ADDR=address, **environ)


def test_a_code_answers_its_share_id_and_password(share):
    response = look_up(CODE)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"share_id": share.share_id, "share_pwd": "pw 1"}
    assert response["x-ca-request-id"]


def test_the_password_it_answers_opens_the_share(share):
    found = look_up(CODE).json()

    body = {"share_id": found["share_id"], "share_pwd": found["share_pwd"]}
    response = call("share_link/get_share_token", body)

    assert response.status_code == 200
    assert response.json()["share_token"]


def test_a_code_without_a_password_answers_an_empty_one(alice, tree):
    share = make_share(alice, [tree.top], share_policy="msg", share_msg="no-pwd-code-1")

    assert look_up("no-pwd-code-1").json() == {"share_id": share.share_id, "share_pwd": ""}


def test_an_unknown_code_is_not_found_and_its_message_does_not_repeat_it(share):
    body = assert_error(look_up("coast-2030-tesT"), 404, "NotFound.ShareLink")

    assert "coast" not in body["message"]


def test_a_url_shares_message_is_no_code(alice, tree):
    # A share that stopped being a `msg` share keeps no working code.
    make_share(alice, [tree.top], share_policy="url", share_msg="left-over-code")

    assert_error(look_up("left-over-code"), 404, "NotFound.ShareLink")


def test_the_code_of_a_share_past_its_expiration_says_so(alice, tree):
    make_share(
        alice,
        [tree.top],
        share_policy="msg",
        share_msg="old-code-12345",
        expiration=timezone.now() - timezone.timedelta(days=1),
    )

    assert_error(look_up("old-code-12345"), 400, "ShareLink.Expired")


@pytest.mark.parametrize(
    ("raw", "code", "field"),
    [
        ("{}", "InvalidParameterMissing", "share_msg"),
        ('{"share_msg": ""}', "InvalidParameterMissing", "share_msg"),
        ('{"share_msg": 42}', "InvalidParameter", "share_msg"),
        ('{"share_msg": ["a"]}', "InvalidParameter", "share_msg"),
        ('{"share_msg": "' + "x" * 129 + '"}', "InvalidParameterOutOfRange", "share_msg"),
        ("[1, 2]", "InvalidRequestJSONFormat", ""),
        ("{not json", "InvalidRequestJSONFormat", ""),
    ],
)
def test_a_bad_body_is_a_400_that_names_what_is_wrong(db, raw, code, field):
    response = call("share_link/get_share_id", raw=raw, REMOTE_ADDR="203.0.113.1")

    assert_error(response, 400, code, field=field)


def test_get_share_id_is_a_post(db):
    response = call("share_link/get_share_id", {"share_msg": CODE}, method="get")

    assert response.status_code == 405


def assert_too_many(response) -> int:
    body = assert_error(response, 429, "TooManyRequests")
    wait = int(response["Retry-After"])
    assert wait >= 1
    assert f"Retry after {wait} seconds" in body["message"]
    assert "share_id" not in body
    return wait


def test_wrong_codes_from_one_caller_get_429_after_ten_and_then_the_right_one_too(share):
    answers = [look_up(f"wrong-code-{n}") for n in range(CALLER.free + 5)]

    assert [r.status_code for r in answers[: CALLER.free]] == [404] * CALLER.free
    for response in answers[CALLER.free :]:
        assert assert_too_many(response) == 1
    # While it waits, the caller learns nothing, from a right code either.
    assert_too_many(look_up(CODE))


def test_the_wait_ends_when_retry_after_says(share, clock):
    for n in range(CALLER.free):
        look_up(f"wrong-code-{n}")
    wait = assert_too_many(look_up(CODE))

    clock.shift(wait)

    assert look_up(CODE).json()["share_id"] == share.share_id


def test_wrong_codes_count_across_shares_whatever_code_is_tried(alice, tree, share):
    make_share(alice, [tree.top], share_policy="msg", share_msg="another-code-1")
    for n in range(CALLER.free):
        look_up(f"wrong-code-{n}")

    assert_too_many(look_up("another-code-1"))


def test_a_right_code_clears_the_callers_wrong_ones(share):
    for n in range(CALLER.free - 1):
        look_up(f"wrong-code-{n}")
    assert look_up(CODE).status_code == 200

    answers = [look_up(f"again-{n}") for n in range(CALLER.free)]

    assert [r.status_code for r in answers] == [404] * CALLER.free


def test_another_caller_is_not_held_up_by_one_that_waits(share):
    for n in range(CALLER.free + 1):
        look_up(f"wrong-code-{n}", address="203.0.113.1")
    assert_too_many(look_up(CODE, address="203.0.113.1"))

    assert look_up(CODE, address="198.51.100.20").status_code == 200


def test_code_guesses_and_password_guesses_are_counted_apart(share):
    for n in range(CALLER.free):
        look_up(f"wrong-code-{n}")

    body = {"share_id": share.share_id, "share_pwd": "pw 1"}
    response = call("share_link/get_share_token", body, REMOTE_ADDR="203.0.113.1")

    assert response.status_code == 200


def test_a_right_code_for_a_cancelled_share_says_cancelled(alice, tree):
    share = make_share(
        alice,
        [tree.top],
        share_policy="msg",
        share_msg="gone-code-1234",
        cancelled_at=timezone.now(),
        status="disabled",
    )

    assert_error(look_up(share.share_msg), 400, "ShareLink.Cancelled")
