"""The visitor's side: `get_by_anonymous`, `get_share_token`, `get_share_id` and the life of a
share token (docs/pds-api.md#share_linkget_by_anonymous, #share_linkget_share_token,
#share_linkget_share_id, #share-tokens)."""

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from localpds.models import ShareLink

from .api_helpers import assert_error, call, make_share, share_token_of, token_for

pytestmark = [pytest.mark.urls("localpds.urls"), pytest.mark.django_db]


def anonymous(share_id: str):
    return call("share_link/get_by_anonymous", {"share_id": share_id})


def list_root(share, token: str):
    return call(
        "file/list", {"share_id": share.share_id, "parent_file_id": "root"}, share_token=token
    )


def test_anonymous_info_masks_the_creator_and_never_shows_the_password(alice, tree):
    share = make_share(alice, [tree.shared, tree.secret], share_pwd="hunter2!", description="Hi")

    response = anonymous(share.share_id)

    body = response.json()
    assert response.status_code == 200
    assert body["share_name"] == "shared"
    assert body["creator_id"] == alice.user_id
    assert body["creator_name"] == "al***ce"
    assert body["creator_phone"] == "136****00"
    assert body["has_pwd"] is True
    assert body["file_count"] == 2
    assert body["expiration"] == ""
    assert "share_pwd" not in body
    assert "hunter2!" not in response.content.decode()
    for field in ("disable_preview", "disable_download", "enable_upload", "require_login"):
        assert body[field] is False
    for field in ("preview_limit", "save_download_limit", "download_count", "access_count"):
        assert body[field] == 0


def test_anonymous_info_of_an_open_share_has_no_password(alice, tree):
    assert anonymous(make_share(alice, [tree.top]).share_id).json()["has_pwd"] is False


def test_anonymous_info_of_an_unknown_share_is_404(db):
    assert_error(anonymous("doesnotexist"), 404, "NotFound.ShareLink")


def test_anonymous_info_needs_a_share_id(db):
    assert_error(
        call("share_link/get_by_anonymous", {}), 400, "InvalidParameterMissing", field="share_id"
    )


@pytest.mark.parametrize(
    ("state", "status", "code"),
    [
        ({"cancelled_at": timezone.now(), "status": "disabled"}, 400, "ShareLink.Cancelled"),
        ({"status": "disabled"}, 403, "ShareLink.Forbidden"),
        ({"expiration": timezone.now() - timedelta(seconds=1)}, 400, "ShareLink.Expired"),
    ],
)
def test_an_unusable_share_says_why_to_visitors(alice, tree, state, status, code):
    share = make_share(alice, [tree.top], **state)

    assert_error(anonymous(share.share_id), status, code)
    assert_error(call("share_link/get_share_token", {"share_id": share.share_id}), status, code)


def test_a_share_token_is_issued_for_the_right_password(alice, tree):
    share = make_share(alice, [tree.top], share_pwd="pw!")

    response = call("share_link/get_share_token", {"share_id": share.share_id, "share_pwd": "pw!"})

    body = response.json()
    assert response.status_code == 200
    assert body["share_token"]
    assert body["expires_in"] == 7200
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", body["expire_time"])
    assert ShareLink.objects.get(pk=share.pk).access_count == 1


@pytest.mark.parametrize("password", ["", "PW!", "pw! ", None])
def test_a_wrong_or_missing_password_gets_no_token(alice, tree, password):
    share = make_share(alice, [tree.top], share_pwd="pw!")

    response = call(
        "share_link/get_share_token", {"share_id": share.share_id, "share_pwd": password}
    )

    assert_error(response, 400, "InvalidResource.SharePwd")
    assert ShareLink.objects.get(pk=share.pk).access_count == 0


@pytest.mark.parametrize(("given", "expected"), [(None, 7200), (0, 7200), (1, 1), (7200, 7200)])
def test_expire_sec_sets_the_token_life(alice, tree, given, expected):
    share = make_share(alice, [tree.top])

    response = call("share_link/get_share_token", {"share_id": share.share_id, "expire_sec": given})

    assert response.json()["expires_in"] == expected


@pytest.mark.parametrize("given", [-1, 7201, "60", 1.5])
def test_expire_sec_out_of_range_is_refused(alice, tree, given):
    share = make_share(alice, [tree.top])

    response = call("share_link/get_share_token", {"share_id": share.share_id, "expire_sec": given})

    assert response.status_code == 400
    assert "expire_sec" in response.json()["message"]


def test_the_creator_may_skip_the_password(alice, tree):
    share = make_share(alice, [tree.top], share_pwd="pw!")
    body = {"share_id": share.share_id, "check_share_pwd": False}

    response = call("share_link/get_share_token", body, token=token_for(alice))

    assert response.status_code == 200


def test_an_admin_may_skip_the_password(alice, root_admin, tree):
    share = make_share(alice, [tree.top], share_pwd="pw!")
    body = {"share_id": share.share_id, "check_share_pwd": False}

    assert call("share_link/get_share_token", body, token=token_for(root_admin)).status_code == 200


def test_nobody_else_may_skip_the_password(alice, bob, tree):
    share = make_share(alice, [tree.top], share_pwd="pw!")
    body = {"share_id": share.share_id, "check_share_pwd": False}

    assert_error(call("share_link/get_share_token", body), 400, "InvalidResource.SharePwd")
    assert_error(
        call("share_link/get_share_token", body, token=token_for(bob)),
        400,
        "InvalidResource.SharePwd",
    )


