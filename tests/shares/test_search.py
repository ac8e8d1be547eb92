"""Searching inside a share: the drive's share search, its fallback walk, and bad input."""

import json

import pytest
from django.test import override_settings
from responses import matchers

from shareportal.shares import selectors

from .stubs import TOKEN, add_error, add_list, add_share, add_token, calls_to, file_json, url

pytestmark = pytest.mark.django_db

SHARE = "sAvciMEXKRz"
SEARCH = f"/s/{SHARE}/search/"


def hit(file_id: str, name: str, path: list[tuple[str, str]] = (), **fields) -> dict:
    """A `file/search` item through a share, with its `parent_path` (the drive's extension)."""
    return file_json(file_id, name, **fields) | {
        "parent_path": [{"file_id": f, "name": n} for f, n in path]
    }


def add_search(pds, items: list[dict], *, next_marker: str = "", **body) -> None:
    match = [matchers.header_matcher({"x-share-token": TOKEN})]
    if body:
        match.append(matchers.json_params_matcher(body, strict_match=False))
    pds.post(url("file/search"), json={"items": items, "next_marker": next_marker}, match=match)


@pytest.fixture
def opened(pds):
    add_share(pds, SHARE, share_name="Trip")
    add_token(pds, SHARE)


def test_the_landing_and_folder_pages_offer_a_search_of_the_whole_share(client, pds, opened):
    add_list(pds, [file_json("d1", "Photos", folder=True, parent="root")], parent_file_id="root")
    add_list(pds, [], parent_file_id="d1")

    landing = client.get(f"/s/{SHARE}/").content.decode()
    folder = client.get(f"/s/{SHARE}/folder/d1/").content.decode()

    for page in (landing, folder):
        assert f'<form class="search" role="search" method="get" action="{SEARCH}">' in page
        assert 'type="search" name="q"' in page
        assert "in the whole share, not only this folder" in page
    # The form costs the folder page no call: its listing only (facts and token were held).
    assert len(calls_to(pds, "file/list")) == 2
    assert not calls_to(pds, "file/search")


def test_a_search_asks_the_drive_with_the_share_token_and_shows_where_each_file_is(
    client, pds, opened
):
    add_search(
        pds,
        [
            hit("f1", "beach-day.txt", [("d1", "Photos"), ("d2", "Beach")], parent="d2"),
            hit("d3", "Beach", [], folder=True, parent="root"),
        ],
    )

    response = client.get(SEARCH, {"q": "beach"})

    assert response.status_code == 200
    body = json.loads(calls_to(pds, "file/search")[0].request.body)
    assert body == {
        "share_id": SHARE,
        "query": "name match 'beach'",
        "limit": 50,
        "order_by": "name ASC",
    }
    page = response.content.decode()
    assert "<bdi><mark>beach</mark>-day.txt</bdi>" in page
    assert (
        f'<a href="/s/{SHARE}/folder/d2/" class="place"><bdi>Trip</bdi> / <bdi>Photos</bdi>'
        " / <bdi>Beach</bdi></a>"
    ) in page
    assert f'href="/s/{SHARE}/download/f1/"' in page
    # A folder found links to itself, and its place is the share's top.
    assert f'<a href="/s/{SHARE}/folder/d3/"><bdi><mark>Beach</mark></bdi></a>' in page
    assert f'<a href="/s/{SHARE}/" class="place"><bdi>Trip</bdi></a>' in page
    assert TOKEN not in page


def test_the_folders_of_the_results_need_no_walk_for_their_breadcrumbs(client, pds, opened):
    add_search(pds, [hit("f1", "sand.txt", [("d1", "Photos"), ("d2", "Beach")], parent="d2")])
    client.get(SEARCH, {"q": "sand"})
    add_list(pds, [], parent_file_id="d2")

    page = client.get(f"/s/{SHARE}/folder/d2/").content.decode()

    assert not calls_to(pds, "file/get")
    assert f'<a href="/s/{SHARE}/folder/d1/"><bdi>Photos</bdi></a>' in page


@pytest.mark.parametrize(
    ("typed", "query"),
    [
        ("it's", "name match 'it\\'s'"),
        ("back\\slash", "name match 'back\\\\slash'"),
        ("100%_", "name match '100%_'"),
        ("' or name match '", "name match '\\' or name match \\''"),
    ],
)
def test_what_the_visitor_typed_stays_one_quoted_value(client, pds, opened, typed, query):
    add_search(pds, [])

    client.get(SEARCH, {"q": typed})

    assert json.loads(calls_to(pds, "file/search")[0].request.body)["query"] == query


def test_hostile_names_are_escaped_and_highlighted_by_splitting_text(client, pds, opened):
    name = "<img src=x onerror=alert(1)>\u202e<b>x</b>"
    add_search(pds, [hit("f1", name, [("d1", '"><script>alert(2)</script>')], parent="d1")])

    page = client.get(SEARCH, {"q": "<b>"}).content.decode()

    assert "<img src=x" not in page
    assert "<script>alert(2)" not in page
    assert "\u202e" not in page
    assert "<bdi>&lt;img src=x onerror=alert(1)&gt;<mark>&lt;b&gt;</mark>x&lt;/b&gt;</bdi>" in page
    assert "<bdi>&#34;&gt;&lt;script&gt;alert(2)&lt;/script&gt;</bdi>" in page


