"""The preview page of a share's files, against the real embedded drive over HTTP.

Each kind of file of the demo's open share, the hostile contents of the hostile share, the
512 KB cut of a long text, the owner's switches and limits, and the steps between files.
"""

import html
import re
import secrets

import pytest
import requests

pytestmark = pytest.mark.django_db

FILE_LINK = re.compile(r'<a href="(/s/[^"]+/file/[^"]+/)"><bdi>(.*?)</bdi></a>', re.S)
FOLDER_LINK = re.compile(r'<a href="(/s/[^"]+/folder/[^"]+/)"><bdi>(.*?)</bdi></a>', re.S)
PREVIEW = re.compile(r'<section class="preview preview--(\w+)"[^>]*>(.*?)</section>', re.S)
STEPS = re.compile(r'<nav class="file-steps"[^>]*>(.*?)</nav>', re.S)


def read_name(markup: str) -> str:
    """A name as read: without the places it may wrap at (<wbr>), entities read."""
    return html.unescape(markup.replace("<wbr>", ""))


def links(page: str, pattern: re.Pattern = FILE_LINK) -> dict[str, str]:
    return {read_name(name): href for href, name in pattern.findall(page)}


def share_page(client, share_id: str, *folders: str) -> str:
    """The share's landing page, or the folder reached by following `folders` by name.

    A share of one folder opens straight into it: its landing page is that folder's listing,
    so a path into such a share starts below its folder.
    """
    page = client.get(f"/s/{share_id}/").content.decode()
    for name in folders:
        page = client.get(links(page, FOLDER_LINK)[name]).content.decode()
    return page


def demo_id(live_pds, key: str) -> str:
    return live_pds.demo["shares"][key]["share_id"]


def open_file(client, share_id: str, name: str, *folders: str):
    """The response of the preview page of `name`, reached by clicking it in its folder."""
    return client.get(links(share_page(client, share_id, *folders))[name])


def preview_of(response) -> tuple[str, str]:
    """The kind and the markup of the page's preview section."""
    assert response.status_code == 200, response.content[:500]
    kind, inner = PREVIEW.search(response.content.decode()).groups()
    return kind, inner


