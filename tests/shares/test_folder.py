"""Browsing a folder of a share: listing, breadcrumbs, sorting, paging, htmx rows."""

import json

import pytest
from responses import matchers

from .stubs import (
    DATA,
    TOKEN,
    add_error,
    add_list,
    add_share,
    add_token,
    calls_to,
    file_json,
    url,
)

pytestmark = pytest.mark.django_db

SHARE = "sAvciMEXKRz"
FOLDER = f"/s/{SHARE}/folder/d2/"


@pytest.fixture
def opened(client, pds):
    """A visitor who opened the share, then its top folder d1 (Photos), which holds d2 (Beach)."""
    add_share(pds, SHARE, share_name="Trip")
    add_token(pds, SHARE)
    add_list(pds, [file_json("d1", "Photos", folder=True, parent="outside")], parent_file_id="root")
    add_list(pds, [file_json("d2", "Beach", folder=True, parent="d1")], parent_file_id="d1")
    assert client.get(f"/s/{SHARE}/").status_code == 200
    assert client.get(f"/s/{SHARE}/folder/d1/").status_code == 200
    pds.reset()
    return client


def _body(call) -> dict:
    return json.loads(call.request.body)


def test_a_folder_opened_from_its_listing_costs_one_pds_call(opened, pds):
    add_list(pds, [file_json("f1", "sand.txt", parent="d2")], parent_file_id="d2")

    response = opened.get(FOLDER)

    assert response.status_code == 200
    assert len(pds.calls) == 1
    page = response.content.decode()
    assert "sand.txt" in page
    assert '<nav class="crumbs" aria-label="Breadcrumb">' in page
    crumbs = page.split('aria-label="Breadcrumb">')[1].split("</nav>")[0]
    assert f'<a href="/s/{SHARE}/"><bdi>Trip</bdi></a>' in crumbs
    assert f'<a href="/s/{SHARE}/folder/d1/"><bdi>Photos</bdi></a>' in crumbs
    assert '<span aria-current="page"><bdi>Beach</bdi></span>' in crumbs
    assert "<title>Beach · Trip · shareportal</title>" in page
    assert "<bdi>Beach</bdi>\n</h1>" in page


def test_a_row_shows_the_day_it_changed_with_the_exact_time_in_its_time_element(
    opened, pds, settings
):
    settings.TIME_ZONE = "Asia/Tokyo"
    items = [
        file_json("f1", "sand.txt", parent="d2", updated_at="2026-01-02T20:30:00.000Z"),
        file_json("f2", "sea.txt", parent="d2", updated_at="2026-01-02T10:00:00.000Z"),
        file_json("f3", "sun.txt", parent="d2", updated_at="2026-01-03T01:00:00.000Z"),
    ]
    add_list(pds, items, parent_file_id="d2")

    page = opened.get(FOLDER).content.decode()

    # 20:30 in UTC is the next morning in Tokyo: the day shown is the visitor's.
    assert '<time datetime="2026-01-03T05:30:00+09:00">01/03/2026</time>' in page
    assert '<time datetime="2026-01-02T19:00:00+09:00">01/02/2026</time>' in page
    assert '<time datetime="2026-01-03T10:00:00+09:00">01/03/2026</time>' in page


def test_breadcrumbs_of_a_folder_never_listed_are_walked_up_once(client, pds):
    add_share(pds, SHARE, share_name="Trip")
    add_token(pds, SHARE)
    add_list(pds, [], parent_file_id="d3")
    for file_id, name, parent in [("d3", "Day 1", "d2"), ("d2", "Beach", "d1")]:
        pds.post(
            url("file/get"),
            json=file_json(file_id, name, folder=True, parent=parent),
            match=[matchers.json_params_matcher({"file_id": file_id}, strict_match=False)],
        )
    pds.post(
        url("file/get"),
        json=file_json("d1", "Photos", folder=True, parent="outside"),
        match=[matchers.json_params_matcher({"file_id": "d1"}, strict_match=False)],
    )
    add_error(
        pds,
        "file/get",
        404,
        "NotFound.File",
        match=[matchers.json_params_matcher({"file_id": "outside"}, strict_match=False)],
    )

    first = client.get(f"/s/{SHARE}/folder/d3/").content.decode()
    gets = len(calls_to(pds, "file/get"))
    client.get(f"/s/{SHARE}/folder/d3/")

    assert "<bdi>Photos</bdi></a>" in first
    assert "<bdi>Beach</bdi></a>" in first
    assert '<span aria-current="page"><bdi>Day 1</bdi></span>' in first
    assert gets == 4  # d3, d2, d1, and "outside" (not in the share: d1 is a top item)
    assert len(calls_to(pds, "file/get")) == gets  # the second visit walks nothing
    assert all(c.request.headers["x-share-token"] == TOKEN for c in calls_to(pds, "file/get"))


