"""`python -m localpds pds_token`: a working access token for development and tests."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from localpds.models import AccessToken

from .api_helpers import call

pytestmark = [pytest.mark.urls("localpds.urls"), pytest.mark.django_db]


def run(*args: str) -> str:
    out = StringIO()
    call_command("pds_token", *args, stdout=out)
    return out.getvalue().strip()


def test_it_prints_a_token_that_the_api_accepts(alice):
    token = run("alice")

    response = call("user/get", {}, token=token)

    assert response.json()["user_id"] == alice.user_id


def test_the_token_lives_one_hour_by_default_and_is_stored_hashed(alice):
    token = run("alice")

    row = AccessToken.objects.get()
    assert token not in row.token_hash
    lifetime = (row.expires_at - timezone.now()).total_seconds()
    assert 3500 < lifetime <= 3600


def test_hours_sets_the_lifetime(alice):
    run("alice", "--hours", "2")

    lifetime = (AccessToken.objects.get().expires_at - timezone.now()).total_seconds()
    assert 7100 < lifetime <= 7200


def test_an_unknown_user_is_an_error(db):
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        run("nobody")


@pytest.mark.parametrize("hours", ["0", "-1", "9000"])
def test_a_senseless_lifetime_is_an_error(alice, hours):
    with pytest.raises(CommandError, match="--hours"):
        run("alice", "--hours", hours)
    assert not AccessToken.objects.exists()