def test_nothing_found_says_so_with_what_was_typed(client, pds, opened):
    add_search(pds, [])

    page = client.get(SEARCH, {"q": "<zebra>"}).content.decode()

    assert "Nothing in this share has a name containing “<bdi>&lt;zebra&gt;</bdi>”." in page
    assert 'value="&lt;zebra&gt;"' in page


def test_more_results_load_with_htmx_or_a_plain_next_page_link(client, pds, opened):
    add_search(pds, [hit("f1", "a.txt")], next_marker="M1")

    page = client.get(SEARCH, {"q": "a"}).content.decode()

    assert f'hx-get="{SEARCH}?q=a&amp;marker=M1"' in page
    assert f'<a class="button no-js-only" href="{SEARCH}?q=a&amp;marker=M1">Next page</a>' in page


def test_htmx_gets_the_next_results_alone_from_the_marker(client, pds, opened):
    add_search(pds, [hit("f2", "b.txt")], marker="M1")

    response = client.get(SEARCH, {"q": "b", "marker": "M1"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<tr class="file-row search-row">')
    assert "<mark>b</mark>" in html
    assert "<html" not in html
    assert "Load more" not in html  # the last page
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "Type part of a file or folder name to look for."),
        ({"q": "   "}, "Type part of a file or folder name to look for."),
        ({"q": "x" * 10_000}, "Type at most 200 characters to look for."),
        ({"q": "a\x00b"}, "Null characters are not allowed."),
        ({"q": "a\x1bb"}, "Type letters, digits and punctuation only."),
        ({"q": "a", "start": "-1"}, ""),
        ({"q": "a", "start": "many"}, ""),
    ],
)
def test_bad_input_is_a_400_that_says_why_without_asking_the_drive_to_search(
    client, pds, opened, params, message
):
    response = client.get(SEARCH, params)

    assert response.status_code == 400
    page = response.content.decode()
    assert '<form class="search"' in page
    assert message in page
    assert not calls_to(pds, "file/search")


def test_a_search_of_a_password_share_without_its_token_goes_to_the_password_form(client, pds):
    add_share(pds, SHARE, has_pwd=True)

    response = client.get(SEARCH, {"q": "a"})

    assert response.status_code == 302
    assert response["Location"] == f"/s/{SHARE}/?next=%2Fs%2F{SHARE}%2Fsearch%2F%3Fq%3Da"


def test_a_wrong_method_is_refused(client, pds):
    assert client.post(SEARCH, {"q": "a"}).status_code == 405


def test_a_share_the_drive_says_is_gone_shows_its_page(client, pds, opened):
    add_error(pds, "file/search", 400, "ShareLink.Cancelled")

    response = client.get(SEARCH, {"q": "a"})

    assert response.status_code == 410


# A drive without share search (a real PDS domain) refuses it: the share is walked instead.


@pytest.fixture
def no_share_search(pds, opened):
    """A drive that wants `drive_id` on file/search, as a real PDS domain does."""
    add_error(pds, "file/search", 400, "InvalidParameterMissing")
    pds.replace(
        "POST",
        url("file/search"),
        status=400,
        json={
            "code": "InvalidParameterMissing",
            "message": "The input parameter drive_id is not valid. drive_id is required",
            "requestId": "r",
        },
    )


def test_without_share_search_the_folders_are_walked_and_the_page_says_so(
    client, pds, no_share_search
):
    add_list(
        pds,
        [
            file_json("d1", "Photos", folder=True, parent="root"),
            file_json("f0", "photo list.txt", parent="root"),
        ],
        parent_file_id="root",
    )
    add_list(
        pds,
        [file_json("d2", "Old photos", folder=True, parent="d1"), file_json("f1", "x.txt")],
        parent_file_id="d1",
    )
    add_list(pds, [file_json("f2", "PHOTO-1.jpg", parent="d2")], parent_file_id="d2")

    page = client.get(SEARCH, {"q": "photo"}).content.decode()

    assert "its folders were looked through one by one" in page
    assert "there may be more matches" not in page
    # Breadth first: the top's matches, then the folders below.
    found = [part.split("</bdi>")[0] for part in page.split('<td class="col-name">')[1:]]
    assert len(found) == 4
    assert "<mark>PHOTO</mark>-1.jpg" in found[3]
    assert (
        f'<a href="/s/{SHARE}/folder/d2/" class="place"><bdi>Trip</bdi> / <bdi>Photos</bdi>'
        " / <bdi>Old photos</bdi></a>"
    ) in page
    bodies = [json.loads(c.request.body) for c in calls_to(pds, "file/list")]
    assert [b["parent_file_id"] for b in bodies] == ["root", "d1", "d2"]
    assert all(c.request.headers["x-share-token"] == TOKEN for c in calls_to(pds, "file/list"))