def test_a_folder_outside_the_share_is_a_404(opened, pds):
    add_error(pds, "file/list", 404, "NotFound.File")

    response = opened.get(f"/s/{SHARE}/folder/elsewhere/")

    assert response.status_code == 404
    assert "not in the share" in response.content.decode()


def test_listings_are_sorted_by_name_ascending_unless_asked(opened, pds):
    add_list(pds, [], parent_file_id="d2")

    opened.get(FOLDER)

    body = _body(pds.calls[0])
    assert (body["order_by"], body["order_direction"], body["limit"]) == ("name", "ASC", 50)
    assert body["share_id"] == SHARE


@pytest.mark.parametrize(
    ("query", "order_by", "direction"),
    [
        ("?sort=size&dir=desc", "size", "DESC"),
        ("?sort=modified&dir=asc", "updated_at", "ASC"),
        ("?sort=name&dir=desc", "name", "DESC"),
    ],
)
def test_the_sort_in_the_url_is_passed_to_pds(opened, pds, query, order_by, direction):
    add_list(pds, [], parent_file_id="d2")

    response = opened.get(FOLDER + query)

    assert response.status_code == 200
    body = _body(pds.calls[0])
    assert (body["order_by"], body["order_direction"]) == (order_by, direction)


@pytest.mark.parametrize(
    "query",
    ["?sort=created_at", "?sort=name;drop", "?dir=up", "?dir=DESC", "?marker=" + "m" * 5000],
)
def test_a_sort_or_page_we_do_not_know_is_a_400_without_asking_pds(opened, pds, query):
    response = opened.get(FOLDER + query)

    assert response.status_code == 400
    assert "This address is not valid" in response.content.decode()
    assert len(pds.calls) == 0


def test_column_headers_sort_and_flip_the_current_direction(opened, pds):
    add_list(pds, [], parent_file_id="d2")

    page = opened.get(FOLDER + "?sort=size&dir=asc").content.decode()

    assert 'aria-sort="ascending"' in page
    assert f'href="{FOLDER}?sort=size&amp;dir=desc"' in page
    assert f'href="{FOLDER}?sort=name&amp;dir=asc"' in page


def test_a_long_folder_has_a_next_page_link_and_a_load_more_button(opened, pds):
    add_list(pds, [file_json("f1", "a.txt")], parent_file_id="d2", next_marker="page-2")

    page = opened.get(FOLDER + "?sort=size&dir=desc").content.decode()

    next_page = f"{FOLDER}?sort=size&amp;dir=desc&amp;marker=page-2"
    assert f'<a class="button no-js-only" href="{next_page}">Next page</a>' in page
    assert f'hx-get="{next_page}"' in page
    assert "Load more" in page


def test_the_next_page_is_asked_from_pds_by_its_marker(opened, pds):
    add_list(pds, [file_json("f51", "later.txt")], parent_file_id="d2", marker="page-2")

    response = opened.get(FOLDER + "?marker=page-2")

    assert response.status_code == 200
    page = response.content.decode()
    assert "later.txt" in page
    assert "Back to the first page" in page
    assert "Next page" not in page


def test_a_marker_as_long_as_a_long_file_name_makes_still_pages(opened, pds):
    # The embedded PDS's markers carry the last row's sort value: base64 of a 1,024-character
    # name is about 1,450 characters.
    marker = "m" * 1500
    add_list(pds, [file_json("f51", "later.txt")], parent_file_id="d2", marker=marker)

    response = opened.get(f"{FOLDER}?marker={marker}")

    assert response.status_code == 200
    assert "later.txt" in response.content.decode()


def test_an_htmx_load_more_returns_only_the_rows(opened, pds):
    add_list(
        pds,
        [file_json("f51", "later.txt"), file_json("d9", "More", folder=True)],
        parent_file_id="d2",
        marker="page-2",
        next_marker="page-3",
    )

    response = opened.get(FOLDER + "?marker=page-2", headers={"HX-Request": "true"})

    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<tr class="file-row">')
    assert "<html" not in page
    assert "<thead>" not in page
    assert "later.txt" in page
    assert f'hx-get="{FOLDER}?sort=name&amp;dir=asc&amp;marker=page-3"' in page
    assert "HX-Request" in response["Vary"]
    assert len(pds.calls) == 1


