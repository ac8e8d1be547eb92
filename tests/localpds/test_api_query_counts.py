"""How many queries the visitor's operations make: a fixed few, whatever the page holds.

A share page calls these on every view, so a query added per item (or per request, for what
the share row already says) shows up here before it shows up in production.
"""

import pytest

from .api_helpers import call, drive_of, make_file, make_share, share_token_of

pytestmark = [pytest.mark.urls("localpds.urls"), pytest.mark.django_db]


@pytest.fixture
def big_share(alice, tree):
    for i in range(60):
        image = i % 5 == 0
        make_file(
            drive_of(alice),
            f"item-{i:02d}.{'jpg' if image else 'txt'}",
            parent=tree.sub,
            category="image" if image else "doc",
        )
    return make_share(alice, [tree.shared, tree.secret])


def listing(share, token, parent_file_id):
    body = {"share_id": share.share_id, "parent_file_id": parent_file_id, "limit": 50}
    response = call("file/list", body, share_token=token)
    assert response.status_code == 200, response.content
    return response.json()


def test_a_50_item_page_of_a_shared_subfolder_takes_three_queries(
    big_share, tree, django_assert_num_queries
):
    token = share_token_of(big_share)
    # The share (token check), the folder (is it inside the share?), the page.
    with django_assert_num_queries(3):
        page = listing(big_share, token, tree.sub.file_id)
    assert len(page["items"]) == 50 and page["next_marker"]


def test_the_top_of_a_share_takes_two_queries_and_reports_root(
    big_share, tree, django_assert_num_queries
):
    token = share_token_of(big_share)
    with django_assert_num_queries(2):
        page = listing(big_share, token, "root")
    assert {(i["file_id"], i["parent_file_id"]) for i in page["items"]} == {
        (tree.shared.file_id, "root"),
        (tree.secret.file_id, "root"),
    }


def test_the_next_page_costs_the_same(big_share, tree, django_assert_num_queries):
    token = share_token_of(big_share)
    marker = listing(big_share, token, tree.sub.file_id)["next_marker"]
    body = {"share_id": big_share.share_id, "parent_file_id": tree.sub.file_id, "marker": marker}
    with django_assert_num_queries(3):
        response = call("file/list", body, share_token=token)
    assert len(response.json()["items"]) == 61 - 50


def test_get_by_anonymous_takes_two_queries(big_share, django_assert_num_queries):
    # The share with its creator, and how many of its items still exist.
    with django_assert_num_queries(2):
        response = call("share_link/get_by_anonymous", {"share_id": big_share.share_id})
    assert response.json()["file_count"] == 2


def test_get_share_token_takes_two_queries(big_share, django_assert_num_queries):
    # The share (without its creator: only creator_id is read), and the access counter's UPDATE.
    with django_assert_num_queries(2) as queries:
        share_token_of(big_share)
    assert "localpds_user" not in queries.captured_queries[0]["sql"]


def test_get_share_id_reads_the_share_once(alice, tree, django_assert_max_num_queries):
    share = make_share(alice, [tree.shared], share_policy="msg", share_msg="hello there")
    # Besides the guard's counters (a code is a secret): one read of the share.
    with django_assert_max_num_queries(20) as queries:
        response = call("share_link/get_share_id", {"share_msg": "hello there"})
    assert response.json()["share_id"] == share.share_id
    reads = [q["sql"] for q in queries.captured_queries if "localpds_sharelink" in q["sql"]]
    assert len(reads) == 1


def test_a_file_through_a_share_takes_two_queries(big_share, tree, django_assert_num_queries):
    token = share_token_of(big_share)
    body = {"share_id": big_share.share_id, "file_id": tree.deep.file_id}
    # The share, the file (previews are counted by share_link/report_event).
    with django_assert_num_queries(2):
        response = call("file/get", body, share_token=token)
    assert response.json()["parent_file_id"] == tree.sub.file_id


def test_a_download_url_through_a_share_reads_no_field_the_token_check_left_out(
    big_share, tree, django_assert_num_queries
):
    token = share_token_of(big_share)
    body = {"share_id": big_share.share_id, "file_id": tree.top.file_id}
    # The share, the file, the download counter's UPDATE: no query for a deferred field.
    with django_assert_num_queries(3):
        response = call("file/get_download_url", body, share_token=token)
    assert response.status_code == 200, response.content


def test_a_share_of_all_files_lists_its_top_in_two_queries(alice, tree, django_assert_num_queries):
    share = make_share(alice, [], share_all_files=True)
    token = share_token_of(share)
    with django_assert_num_queries(2):
        page = listing(share, token, "root")
    assert {i["name"] for i in page["items"]} == {"shared", "secret.txt", "other"}
    assert {i["parent_file_id"] for i in page["items"]} == {"root"}
