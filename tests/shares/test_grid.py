"""The grid view of a listing (`?view=grid`): tiles, and the layout kept on every link."""

import html
import re

import pytest

from shareportal.shares.embedding import embed_sites_set

from .stubs import DATA, add_list, add_share, add_token, file_json, url

pytestmark = pytest.mark.django_db

SHARE = "sAvciMEXKRz"
LANDING = f"/s/{SHARE}/"
FOLDER = f"/s/{SHARE}/folder/d1/"
HOSTILE = '"><img src=x onerror=alert(1)>_a.b'


@pytest.fixture
def opened(pds):
    """A share whose folder d1 (Photos) is at its top."""
    add_share(pds, SHARE, share_name="Trip")
    add_token(pds, SHARE)
    pds.post(url("file/get"), json=file_json("d1", "Photos", folder=True, parent="root"))


def _image(file_id: str, name: str) -> dict:
    return file_json(
        file_id,
        name,
        parent="d1",
        category="image",
        thumbnail=f"{DATA}/thumb/{file_id}?sig=a",
        url=f"{DATA}/preview/{file_id}?sig=b",
    )


def _tiles(page: str) -> list[str]:
    return re.findall(r'<li class="tile[^"]*">.*?</li>', page, re.DOTALL)


def _hrefs(page: str) -> list[str]:
    return [html.unescape(href) for href in re.findall(r'href="([^"]*)"', page)]


def test_the_grid_shows_a_tile_per_item_with_a_lazy_thumbnail_of_reserved_size(client, pds, opened):
    items = [
        file_json("d2", "Beach", folder=True, parent="d1"),
        _image("i1", "sea.jpg"),
        file_json("f1", "notes.txt", parent="d1", size=2048),
    ]
    add_list(pds, items, parent_file_id="d1")

    page = client.get(FOLDER + "?view=grid").content.decode()

    assert '<ul class="tiles" role="list">' in page
    assert '<table class="files">' not in page
    folder, image, text = _tiles(page)
    assert f'<a href="{FOLDER.replace("d1", "d2")}?view=grid"><bdi>Beach</bdi></a>' in folder
    assert "Folder" in folder
    thumb = re.search(r'<img class="tile__thumb"[^>]*>', image).group()
    for attribute in (
        f'src="{DATA}/thumb/i1?sig=a"',
        'width="256"',
        'height="192"',
        'loading="lazy"',
        'decoding="async"',
        'alt=""',
    ):
        assert attribute in thumb
    assert 'title="sea.jpg"' in image
    assert "sea.<wbr>jpg" in image
    assert f'<a class="tile__media" href="/s/{SHARE}/file/i1/">' in image
    assert 'class="icon icon--text tile__icon"' in text
    assert "2.0\xa0KB" in text
    assert f'href="/s/{SHARE}/download/f1/"' in text


def test_the_grid_keeps_the_checkboxes_of_download_selected(client, pds, opened):
    items = [file_json("d2", "Beach", folder=True, parent="d1"), file_json("f1", "a.txt")]
    add_list(pds, items, parent_file_id="d1")

    page = client.get(FOLDER + "?view=grid").content.decode()

    form = page.split('id="pick-form">')[1].split("</form>")[0]
    assert '<ul class="tiles" role="list">' in form
    assert 'name="pick_folder" value="d2" aria-label="Select Beach"' in form
    assert 'name="pick_file" value="f1" aria-label="Select a.txt"' in form
    assert "Download selected" in form