def test_an_htmx_load_more_on_the_landing_page_returns_only_the_rows(opened, pds):
    add_list(pds, [file_json("f51", "later.txt")], parent_file_id="root", marker="page-2")

    response = opened.get(f"/s/{SHARE}/?marker=page-2", headers={"HX-Request": "true"})

    assert "<html" not in response.content.decode()
    assert "later.txt" in response.content.decode()
    assert len(pds.calls) == 1


def test_a_pds_failure_during_load_more_reloads_the_page_to_show_it(opened, pds):
    add_error(pds, "file/list", 404, "NotFound.File")

    response = opened.get(FOLDER + "?marker=page-2", headers={"HX-Request": "true"})

    assert response["HX-Redirect"] == FOLDER + "?marker=page-2"


def test_the_full_page_varies_on_htmx_too(opened, pds):
    add_list(pds, [], parent_file_id="d2")

    assert "HX-Request" in opened.get(FOLDER)["Vary"]


def test_images_get_a_thumbnail_only_from_a_trusted_host_and_preview_on_their_page(opened, pds):
    add_list(
        pds,
        [
            file_json(
                "i1",
                "sea.jpg",
                category="image",
                thumbnail=f"{DATA}/thumb/i1?sig=a",
                url=f"{DATA}/preview/i1?sig=b",
            ),
            file_json(
                "i2",
                "sky.jpg",
                category="image",
                thumbnail="https://evil.example/t.jpg",
                url="https://evil.example/p.jpg",
            ),
        ],
        parent_file_id="d2",
    )

    page = opened.get(FOLDER).content.decode()

    assert f'src="{DATA}/thumb/i1?sig=a"' in page
    # "Preview" opens the portal's preview page, where previews are counted, never the drive's
    # raw URL (which would go round the share's preview limit).
    for file_id in ("i1", "i2"):
        assert f'<a class="button button--small" href="/s/{SHARE}/file/{file_id}/">Preview' in page
    assert "/preview/i1" not in page
    assert "evil.example" not in page


def test_folder_pages_without_the_share_facts_ask_pds_for_them_once(client, pds):
    add_share(pds, SHARE, share_name="Trip")
    add_token(pds, SHARE)
    add_list(pds, [], parent_file_id="d1")
    pds.post(url("file/get"), json=file_json("d1", "Photos", folder=True, parent="root"))

    response = client.get(f"/s/{SHARE}/folder/d1/")
    client.get(f"/s/{SHARE}/folder/d1/")

    assert response.status_code == 200
    assert len(calls_to(pds, "share_link/get_by_anonymous")) == 1


def test_a_password_share_folder_without_a_token_asks_for_the_password(client, pds):
    add_share(pds, SHARE, has_pwd=True)

    response = client.get(FOLDER)

    assert response.status_code == 302
    assert response["Location"] == f"/s/{SHARE}/?next=%2Fs%2F{SHARE}%2Ffolder%2Fd2%2F"
    assert calls_to(pds, "file/list") == []


def test_posting_to_a_folder_is_refused(opened, pds):
    assert opened.post(FOLDER).status_code == 405


@pytest.mark.parametrize("file_id", ["a.b", "x" * 200, "a/b", "a b"])
def test_a_file_id_our_urls_cannot_carry_is_a_bad_answer_not_a_crash(client, pds, file_id):
    add_share(pds, SHARE)
    add_token(pds, SHARE)
    add_list(pds, [file_json("f1", "ok.txt"), file_json(file_id, "odd", folder=True)])

    response = client.get(f"/s/{SHARE}/")

    assert response.status_code == 502
    assert "The drive cannot be reached" in response.content.decode()


def test_a_breadcrumb_parent_our_urls_cannot_carry_is_a_bad_answer(client, pds):
    add_share(pds, SHARE)
    add_token(pds, SHARE)
    add_list(pds, [], parent_file_id="d3")
    pds.post(url("file/get"), json=file_json("d3", "Day 1", folder=True, parent="../d2"))

    response = client.get(f"/s/{SHARE}/folder/d3/")

    assert response.status_code == 502


def test_a_folder_address_naming_a_file_is_a_404(client, pds):
    add_share(pds, SHARE)
    add_token(pds, SHARE)
    # As some PDS versions answer: a file has no children, rather than an error.
    add_list(pds, [], parent_file_id="f9")
    pds.post(url("file/get"), json=file_json("f9", "report.pdf", parent="root"))

    response = client.get(f"/s/{SHARE}/folder/f9/")

    assert response.status_code == 404
    assert "report.pdf" not in response.content.decode()
