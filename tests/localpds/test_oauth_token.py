"""POST /v2/oauth/token: codes and refresh tokens for tokens, and RFC 6749 errors."""

import base64
import json
from datetime import timedelta
from urllib.parse import quote_plus

import pytest
from django.db.models.query import QuerySet
from django.utils import timezone

from localpds.models import AccessToken, AuthorizationCode, RefreshToken, User
from localpds.tokens import access_token_user
from tests.localpds.oauth_helpers import (
    CLIENT_ID,
    CLIENT_SECRET,
    REDIRECT_URI,
    TOKEN,
    exchange,
    exchange_fields,
    make_client,
    make_user,
    obtain_code,
    refresh,
    use_test_settings,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("localpds.urls")]


@pytest.fixture(autouse=True)
def _settings(settings):
    use_test_settings(settings)
    settings.LOCALPDS_DOMAIN_ID = "test-domain"


@pytest.fixture
def alice() -> User:
    make_client()
    return make_user(nick_name="Alice A.", role=User.Role.ADMIN)


def _error(response) -> str:
    assert response["Cache-Control"] == "no-store"
    return response.json()["error"]


def test_whole_round_trip_gives_a_working_access_token_and_the_documented_fields(client, alice):
    code, verifier = obtain_code(client)

    response = exchange(client, code, verifier)

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert len(response["x-ca-request-id"]) == 32
    body = response.json()
    assert access_token_user(body["access_token"]) == alice
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 7200
    assert body["expire_time"].endswith("Z")
    assert body["user_id"] == alice.user_id
    assert body["user_name"] == "alice"
    assert body["nick_name"] == "Alice A."
    assert body["role"] == "admin"
    assert body["status"] == "enabled"
    assert body["domain_id"] == "test-domain"
    assert body["default_drive_id"] == alice.drives.get().drive_id
    assert body["default_sbox_drive_id"] == ""
    assert body["exist_link"] == []
    assert body["is_first_login"] is False
    assert body["user_data"] == {}
    assert body["refresh_token"] != body["access_token"]

    rotated = refresh(client, body["refresh_token"])

    assert rotated.status_code == 200
    assert access_token_user(rotated.json()["access_token"]) == alice
    assert rotated.json()["refresh_token"] != body["refresh_token"]


def test_grant_type_code_alias_works(client, alice):
    code, verifier = obtain_code(client)

    response = exchange(client, code, verifier, grant_type="code")

    assert response.status_code == 200
    assert access_token_user(response.json()["access_token"]) == alice


def test_tokens_and_codes_are_stored_only_as_hashes(client, alice):
    code, verifier = obtain_code(client)
    body = exchange(client, code, verifier).json()

    assert not AuthorizationCode.objects.filter(code_hash=code).exists()
    assert not AccessToken.objects.filter(token_hash=body["access_token"]).exists()
    assert not RefreshToken.objects.filter(token_hash=body["refresh_token"]).exists()
    assert AccessToken.objects.count() == RefreshToken.objects.count() == 1


def test_client_may_authenticate_with_http_basic(client, alice):
    code, verifier = obtain_code(client)
    basic = base64.b64encode(f"{quote_plus(CLIENT_ID)}:{quote_plus(CLIENT_SECRET)}".encode())

    response = exchange(
        client,
        code,
        verifier,
        client_secret=None,
        headers={"Authorization": f"Basic {basic.decode()}"},
    )

    assert response.status_code == 200


def test_wrong_client_secret_is_invalid_client(client, alice):
    code, verifier = obtain_code(client)

    response = exchange(client, code, verifier, client_secret="guess")

    assert response.status_code == 401
    assert _error(response) == "invalid_client"
    assert "WWW-Authenticate" not in response
    assert AccessToken.objects.count() == 0


def test_wrong_basic_credentials_answer_with_www_authenticate(client, alice):
    code, verifier = obtain_code(client)
    basic = base64.b64encode(f"{CLIENT_ID}:guess".encode()).decode()

    response = exchange(
        client, code, verifier, client_secret=None, headers={"Authorization": f"Basic {basic}"}
    )

    assert response.status_code == 401
    assert _error(response) == "invalid_client"
    assert response["WWW-Authenticate"].startswith("Basic")


@pytest.mark.parametrize("header", ["Basic !!!", "Basic " + base64.b64encode(b"nocolon").decode()])
def test_malformed_basic_credentials_are_invalid_client(client, alice, header):
    response = exchange(client, "c", "v", client_secret=None, headers={"Authorization": header})

    assert response.status_code == 401
    assert _error(response) == "invalid_client"