def test_the_walk_stops_at_its_limits_and_says_there_may_be_more(
    client, pds, no_share_search, monkeypatch
):
    monkeypatch.setattr(selectors, "WALK_MAX_LISTINGS", 2)
    monkeypatch.setattr("shareportal.shares.views.WALK_MAX_LISTINGS", 2)
    folders = [file_json(f"d{i}", f"folder {i}", folder=True, parent="root") for i in range(5)]
    add_list(pds, folders, parent_file_id="root")
    add_list(pds, [file_json("f0", "match.txt", parent="d0")], parent_file_id="d0")

    page = client.get(SEARCH, {"q": "match"}).content.decode()

    assert len(calls_to(pds, "file/list")) == 2
    assert "The search stopped after 2 folder pages or 2500 items" in page
    assert "<mark>match</mark>.txt" in page


def test_the_walk_follows_a_folder_page_by_page_within_the_item_limit(
    client, pds, no_share_search, monkeypatch
):
    monkeypatch.setattr(selectors, "WALK_MAX_ITEMS", 3)
    # The page after P2 first: a call with that marker matches it before the first page's stub.
    add_list(pds, [file_json("a3", "m3"), file_json("a4", "m4")], next_marker="P3", marker="P2")
    add_list(pds, [file_json("a1", "m1"), file_json("a2", "m2")], next_marker="P2")

    page = client.get(SEARCH, {"q": "m"}).content.decode()

    markers = [json.loads(c.request.body).get("marker", "") for c in calls_to(pds, "file/list")]
    assert markers == ["", "P2"]
    assert page.count('class="file-row search-row"') == 4
    assert "there may be more matches" in page


def test_later_pages_of_a_walk_are_reached_by_position_without_js(
    client, pds, no_share_search, monkeypatch
):
    monkeypatch.setattr(selectors, "SEARCH_PAGE_SIZE", 2)
    add_list(
        pds,
        [file_json(f"f{i}", f"note {i}.txt", parent="root") for i in range(5)],
        parent_file_id="root",
    )

    first = client.get(SEARCH, {"q": "note"}).content.decode()
    third = client.get(SEARCH, {"q": "note", "start": "4"}).content.decode()

    assert first.count('class="file-row search-row"') == 2
    assert f'href="{SEARCH}?q=note&amp;start=2">Next page</a>' in first
    assert third.count('class="file-row search-row"') == 1
    assert "note 4.txt" in third.replace("<mark>", "").replace("</mark>", "")
    assert "Next page</a>" not in third
    # A later page of a walk does not ask the drive to search again.
    assert len(calls_to(pds, "file/search")) == 1


@pytest.mark.parametrize(
    ("status", "code", "message"),
    [
        (401, "AccessTokenInvalid", "AccessToken is invalid"),
        (403, "ForbiddenNoPermission", "No permission"),
        (404, "InvalidResource.Path", "no such path"),
    ],
)
def test_other_refusals_of_share_search_fall_back_to_the_walk(
    client, pds, opened, status, code, message
):
    pds.post(url("file/search"), status=status, json={"code": code, "message": message})
    add_list(pds, [file_json("f1", "found.txt", parent="root")], parent_file_id="root")

    response = client.get(SEARCH, {"q": "found"})

    assert response.status_code == 200
    assert "looked through one by one" in response.content.decode()


def test_a_drive_that_is_down_is_not_taken_for_one_without_search(client, pds, opened):
    add_error(pds, "file/search", 500, "InternalError")

    response = client.get(SEARCH, {"q": "a"})

    assert response.status_code == 502
    assert not calls_to(pds, "file/list")


@override_settings(LANGUAGE_CODE="en")
def test_highlighting_keeps_the_name_as_it_is_around_every_match():
    assert selectors.highlight_parts("Beach bEACH", "beach") == [
        ("Beach", True),
        (" ", False),
        ("bEACH", True),
    ]
    assert selectors.highlight_parts("İstanbul.txt", "stan") == [
        ("İ", False),
        ("stan", True),
        ("bul.txt", False),
    ]
    assert selectors.highlight_parts("a.b", ".") == [("a", False), (".", True), ("b", False)]


def test_a_drive_refusing_our_query_itself_is_not_taken_for_one_without_search(client, pds, opened):
    pds.post(
        url("file/search"),
        status=400,
        json={"code": "InvalidParameter", "message": "The input parameter query is not valid."},
    )

    response = client.get(SEARCH, {"q": "a"})

    assert response.status_code == 400
    assert not calls_to(pds, "file/list")


def test_a_position_in_the_address_never_makes_a_drive_with_search_walk_the_share(
    client, pds, opened
):
    add_search(pds, [hit("f1", "plans.txt")])

    response = client.get(SEARCH, {"q": "plans", "start": "40"})

    assert response.status_code == 200
    assert "plans.txt" in response.content.decode().replace("<mark>", "").replace("</mark>", "")
    assert len(calls_to(pds, "file/search")) == 1
    assert calls_to(pds, "file/list") == []
