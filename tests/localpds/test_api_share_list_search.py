"""`share_link/list` and `share_link/search`: roles, query, paging.

See docs/pds-api.md#share_linklist and #share_linksearch.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from localpds.models import ShareLink

from .api_helpers import assert_error, call, make_share, token_for

pytestmark = [pytest.mark.urls("localpds.urls"), pytest.mark.django_db]


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["share_id"] for item in response.json()["items"]]


@pytest.fixture
def shares(alice, bob, tree):
    """Three of alice's shares (one cancelled) and one of bob's."""
    return {
        "a1": make_share(alice, [tree.shared], share_name="Holiday photos"),
        "a2": make_share(alice, [tree.top], share_name="Budget", share_pwd="pw"),
        "a3": make_share(
            alice, [tree.top], share_name="Old", cancelled_at=timezone.now(), status="disabled"
        ),
        "b1": make_share(bob, [], share_name="Bob's", share_all_files=True),
    }


def test_a_user_lists_only_their_own_live_shares(alice, shares):
    response = call("share_link/list", {}, token=token_for(alice))

    assert set(ids(response)) == {shares["a1"].share_id, shares["a2"].share_id}
    assert response.json()["next_marker"] == ""


def test_a_user_may_name_themselves_as_creator(alice, shares):
    response = call("share_link/list", {"creator": alice.user_id}, token=token_for(alice))

    assert set(ids(response)) == {shares["a1"].share_id, shares["a2"].share_id}


def test_a_user_naming_another_creator_is_forbidden(alice, bob, shares):
    response = call("share_link/list", {"creator": bob.user_id}, token=token_for(alice))

    assert_error(response, 403, "ForbiddenNoPermission")


def test_cancelled_shares_appear_only_when_asked_for(alice, shares):
    response = call("share_link/list", {"include_cancelled": True}, token=token_for(alice))

    assert shares["a3"].share_id in ids(response)


def test_an_admin_lists_everyones_shares(root_admin, shares):
    response = call("share_link/list", {}, token=token_for(root_admin))

    assert set(ids(response)) == {shares[k].share_id for k in ("a1", "a2", "b1")}


def test_an_admin_may_narrow_to_one_creator(root_admin, bob, shares):
    response = call("share_link/list", {"creator": bob.user_id}, token=token_for(root_admin))

    assert ids(response) == [shares["b1"].share_id]


def test_list_defaults_to_newest_first(alice, shares):
    newest_first = [shares["a2"].share_id, shares["a1"].share_id]

    assert ids(call("share_link/list", {}, token=token_for(alice))) == newest_first


def test_list_orders_by_name_ascending_by_default(alice, shares):
    response = call("share_link/list", {"order_by": "share_name"}, token=token_for(alice))

    assert ids(response) == [shares["a2"].share_id, shares["a1"].share_id]


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"limit": 0}, "InvalidParameterOutOfRange", "limit"),
        ({"limit": 101}, "InvalidParameterOutOfRange", "limit"),
        ({"limit": "10"}, "InvalidParameter", "limit"),
        ({"order_by": "size"}, "InvalidParameter", "order_by"),
        ({"order_direction": "UP"}, "InvalidParameter", "order_direction"),
        ({"include_cancelled": "yes"}, "InvalidParameter", "include_cancelled"),
        ({"marker": "not-a-marker!"}, "InvalidParameter", "marker"),
    ],
)
def test_list_refuses_bad_paging_fields(alice, shares, fields, code, field):
    assert_error(call("share_link/list", fields, token=token_for(alice)), 400, code, field=field)


@pytest.mark.parametrize("order_by", ["share_name", "updated_at", "description", "created_at"])
@pytest.mark.parametrize("direction", ["ASC", "DESC"])
def test_list_pages_through_every_share_exactly_once(alice, tree, order_by, direction):
    made = {
        make_share(alice, [tree.top], share_name=f"s{i % 4}", description=f"d{i % 3}").share_id
        for i in range(23)
    }
    # Equal timestamps too, so the tie-break on share_id is exercised.
    ShareLink.objects.update(created_at=datetime(2024, 1, 1, tzinfo=UTC))
    seen: list[str] = []
    marker = ""
    while True:
        body = {"limit": 5, "marker": marker, "order_by": order_by, "order_direction": direction}
        response = call("share_link/list", body, token=token_for(alice))
        seen += ids(response)
        marker = response.json()["next_marker"]
        if not marker:
            break

    assert sorted(seen) == sorted(made)
    keys = [getattr(ShareLink.objects.get(pk=s), order_by) for s in seen]
    assert keys == sorted(keys, reverse=direction == "DESC")


def test_a_marker_made_for_one_order_is_refused_for_another(alice, tree):
    for i in range(3):
        make_share(alice, [tree.top], share_name=f"s{i}")
    token = token_for(alice)
    marker = call("share_link/list", {"limit": 1}, token=token).json()["next_marker"]

    response = call(
        "share_link/list", {"limit": 1, "marker": marker, "order_by": "share_name"}, token=token
    )

    assert_error(response, 400, "InvalidParameter", field="marker")


def test_search_without_query_returns_the_callers_shares_and_total(alice, shares):
    response = call("share_link/search", {"return_total_count": True}, token=token_for(alice))

    assert set(ids(response)) == {shares["a1"].share_id, shares["a2"].share_id}
    assert response.json()["total_count"] == 2


def test_search_has_no_total_unless_asked(alice, shares):
    assert "total_count" not in call("share_link/search", {}, token=token_for(alice)).json()


def test_search_by_fuzzy_name(alice, shares):
    body = {"query": "share_name_for_fuzzy match 'photo'"}

    assert ids(call("share_link/search", body, token=token_for(alice))) == [shares["a1"].share_id]


def test_search_by_status_list_and_dates(alice, shares):
    shares["a2"].status = "disabled"
    shares["a2"].save()
    yesterday = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")
    query = f"created_at>='{yesterday}' and status in ['disabled']"

    response = call("share_link/search", {"query": query}, token=token_for(alice))

    assert ids(response) == [shares["a2"].share_id]


def test_search_by_never_expiring(alice, shares):
    shares["a1"].expiration = timezone.now() + timedelta(days=3)
    shares["a1"].save()
    query = "expired_time='1970-01-01T00:00:00'"

    response = call("share_link/search", {"query": query}, token=token_for(alice))

    assert ids(response) == [shares["a2"].share_id]


def test_search_by_expiring_after_a_date(alice, shares):
    shares["a1"].expiration = timezone.now() + timedelta(days=3)
    shares["a1"].save()
    tomorrow = (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")

    response = call(
        "share_link/search", {"query": f'expired_time > "{tomorrow}"'}, token=token_for(alice)
    )

    assert ids(response) == [shares["a1"].share_id]


def test_search_with_the_documented_example_query(alice, shares):
    # The documented example, with its end date moved ahead of whenever the suite runs.
    until = (timezone.now() + timedelta(days=365)).strftime("%Y-%m-%dT%H:%M:%S")
    query = (
        f"created_at>='2022-01-18T02:50:00' and created_at<'{until}' and "
        "share_name_for_fuzzy match 'Budget' and status in ['enabled','disabled'] and "
        "expired_time='1970-01-01T00:00:00'"
    )

    assert ids(call("share_link/search", {"query": query}, token=token_for(alice))) == [
        shares["a2"].share_id
    ]


@pytest.mark.parametrize(
    "query",
    [
        "share_name_for_fuzzy match",
        "status = 'paused'",
        "colour = 'red'",
        "created_at >= 'yesterday'",
        "created_at > '9999-12-31T23:59:59-23:59'",
        "status in 'enabled'",
        "status = 'enabled' or status = 'disabled'",
        "status = 'enabled",
    ],
)
def test_search_refuses_a_query_it_cannot_read(alice, shares, query):
    response = call("share_link/search", {"query": query}, token=token_for(alice))

    assert_error(response, 400, "InvalidParameter", field="query")


def test_search_refuses_a_query_over_4096_characters(alice, shares):
    query = "share_name_for_fuzzy match '" + "x" * 4100 + "'"

    assert_error(
        call("share_link/search", {"query": query}, token=token_for(alice)),
        400,
        "InvalidParameterOutOfRange",
        field="query",
    )


def test_search_naming_another_creator_is_forbidden_to_a_user(alice, bob, shares):
    body = {"creators": [alice.user_id, bob.user_id]}

    assert_error(
        call("share_link/search", body, token=token_for(alice)), 403, "ForbiddenNoPermission"
    )


def test_an_admin_searches_named_creators(root_admin, alice, bob, shares):
    body = {"creators": [bob.user_id]}

    assert ids(call("share_link/search", body, token=token_for(root_admin))) == [
        shares["b1"].share_id
    ]


def test_search_limit_defaults_to_100_and_pages(alice, tree):
    for i in range(105):
        make_share(alice, [tree.top], share_name=f"s{i}")
    token = token_for(alice)

    first = call("share_link/search", {}, token=token).json()
    second = call("share_link/search", {"marker": first["next_marker"]}, token=token).json()

    assert len(first["items"]) == 100
    assert len(second["items"]) == 5
    assert second["next_marker"] == ""