def shown_text(markup: str) -> str:
    """What a reader sees of `markup`: its text, tags removed and entities read."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def steps(response) -> dict[str, str]:
    """The names of the previous and next files the page links to."""
    found = STEPS.search(response.content.decode())
    if not found:
        return {}
    return {
        rel: read_name(name)
        for rel, name in re.findall(r'rel="(prev|next)"[^>]*>.*?<bdi>(.*?)</bdi>', found.group(1))
    }


def facts(live_pds, share_id: str) -> dict:
    return live_pds.post("share_link/get_by_anonymous", {"share_id": share_id}).json()


TRIP = "Trip to the coast"


def test_every_file_name_in_a_folder_links_to_its_preview_page(client, live_pds, portal_settings):
    page = share_page(client, demo_id(live_pds, "open"), TRIP)

    names = links(page)

    assert {"README.md", "itinerary.pdf", "notes.txt", "clip.webm", "packing.py"} <= set(names)
    assert all(re.fullmatch(r"/s/DemoOpen001/file/[\w-]+/", href) for href in names.values())


def test_an_image_is_shown_fitted_with_its_full_size_on_demand(client, live_pds, portal_settings):
    response = open_file(client, demo_id(live_pds, "open"), "beach.png", TRIP, "Photos")

    kind, inner = preview_of(response)
    assert kind == "image"
    src = re.search(r'<img class="preview__image" src="([^"]+)"', inner).group(1)
    assert html.unescape(src).startswith(f"{live_pds.url}/data/")
    page = response.content.decode()
    assert f'href="{src}" target="_blank" rel="noopener noreferrer">Full size' in page
    image = requests.get(html.unescape(src), timeout=10)
    assert image.headers["Content-Type"] == "image/png"


def test_the_images_of_a_folder_are_a_gallery(client, live_pds, portal_settings):
    share_id = demo_id(live_pds, "open")
    first = open_file(client, share_id, "beach.png", TRIP, "Photos")

    assert steps(first) == {"next": "sunset.jpg"}
    nxt = re.search(r'rel="next" href="([^"]+)"', first.content.decode()).group(1)
    second = client.get(nxt)
    assert steps(second) == {"prev": "beach.png"}
    assert preview_of(second)[0] == "image"


def test_other_files_step_through_the_files_of_their_folder_by_name(
    client, live_pds, portal_settings
):
    response = open_file(client, demo_id(live_pds, "open"), "notes.txt", TRIP)

    assert steps(response) == {"prev": "map.svg", "next": "packing.py"}
    crumbs = response.content.decode().split('aria-label="Breadcrumb">')[1].split("</nav>")[0]
    assert TRIP in crumbs and "notes.txt" in crumbs


@pytest.mark.parametrize(
    ("name", "tag", "content_type"),
    [("clip.webm", "video", "video/webm"), ("waves.wav", "audio", "audio/x-wav")],
)
def test_video_and_audio_play_from_the_drive_with_ranges(
    client, live_pds, portal_settings, name, tag, content_type
):
    folders = (TRIP, "Audio") if tag == "audio" else (TRIP,)
    response = open_file(client, demo_id(live_pds, "open"), name, *folders)

    kind, inner = preview_of(response)
    assert kind == tag
    src = html.unescape(re.search(rf'<{tag} class="[^"]+" src="([^"]+)" controls', inner).group(1))
    assert src.startswith(f"{live_pds.url}/data/")
    assert live_pds.url in response["Content-Security-Policy"].split("media-src")[1].split(";")[0]
    part = requests.get(src, headers={"Range": "bytes=0-99"}, timeout=10)
    assert part.status_code == 206
    assert part.headers["Content-Type"] == content_type
    assert len(part.content) == 100


def test_a_pdf_is_framed_from_the_data_host_with_a_fallback_link(client, live_pds, portal_settings):
    response = open_file(client, demo_id(live_pds, "open"), "itinerary.pdf", TRIP)

    kind, inner = preview_of(response)
    assert kind == "pdf"
    src = html.unescape(re.search(r'<iframe class="preview__pdf" src="([^"]+)"', inner).group(1))
    assert src.startswith(f"{live_pds.url}/data/")
    assert "Open the PDF in a new tab" in inner
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["frame-src"] == live_pds.url
    assert policy["frame-ancestors"] == "'none'"
    served = requests.get(src, timeout=10)
    assert served.headers["Content-Type"] == "application/pdf"
    assert "frame-ancestors http://testserver" in served.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in served.headers


def test_other_pages_frame_nothing(client, live_pds, portal_settings):
    response = open_file(client, demo_id(live_pds, "open"), "notes.txt", TRIP)

    assert "frame-src" not in response["Content-Security-Policy"]


def test_text_is_shown_escaped_with_line_numbers(client, live_pds, portal_settings):
    response = open_file(client, demo_id(live_pds, "open"), "notes.txt", TRIP)

    kind, inner = preview_of(response)
    assert kind == "text"
    assert 'class="linenos"' in inner
    assert "Don&#39;t forget the camera charger!" in inner or "Don't forget" in inner
    assert "stylesheet" in response.content.decode() and "css/pygments" in response.content.decode()
    assert "style=" not in inner


def test_code_is_highlighted_with_classes(client, live_pds, portal_settings):
    response = open_file(client, demo_id(live_pds, "open"), "packing.py", TRIP)

    kind, inner = preview_of(response)
    assert kind == "text"
    assert '<span class="k">def</span>' in inner
    assert '<span class="nf">missing</span>' in inner


def test_markdown_is_rendered(client, live_pds, portal_settings):
    response = open_file(client, demo_id(live_pds, "open"), "README.md", TRIP)

    kind, inner = preview_of(response)
    assert kind == "markdown"
    assert "<h2>Trip to the coast</h2>" in inner  # one level down: the page's <h1> is the name
    assert "<strong>photos</strong>" in inner
    assert "<blockquote>" in inner


@pytest.mark.parametrize("name", ["postcard.html", "map.svg"])
def test_html_and_svg_of_the_open_share_are_shown_as_source(
    client, live_pds, portal_settings, name
):
    response = open_file(client, demo_id(live_pds, "open"), name, TRIP)

    kind, inner = preview_of(response)
    assert kind == "text"
    assert "<script>alert" not in inner
    assert "<script>alert(" in shown_text(inner)
    assert "<iframe" not in inner and "<img" not in inner and "<svg" not in inner


def test_hostile_contents_are_escaped_or_dropped(client, live_pds, portal_settings):
    share_id = demo_id(live_pds, "hostile")
    folder = ("Hostile contents",)

    for name in ("page.html", "drawing.svg", "script.txt"):
        response = open_file(client, share_id, name, *folder)
        kind, inner = preview_of(response)
        page = response.content.decode()
        assert kind == "text", name
        assert "<script>alert" not in page, name
        assert "<svg" not in inner and "<img" not in inner and "<iframe" not in inner, name
        assert "<script>alert(" in shown_text(inner), name

    kind, inner = preview_of(open_file(client, share_id, "links.md", *folder))
    assert kind == "markdown"
    hrefs = re.findall(r'<a [^>]*href="([^"]*)"', inner)
    assert hrefs == ["https://example.com/coast"]  # no javascript:, no data:, no raw <a>
    tags = re.findall(r"<[a-z][^>]*>", inner)
    assert not [t for t in tags if t.startswith(("<script", "<img", "<iframe", "<svg"))]
    assert not [t for t in tags if re.search(r"\son\w+=", t)]
    assert "<script>alert(" in shown_text(inner)  # raw HTML is shown as text
    assert '<a href="https://example.com/coast" rel="nofollow noopener ugc">a fine one</a>' in inner
    for anchor in re.findall(r"<a [^>]*>", inner):
        assert 'rel="nofollow noopener ugc"' in anchor


def test_the_drive_sandboxes_html_and_svg_previews(client, live_pds, portal_settings):
    owner_share = live_pds.post(
        "share_link/get", {"share_id": demo_id(live_pds, "open")}, user="alice"
    ).json()
    items = live_pds.post(
        "file/list",
        {
            "drive_id": owner_share["drive_id"],
            "parent_file_id": owner_share["file_id_list"][0],
            "fields": "url",
        },
        user="alice",
    ).json()["items"]
    for item in items:
        if item["name"] in ("postcard.html", "map.svg"):
            served = requests.get(item["url"], timeout=10)
            assert served.headers["Content-Security-Policy"] == "sandbox", item["name"]
            assert "X-Frame-Options" in served.headers


# Shares made for these tests, of files imported into alice's drive.


@pytest.fixture(scope="module")
def imported(live_pds, tmp_path_factory) -> dict:
    """A folder of alice's with a long text, a small one and a binary file with a .txt name."""
    root = tmp_path_factory.mktemp("preview-import") / "Preview tests"
    root.mkdir()
    line = "".join(f"{i % 10}" for i in range(99)) + "\n"  # 100 bytes a line
    (root / "long.txt").write_text(line * 6000 + "THE END\n")  # 600,008 bytes
    (root / "short.txt").write_text("short and sweet\n")
    (root / "binary.txt").write_bytes(b"\x00\x01\x02 not text" * 100)
    live_pds.manage("localpds_import", "alice", str(root))
    drive = live_pds.post("drive/list_my_drives", {}, user="alice").json()["items"][0]["drive_id"]
    top = live_pds.post("file/list", {"drive_id": drive, "parent_file_id": "root"}, user="alice")
    folder = next(i for i in top.json()["items"] if i["name"] == "Preview tests")
    return {"drive_id": drive, "folder_id": folder["file_id"]}


