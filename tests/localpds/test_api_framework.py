"""What every `/v2/...` operation shares: method, body, JSON, auth, errors and request ids."""

import json
import logging
from datetime import timedelta

import pytest
from django.test import Client

from localpds import selectors
from localpds.apierrors import json_server_error
from localpds.models import ShareLink
from localpds.tokens import access_token_issue

from .api_helpers import assert_error, call, drive_of, token_for

pytestmark = [pytest.mark.urls("localpds.urls"), pytest.mark.django_db]


def test_a_successful_call_carries_a_request_id_header(alice, alice_token):
    response = call("user/get", {}, token=alice_token)

    assert response.status_code == 200
    assert len(response["x-ca-request-id"]) >= 32


def test_each_call_gets_its_own_request_id(alice_token):
    first = call("user/get", {}, token=alice_token)
    second = call("user/get", {}, token=alice_token)

    assert first["x-ca-request-id"] != second["x-ca-request-id"]


def test_a_wrong_method_is_refused_with_allow_post(alice_token):
    response = call("user/get", token=alice_token, method="get")

    assert_error(response, 405, "MethodNotAllowed")
    assert response["Allow"] == "POST"


def test_malformed_json_is_refused_with_its_own_code(alice_token):
    response = call("user/get", raw=b'{"user_id": ', token=alice_token)

    assert_error(response, 400, "InvalidRequestJSONFormat")


@pytest.mark.parametrize("raw", [b"[1, 2]", b'"text"', b"42", b"\xff\xfe"])
def test_a_body_that_is_not_a_json_object_is_refused(alice_token, raw):
    response = call("user/get", raw=raw, token=alice_token)

    assert_error(response, 400, "InvalidRequestJSONFormat")


def test_an_empty_body_counts_as_an_empty_object(alice, alice_token):
    response = call("user/get", raw=b"", token=alice_token)

    assert response.status_code == 200
    assert response.json()["user_id"] == alice.user_id


def test_an_oversized_body_is_refused_and_nothing_is_created(alice, alice_token, tree, settings):
    settings.LOCALPDS_MAX_BODY_BYTES = 2000
    body = {
        "drive_id": drive_of(alice).drive_id,
        "file_id_list": [tree.shared.file_id],
        "description": "x" * 3000,
    }

    response = call("share_link/create", body, token=alice_token)

    assert_error(response, 413, "EntityTooLarge")
    assert not ShareLink.objects.exists()


def test_an_unknown_api_path_is_a_json_404_with_a_request_id(alice_token):
    response = call("share_link/explode", {}, token=alice_token)

    assert_error(response, 404, "InvalidResource.Path")


def test_a_path_outside_the_api_is_a_json_404_too(db):
    response = Client().get("/nothing-here")

    assert_error(response, 404, "NotFound")


def test_a_request_django_refuses_before_routing_is_a_json_400_with_a_request_id(settings):
    settings.ALLOWED_HOSTS = ["pds.example.org"]

    response = Client(raise_request_exception=False).post(
        "/v2/user/get", "{}", content_type="application/json", headers={"host": "evil.example"}
    )

    assert_error(response, 400, "InvalidParameter")


def test_the_server_error_handler_answers_json_with_a_request_id(rf):
    response = json_server_error(rf.get("/v2/x"))

    assert response.status_code == 500
    body = json.loads(response.content)
    assert body["code"] == "InternalError"
    assert body["requestId"] == response["x-ca-request-id"]


def test_a_missing_access_token_is_refused(db):
    assert_error(call("user/get", {}), 401, "AccessTokenInvalid")


def test_an_unknown_access_token_is_refused(db):
    assert_error(call("user/get", {}, token="not-a-token"), 401, "AccessTokenInvalid")


def test_an_expired_access_token_is_refused(alice):
    raw, _ = access_token_issue(user=alice, lifetime=timedelta(seconds=-1))

    assert_error(call("user/get", {}, token=raw), 401, "AccessTokenInvalid")


def test_a_disabled_users_token_is_refused(alice, alice_token):
    alice.status = "disabled"
    alice.save()

    assert_error(call("user/get", {}, token=alice_token), 401, "AccessTokenInvalid")


def test_a_non_bearer_authorization_is_refused(alice):
    raw = token_for(alice)
    response = Client().post(
        "/v2/user/get", data="{}", content_type="application/json", headers={"Authorization": raw}
    )

    assert_error(response, 401, "AccessTokenInvalid")


def test_unknown_body_fields_are_ignored(alice, alice_token):
    response = call(
        "user/get", {"favourite_colour": "teal", "nested": {"a": [1]}}, token=alice_token
    )

    assert response.status_code == 200


def test_an_unexpected_failure_is_a_json_500_logged_without_the_token(
    alice, alice_token, monkeypatch, caplog
):
    def explode(user):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "user_default_drive", explode)

    with caplog.at_level(logging.ERROR):
        response = call("user/get", {}, token=alice_token)

    body = assert_error(response, 500, "InternalError")
    assert "boom" not in body["message"]
    assert body["requestId"] in caplog.text
    assert alice_token not in caplog.text


def test_the_api_needs_no_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/v2/user/get",
        data="{}",
        content_type="application/json",
        headers={"Authorization": f"Bearer {token_for(alice)}"},
    )

    assert response.status_code == 200


def test_absurdly_nested_json_is_refused_not_crashed(alice_token):
    raw = b"[" * 100_000 + b"]" * 100_000

    assert_error(call("user/get", raw=raw, token=alice_token), 400, "InvalidRequestJSONFormat")


def test_a_nul_character_in_a_field_is_refused_by_name(alice_token):
    response = call("user/get", {"user_id": "a\x00b"}, token=alice_token)

    assert_error(response, 400, "InvalidParameter", field="user_id")


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("share_link/get_by_anonymous", "share_id"),
        ("share_link/get_share_id", "share_msg"),
        ("share_link/create", "share_name"),
        ("share_link/create", "file_id_list"),
    ],
)
def test_a_lone_surrogate_in_a_field_is_refused_by_name(alice, alice_token, tree, path, field):
    # "\ud800" is valid JSON but no UTF-8 text: the database driver fails on it.
    body = {"drive_id": drive_of(alice).drive_id, "file_id_list": [tree.top.file_id]}
    body[field] = ["\ud800"] if field == "file_id_list" else "\ud800"

    response = call(path, body, token=alice_token)

    assert_error(response, 400, "InvalidParameter", field=field)