def test_confidential_client_must_send_its_secret(client, alice):
    code, verifier = obtain_code(client)

    response = exchange(client, code, verifier, client_secret=None)

    assert response.status_code == 401
    assert _error(response) == "invalid_client"


def test_unknown_or_missing_client_is_refused(client, alice):
    code, verifier = obtain_code(client)

    unknown = exchange(client, code, verifier, client_id="nobody")
    missing = exchange(client, code, verifier, client_id=None)

    assert (unknown.status_code, _error(unknown)) == (401, "invalid_client")
    assert (missing.status_code, _error(missing)) == (400, "invalid_request")


def test_public_client_needs_no_secret_but_still_pkce(client):
    make_client(secret=None)
    make_user()
    code, verifier = obtain_code(client)

    wrong = exchange(client, code, "x" * 43, client_secret=None)
    right = exchange(client, code, verifier, client_secret=None)

    assert _error(wrong) == "invalid_grant"
    assert right.status_code == 200


def test_code_of_another_client_is_invalid_grant(client, alice):
    make_client(client_id="other", secret="other-secret")
    code, verifier = obtain_code(client)

    response = exchange(client, code, verifier, client_id="other", client_secret="other-secret")

    assert response.status_code == 400
    assert _error(response) == "invalid_grant"


def test_wrong_code_verifier_is_invalid_grant(client, alice):
    code, _ = obtain_code(client)

    response = exchange(client, code, "A" * 64)

    assert response.status_code == 400
    assert _error(response) == "invalid_grant"
    assert AccessToken.objects.count() == 0


def test_missing_code_verifier_is_invalid_request(client, alice):
    code, _ = obtain_code(client)

    response = exchange(client, code, None)

    assert _error(response) == "invalid_request"
    assert "code_verifier" in response.json()["error_description"]


def test_redirect_uri_must_equal_the_one_authorized(client, alice):
    code, verifier = obtain_code(client)

    other = exchange(client, code, verifier, redirect_uri=REDIRECT_URI + "x")
    missing = exchange(client, code, verifier, redirect_uri=None)

    assert _error(other) == "invalid_grant"
    assert _error(missing) == "invalid_request"


def test_unknown_code_is_invalid_grant(client, alice):
    response = exchange(client, "made-up", "A" * 43)

    assert _error(response) == "invalid_grant"


def test_replayed_code_is_refused_and_revokes_the_tokens_it_gave(client, alice):
    code, verifier = obtain_code(client)
    first = exchange(client, code, verifier).json()
    refreshed = refresh(client, first["refresh_token"]).json()

    replay = exchange(client, code, verifier)

    assert replay.status_code == 400
    assert _error(replay) == "invalid_grant"
    assert access_token_user(first["access_token"]) is None
    assert access_token_user(refreshed["access_token"]) is None
    assert _error(refresh(client, refreshed["refresh_token"])) == "invalid_grant"


def test_replay_leaves_other_grants_alone(client, alice):
    code, verifier = obtain_code(client)
    exchange(client, code, verifier)
    other_code, other_verifier = obtain_code(client)
    other = exchange(client, other_code, other_verifier).json()

    exchange(client, code, verifier)

    assert access_token_user(other["access_token"]) == alice


def test_expired_code_is_invalid_grant(client, alice):
    code, verifier = obtain_code(client)
    AuthorizationCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = exchange(client, code, verifier)

    assert _error(response) == "invalid_grant"
    assert "expired" in response.json()["error_description"]


def test_codes_live_about_a_minute(client, alice):
    obtain_code(client)

    row = AuthorizationCode.objects.get()

    assert timedelta(seconds=30) <= row.expires_at - row.created_at <= timedelta(seconds=120)


def test_expired_access_token_no_longer_works(client, alice):
    code, verifier = obtain_code(client)
    body = exchange(client, code, verifier).json()
    AccessToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert access_token_user(body["access_token"]) is None
    renewed = refresh(client, body["refresh_token"]).json()
    assert access_token_user(renewed["access_token"]) == alice