def new_share(live_pds, imported, **settings) -> str:
    body = {"drive_id": imported["drive_id"], "file_id_list": [imported["folder_id"]]}
    created = live_pds.post("share_link/create", body | settings, user="alice")
    assert created.status_code == 201, created.text
    return created.json()["share_id"]


def test_a_long_text_is_cut_at_512_kb_and_says_so(client, live_pds, portal_settings, imported):
    share_id = new_share(live_pds, imported)

    response = open_file(client, share_id, "long.txt")

    kind, inner = preview_of(response)
    assert kind == "text"
    assert "the preview stops after 512 KB" in inner
    assert "THE END" not in inner
    # Whole lines only: 524,288 bytes hold 5,242 lines of 100 bytes.
    assert inner.count("0123456789") // 9 == 5242
    assert ">5242</span>" in inner and ">5243</span>" not in inner


def test_a_short_text_is_not_said_to_be_cut(client, live_pds, portal_settings, imported):
    share_id = new_share(live_pds, imported)

    _kind, inner = preview_of(open_file(client, share_id, "short.txt"))

    assert "short and sweet" in inner
    assert "512 KB" not in inner


def test_a_binary_file_named_as_text_has_no_preview(client, live_pds, portal_settings, imported):
    share_id = new_share(live_pds, imported)

    response = open_file(client, share_id, "binary.txt")

    _kind, inner = preview_of(response)
    assert "There is no preview of this kind of file." in inner
    assert "not text" not in inner
    assert "Download" in response.content.decode()