def test_check_share_pwd_must_be_a_boolean_for_anyone(alice, tree):
    share = make_share(alice, [tree.top])
    body = {"share_id": share.share_id, "check_share_pwd": "no"}

    response = call("share_link/get_share_token", body)

    assert_error(response, 400, "InvalidParameter", field="check_share_pwd")


def test_a_login_only_share_needs_a_signed_in_visitor(alice, bob, tree):
    share = make_share(alice, [tree.top], require_login=True)
    body = {"share_id": share.share_id}

    assert_error(call("share_link/get_share_token", body), 401, "AccessTokenInvalid")
    assert call("share_link/get_share_token", body, token=token_for(bob)).status_code == 200


def test_a_token_opens_its_share(alice, tree):
    share = make_share(alice, [tree.shared])

    assert list_root(share, share_token_of(share)).status_code == 200


def test_a_token_for_one_share_does_not_open_another(alice, tree):
    first = make_share(alice, [tree.shared])
    second = make_share(alice, [tree.other])

    assert_error(list_root(second, share_token_of(first)), 401, "ShareLinkTokenInvalid")


@pytest.mark.parametrize("token", ["", "garbage", "eyJzIjoiYWJjIn0:1abc:xyz"])
def test_a_missing_or_forged_token_is_refused(alice, tree, token):
    share = make_share(alice, [tree.shared])

    assert_error(list_root(share, token), 401, "ShareLinkTokenInvalid")


def test_a_tampered_token_is_refused(alice, tree):
    share = make_share(alice, [tree.shared])
    token = share_token_of(share)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

    assert_error(list_root(share, tampered), 401, "ShareLinkTokenInvalid")


def test_a_token_dies_when_its_time_is_up(alice, tree, monkeypatch):
    share = make_share(alice, [tree.shared])
    token = share_token_of(share, expire_sec=60)
    a_minute_later = time.time() + 61
    monkeypatch.setattr("localpds.sharetokens.time.time", lambda: a_minute_later)

    assert_error(list_root(share, token), 401, "ShareLinkTokenInvalid")


@pytest.mark.parametrize(
    "change",
    [
        {"status": "disabled"},
        {"share_pwd": "new-password"},
        {"expiration": "2001-01-01T00:00:00Z"},
    ],
)
def test_a_token_dies_when_the_owner_changes_the_share(alice, tree, change):
    share = make_share(alice, [tree.shared])
    token = share_token_of(share)

    call("share_link/update", {"share_id": share.share_id, **change}, token=token_for(alice))

    assert_error(list_root(share, token), 401, "ShareLinkTokenInvalid")


def test_a_token_survives_changes_that_do_not_touch_access(alice, tree):
    share = make_share(alice, [tree.shared], share_pwd="same")
    token = share_token_of(share, "same")

    call(
        "share_link/update",
        {"share_id": share.share_id, "share_name": "New name", "share_pwd": "same"},
        token=token_for(alice),
    )

    assert list_root(share, token).status_code == 200


def test_a_token_dies_when_the_share_is_cancelled(alice, tree):
    share = make_share(alice, [tree.shared])
    token = share_token_of(share)

    call("share_link/cancel", {"share_id": share.share_id}, token=token_for(alice))

    assert_error(list_root(share, token), 401, "ShareLinkTokenInvalid")
    assert_error(anonymous(share.share_id), 400, "ShareLink.Cancelled")


def test_a_token_dies_when_the_share_expires_by_itself(alice, tree):
    share = make_share(alice, [tree.shared], expiration=timezone.now() + timedelta(hours=1))
    token = share_token_of(share)
    ShareLink.objects.filter(pk=share.pk).update(expiration=timezone.now() - timedelta(seconds=1))

    assert_error(list_root(share, token), 401, "ShareLinkTokenInvalid")


def test_get_share_id_turns_a_message_into_the_share_and_password(alice, tree):
    created = call(
        "share_link/create",
        {
            "drive_id": str(tree.top.drive_id),
            "file_id_list": [tree.top.file_id],
            "share_policy": "msg",
            "share_pwd": "pw!",
        },
        token=token_for(alice),
    ).json()

    response = call("share_link/get_share_id", {"share_msg": created["share_msg"]})

    assert response.status_code == 200
    assert response.json() == {"share_id": created["share_id"], "share_pwd": "pw!"}


def test_get_share_id_of_an_unknown_message_is_404(db):
    assert_error(call("share_link/get_share_id", {"share_msg": "nope"}), 404, "NotFound.ShareLink")


def test_get_share_id_needs_a_message(db):
    assert_error(
        call("share_link/get_share_id", {}), 400, "InvalidParameterMissing", field="share_msg"
    )


def test_get_share_id_of_a_cancelled_share_says_so(alice, tree):
    share = make_share(
        alice,
        [tree.top],
        share_policy="msg",
        share_msg="m" * 16,
        cancelled_at=timezone.now(),
        status="disabled",
    )

    assert_error(
        call("share_link/get_share_id", {"share_msg": share.share_msg}), 400, "ShareLink.Cancelled"
    )