def test_the_switch_links_both_layouts_and_marks_the_current_one(client, pds, opened):
    add_list(pds, [], parent_file_id="d1")
    add_list(pds, [], parent_file_id="d1")

    listed = client.get(FOLDER + "?sort=size&dir=desc").content.decode()
    grid = client.get(FOLDER + "?sort=size&dir=desc&view=grid").content.decode()

    for page, current in ((listed, "list"), (grid, "grid")):
        switch = page.split('<nav class="view-switch" aria-label="Layout">')[1].split("</nav>")[0]
        links = dict(re.findall(r'view-switch__link--(\w+)"[^>]*>(\w+)</a>', switch))
        assert links == {"list": "List", "grid": "Grid"}
        assert f'view-switch__link--{current}" aria-current="true"' in switch
        hrefs = _hrefs(switch)
        assert hrefs == [f"{FOLDER}?sort=size&dir=desc", f"{FOLDER}?sort=size&dir=desc&view=grid"]
    assert '<table class="files">' in listed


def test_paging_and_sorting_in_the_grid_keep_it(client, pds, opened):
    add_list(pds, [file_json("f1", "a.txt")], parent_file_id="d1", next_marker="page-2")

    page = client.get(FOLDER + "?view=grid").content.decode()

    more = page.split('<li class="more-item">')[1].split("</li>")[0]
    next_page = f"{FOLDER}?sort=name&dir=asc&view=grid&marker=page-2"
    assert f'hx-get="{html.escape(next_page)}" hx-target="closest li"' in more
    assert f'href="{html.escape(next_page)}"' in more
    sort = page.split('<nav class="sort-links" aria-label="Sort by">')[1].split("</nav>")[0]
    assert _hrefs(sort) == [
        f"{FOLDER}?sort=name&dir=desc&view=grid",
        f"{FOLDER}?sort=size&dir=asc&view=grid",
        f"{FOLDER}?sort=modified&dir=asc&view=grid",
    ]


def test_htmx_load_more_in_the_grid_returns_tiles_alone(client, pds, opened):
    add_list(pds, [file_json("f2", "b.txt")], parent_file_id="d1", next_marker="page-3")

    response = client.get(FOLDER + "?view=grid&marker=page-2", headers={"HX-Request": "true"})

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<li class="tile">')
    assert "<html" not in body and "<tr" not in body and "<ul" not in body
    assert "b.txt" in body
    assert html.escape(f"{FOLDER}?sort=name&dir=asc&view=grid&marker=page-3") in body
    assert "Back to the first page" not in body  # Only the page's own top says so.


def test_a_later_grid_page_links_back_to_the_first_grid_page(client, pds, opened):
    add_list(pds, [file_json("f2", "b.txt")], parent_file_id="d1")

    page = client.get(FOLDER + "?view=grid&marker=page-2").content.decode()

    back = page.split('<p class="continuation">')[1].split("</p>")[0]
    assert _hrefs(back) == [f"{FOLDER}?sort=name&dir=asc&view=grid"]


def test_breadcrumbs_and_the_search_form_keep_the_grid(client, pds, opened):
    add_list(pds, [], parent_file_id="d1")

    page = client.get(FOLDER + "?view=grid").content.decode()

    crumbs = page.split('aria-label="Breadcrumb">')[1].split("</nav>")[0]
    assert _hrefs(crumbs) == [f"{LANDING}?view=grid"]
    search = page.split('<form class="search"')[1].split("</form>")[0]
    assert '<input type="hidden" name="view" value="grid">' in search


def test_the_list_adds_nothing_to_its_links(client, pds, opened):
    add_list(pds, [file_json("d2", "Beach", folder=True, parent="d1")], parent_file_id="d1")

    page = client.get(FOLDER).content.decode()

    assert "view=grid" not in page.replace(f"{FOLDER}?sort=name&amp;dir=asc&amp;view=grid", "")
    assert f'<a href="{FOLDER.replace("d1", "d2")}"><bdi>Beach</bdi></a>' in page
    assert 'name="view"' not in page


@pytest.mark.parametrize("view", ["tiles", "GRID", "", "<script>"])
def test_an_unknown_view_falls_back_to_the_list(client, pds, opened, view):
    add_list(pds, [file_json("f1", "a.txt")], parent_file_id="d1")

    response = client.get(FOLDER, {"view": view})

    assert response.status_code == 200
    page = response.content.decode()
    assert '<table class="files">' in page
    assert "<script>" not in page.split("<body")[1].replace("<script src=", "")