def test_each_preview_is_counted_by_the_drive(client, live_pds, portal_settings, imported):
    share_id = new_share(live_pds, imported)
    page = share_page(client, share_id)

    for _ in range(3):
        assert client.get(links(page)["short.txt"]).status_code == 200

    assert facts(live_pds, share_id)["preview_count"] == 3


def test_past_the_preview_limit_the_page_says_so_and_still_offers_the_download(
    client, live_pds, portal_settings, imported
):
    share_id = new_share(live_pds, imported, preview_limit=1)
    page = share_page(client, share_id)

    first = client.get(links(page)["short.txt"])
    second = client.get(links(page)["short.txt"])

    assert "short and sweet" in preview_of(first)[1]
    _kind, inner = preview_of(second)
    assert "This share's preview limit has been reached." in inner
    assert "short and sweet" not in inner
    assert "/download/" in second.content.decode()
    assert facts(live_pds, share_id)["preview_count"] == 1


def test_a_share_without_previews_says_so_and_counts_nothing(
    client, live_pds, portal_settings, imported
):
    share_id = new_share(live_pds, imported, disable_preview=True)

    response = open_file(client, share_id, "short.txt")

    _kind, inner = preview_of(response)
    assert "The person who shared this turned previews off." in inner
    assert "short and sweet" not in inner
    assert "short.txt" in response.content.decode()
    assert "/download/" in response.content.decode()
    assert facts(live_pds, share_id)["preview_count"] == 0


def test_a_share_without_downloads_still_previews_and_says_saving_is_possible(
    client, live_pds, portal_settings, imported
):
    share_id = new_share(live_pds, imported, disable_download=True)

    response = open_file(client, share_id, "short.txt")

    assert "short and sweet" in preview_of(response)[1]
    page = response.content.decode()
    assert "can still be saved by a determined visitor" in page
    assert "/download/" not in page


def test_a_folder_id_goes_to_the_folder_page(client, live_pds, portal_settings, imported):
    share_id = new_share(live_pds, imported)

    response = client.get(f"/s/{share_id}/file/{imported['folder_id']}/")

    assert response.status_code == 302
    assert response["Location"] == f"/s/{share_id}/folder/{imported['folder_id']}/"


def test_a_file_outside_the_share_is_not_found(client, live_pds, portal_settings, imported):
    share_id = new_share(live_pds, imported)
    outside = links(share_page(client, demo_id(live_pds, "open")))["welcome.txt"]
    file_id = outside.rstrip("/").rsplit("/", 1)[1]

    response = client.get(f"/s/{share_id}/file/{file_id}/")

    assert response.status_code == 404


def test_head_is_refused_because_a_preview_counts(client, live_pds, portal_settings, imported):
    share_id = new_share(live_pds, imported)
    href = links(share_page(client, share_id))["short.txt"]

    assert client.head(href).status_code == 405
    assert facts(live_pds, share_id)["preview_count"] == 0


def test_a_password_share_sends_a_new_visitor_to_its_form(
    client, live_pds, portal_settings, imported
):
    password = secrets.token_urlsafe(8)
    share_id = new_share(live_pds, imported, share_pwd=password)
    folder = imported["folder_id"]

    response = client.get(f"/s/{share_id}/file/{folder}/")

    assert response.status_code == 302
    assert response["Location"].startswith(f"/s/{share_id}/")