def test_rotated_refresh_token_is_refused_and_ends_the_family(client, alice):
    code, verifier = obtain_code(client)
    first = exchange(client, code, verifier).json()
    second = refresh(client, first["refresh_token"]).json()
    RefreshToken.objects.filter(revoked_at__isnull=False).update(
        revoked_at=timezone.now() - timedelta(minutes=1)
    )

    reuse = refresh(client, first["refresh_token"])

    assert reuse.status_code == 400
    assert _error(reuse) == "invalid_grant"
    # Someone holds a copy of a used token: the live tokens of that sign-in end too.
    assert access_token_user(second["access_token"]) is None
    assert _error(refresh(client, second["refresh_token"])) == "invalid_grant"


def test_a_refresh_racing_its_own_rotation_is_refused_without_ending_the_sign_in(client, alice):
    code, verifier = obtain_code(client)
    first = exchange(client, code, verifier).json()
    second = refresh(client, first["refresh_token"]).json()

    # A second request of the same client refreshed with the same token a moment later.
    reuse = refresh(client, first["refresh_token"])

    assert _error(reuse) == "invalid_grant"
    assert access_token_user(second["access_token"]) == alice
    assert refresh(client, second["refresh_token"]).status_code == 200


def test_a_refresh_losing_the_claim_of_its_token_is_refused_without_ending_the_sign_in(
    client, alice, monkeypatch
):
    code, verifier = obtain_code(client)
    first = exchange(client, code, verifier).json()
    read = QuerySet.first

    def read_then_rotated_elsewhere(queryset):
        row = read(queryset)
        if queryset.model is RefreshToken and row is not None:
            # Another request of the same client claims the token between this read and ours.
            RefreshToken.objects.filter(pk=row.pk).update(revoked_at=timezone.now())
        return row

    monkeypatch.setattr(QuerySet, "first", read_then_rotated_elsewhere)
    reuse = refresh(client, first["refresh_token"])
    monkeypatch.undo()

    assert reuse.status_code == 400
    assert _error(reuse) == "invalid_grant"
    assert access_token_user(first["access_token"]) == alice


def test_refresh_token_of_another_client_is_refused(client, alice):
    make_client(client_id="other", secret="other-secret")
    code, verifier = obtain_code(client)
    body = exchange(client, code, verifier).json()

    response = refresh(
        client, body["refresh_token"], client_id="other", client_secret="other-secret"
    )

    assert _error(response) == "invalid_grant"


def test_expired_refresh_token_is_refused(client, alice):
    code, verifier = obtain_code(client)
    body = exchange(client, code, verifier).json()
    RefreshToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = refresh(client, body["refresh_token"])

    assert _error(response) == "invalid_grant"


def test_disabled_user_can_neither_exchange_nor_refresh(client, alice):
    code, verifier = obtain_code(client)
    body = exchange(client, code, verifier).json()
    code2, verifier2 = obtain_code(client)
    User.objects.filter(pk=alice.pk).update(status=User.Status.DISABLED)

    assert _error(refresh(client, body["refresh_token"])) == "invalid_grant"
    assert _error(exchange(client, code2, verifier2)) == "invalid_grant"


def test_refresh_needs_a_refresh_token(client, alice):
    assert _error(refresh(client, "")) == "invalid_request"


@pytest.mark.parametrize("grant_type", ["password", "client_credentials", ""])
def test_unsupported_grant_type(client, alice, grant_type):
    response = exchange(client, "c", "v", grant_type=grant_type)

    assert response.status_code == 400
    assert _error(response) == "unsupported_grant_type"


def test_get_is_refused_with_a_json_405(client, alice):
    response = client.get(TOKEN)

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert _error(response) == "invalid_request"
    assert response["x-ca-request-id"]


def test_json_body_is_refused(client, alice):
    code, verifier = obtain_code(client)
    body = exchange_fields(code, verifier)

    response = client.post(TOKEN, json.dumps(body), content_type="application/json")

    assert response.status_code == 400
    assert _error(response) == "invalid_request"
    assert response["x-ca-request-id"]


def test_repeated_parameters_are_invalid_request(client, alice):
    code, verifier = obtain_code(client)
    form = (
        f"grant_type=authorization_code&code={code}&code={code}&redirect_uri="
        f"{quote_plus(REDIRECT_URI)}&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}"
        f"&code_verifier={verifier}"
    )

    response = client.post(TOKEN, form, content_type="application/x-www-form-urlencoded")

    assert _error(response) == "invalid_request"
    assert AccessToken.objects.count() == 0


def test_secret_sent_two_ways_is_invalid_request(client, alice):
    code, verifier = obtain_code(client)
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()

    response = exchange(client, code, verifier, headers={"Authorization": f"Basic {basic}"})

    assert _error(response) == "invalid_request"