def test_the_landing_page_has_the_grid_too(client, pds, opened):
    add_list(pds, [_image("i1", "sea.jpg")], parent_file_id="root")

    page = client.get(LANDING + "?view=grid").content.decode()

    assert '<ul class="tiles" role="list">' in page
    assert f'src="{DATA}/thumb/i1?sig=a"' in page


def test_hostile_names_are_escaped_in_tiles(client, pds, opened):
    items = [
        file_json("d2", HOSTILE, folder=True, parent="d1"),
        file_json("f1", "<script>alert(1)</script>.txt", parent="d1"),
    ]
    add_list(pds, items, parent_file_id="d1")

    page = client.get(FOLDER + "?view=grid").content.decode()

    tiles = "".join(_tiles(page))
    assert "<img src=x" not in tiles
    assert "<script>alert" not in page
    assert 'title="&#34;&gt;&lt;img src=x onerror=alert(1)&gt;_a.b"' in tiles
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;_<wbr>a.<wbr>b" in tiles
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.<wbr>txt" in tiles


def test_the_grid_of_a_share_without_downloads_has_no_download_button(client, pds):
    add_share(pds, SHARE, share_name="Trip", disable_download=True)
    add_token(pds, SHARE)
    pds.post(url("file/get"), json=file_json("d1", "Photos", folder=True, parent="root"))
    add_list(pds, [_image("i1", "sea.jpg")], parent_file_id="d1")

    page = client.get(FOLDER + "?view=grid").content.decode()

    tile = _tiles(page)[0]
    assert "Download" not in tile
    assert "Preview" in tile


def test_the_embed_view_keeps_the_grid_in_its_own_links(client, pds, opened, settings):
    settings.EMBED_ALLOWED_ORIGINS = ["https://host.example"]
    embed_sites_set(share_id=SHARE, origins=["https://host.example"], by="u1")
    add_list(pds, [file_json("d2", "Beach", folder=True, parent="d1")], parent_file_id="d1")

    response = client.get(f"/e/{SHARE}/folder/d1/?view=grid", secure=True)

    page = response.content.decode()
    assert response.status_code == 200, page
    assert f'<a href="/e/{SHARE}/folder/d2/?view=grid"><bdi>Beach</bdi></a>' in page
    switch = page.split('<nav class="view-switch"')[1].split("</nav>")[0]
    assert f"/e/{SHARE}/folder/d1/?sort=name&amp;dir=asc" in switch


def test_search_results_in_the_grid_keep_it_on_their_links_and_next_page(client, pds, opened):
    hit = file_json("f1", "sea_view.jpg", parent="d1") | {
        "parent_path": [{"file_id": "d1", "name": "Photos"}]
    }
    pds.post(url("file/search"), json={"items": [hit], "next_marker": "m2"})

    page = client.get(f"/s/{SHARE}/search/", {"q": "sea", "view": "grid"}).content.decode()

    tile = _tiles(page)[0]
    assert "<mark>sea</mark>_<wbr>view.<wbr>jpg" in tile
    assert f'<a href="{FOLDER}?view=grid" class="tile__place">' in tile
    more = page.split('<li class="more-item">')[1].split("</li>")[0]
    assert html.escape(f"/s/{SHARE}/search/?q=sea&view=grid&marker=m2") in more
    crumbs = page.split('aria-label="Breadcrumb">')[1].split("</nav>")[0]
    assert _hrefs(crumbs) == [f"{LANDING}?view=grid"]
    switch = page.split('<nav class="view-switch"')[1].split("</nav>")[0]
    assert _hrefs(switch) == [f"/s/{SHARE}/search/?q=sea", f"/s/{SHARE}/search/?q=sea&view=grid"]
