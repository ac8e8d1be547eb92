"""ZIP downloads: "Download all", "Download folder", "Download selected", progress, the file."""

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
START = f"/s/{SHARE}/zip/"
TASK = "0f3e9a7c5b1d4e2f8a6c0b9d7e5f3a1c"
ZIP_URL = f"{DATA}/data/archives/{TASK}?e=1&s=abc"
FOLDER_ID = "d" * 40
FILE_ID = "f" * 40


def _open(client, pds, items=None, **share):
    """The visitor opens the share's landing page (which lists its top)."""
    add_share(pds, SHARE, **share)
    add_token(pds, SHARE)
    add_list(pds, items if items is not None else [])
    assert client.get(f"/s/{SHARE}/").status_code == 200
    pds.reset()


def _task_json(state="Succeed", **fields) -> dict:
    return {
        "async_task_id": TASK,
        "state": state,
        "url": ZIP_URL if state in ("Succeed", "PartialSucceed") else "",
        "total_process": 3,
        "consumed_process": 3 if state != "Running" else 1,
        "error_code": "",
        "error_message": "",
        "total_size": 3072,
    } | fields


def _add_archive(pds, file_ids: list[str], name: str) -> None:
    pds.post(
        url("file/archive_files"),
        status=202,
        json={"async_task_id": TASK},
        match=[
            matchers.header_matcher({"x-share-token": TOKEN}),
            matchers.json_params_matcher({"share_id": SHARE, "file_ids": file_ids, "name": name}),
        ],
    )


def _add_task(pds, **fields) -> None:
    pds.post(
        url("async_task/get"),
        json=_task_json(**fields),
        match=[
            matchers.header_matcher({"x-share-token": TOKEN}),
            matchers.json_params_matcher({"async_task_id": TASK}),
        ],
    )


def _start(client, pds, file_ids, name="Holiday photos", **post):
    _add_archive(pds, file_ids, name)
    response = client.post(START, post)
    assert response.status_code == 303, response.content
    progress = response["Location"]
    assert progress.startswith(START) and TASK not in progress
    return progress


def test_the_landing_page_offers_download_all_and_a_checkbox_per_row(client, pds):
    add_share(pds, SHARE)
    add_token(pds, SHARE)
    add_list(
        pds, [file_json(FOLDER_ID, "Trip", folder=True), file_json(FILE_ID, "<b>notes</b>.txt")]
    )
    page = client.get(f"/s/{SHARE}/").content.decode()
    assert 'name="all" value="1"' in page
    assert f'name="pick_folder" value="{FOLDER_ID}"' in page
    assert f'name="pick_file" value="{FILE_ID}"' in page
    assert "Download selected" in page and "data-select-all" in page
    assert "<b>notes</b>" not in page and "&lt;b&gt;notes&lt;/b&gt;" in page


def test_a_share_without_downloads_offers_no_zip(client, pds):
    add_share(pds, SHARE, disable_download=True)
    add_token(pds, SHARE)
    add_list(pds, [file_json(FILE_ID, "a.txt")])
    page = client.get(f"/s/{SHARE}/").content.decode()
    assert "Download selected" not in page and 'name="all"' not in page
    # The checkboxes stay for "Save to my drive"; with saving off too, there are none.
    assert "Save to my drive" in page
    add_share(pds, "bBvciMEXKRz", disable_download=True, disable_save=True)
    add_token(pds, "bBvciMEXKRz")
    add_list(pds, [file_json(FILE_ID, "a.txt")])
    page = client.get("/s/bBvciMEXKRz/").content.decode()
    assert "pick_file" not in page and "Save to my drive" not in page
    pds.reset()
    assert client.post(START, {"pick_file": FILE_ID}).status_code == 403


def test_download_selected_names_the_picked_items_then_shows_progress(client, pds):
    _open(client, pds)
    progress = _start(client, pds, [FOLDER_ID, FILE_ID], pick_folder=FOLDER_ID, pick_file=FILE_ID)
    _add_task(pds, state="Running")
    page = client.get(progress)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<progress max="3" value="1">' in html
    assert "1 of 3 files" in html
    assert 'hx-trigger="every 2s"' in html
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in html
    # The token and the drive's URL stay on the server.
    assert TOKEN not in html and DATA not in html


def test_download_all_names_every_top_item(client, pds):
    _open(client, pds)
    add_list(pds, [file_json(FOLDER_ID, "Trip", folder=True)], next_marker="m1")
    add_list(pds, [file_json(FILE_ID, "a.txt")], marker="m1")
    _start(client, pds, [FOLDER_ID, FILE_ID], all="1")


def test_download_all_past_100_top_items_offers_the_folders_one_by_one(client, pds):
    _open(client, pds)
    items = [file_json(f"{n:040x}", f"folder {n}", folder=True) for n in range(101)]
    add_list(pds, items)
    response = client.post(START, {"all": "1"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Too much for one ZIP" in page
    assert page.count('name="pick_folder"') == 101
    assert not calls_to(pds, "file/archive_files")


def test_download_folder_names_the_zip_after_the_folder(client, pds):
    _open(client, pds, [file_json(FOLDER_ID, "Trip 2024", folder=True)])
    _start(client, pds, [FOLDER_ID], name="Trip 2024", pick_folder=FOLDER_ID)


def test_a_selection_too_big_for_the_drive_says_so_and_offers_its_folders(client, pds):
    _open(client, pds, [file_json(FOLDER_ID, "Trip", folder=True)])
    add_error(pds, "file/archive_files", 400, "ArchiveTooLarge")
    response = client.post(START, {"pick_folder": FOLDER_ID, "pick_file": FILE_ID})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Too much for one ZIP" in page
    assert f'name="pick_folder" value="{FOLDER_ID}"' in page and "Trip" in page


@pytest.mark.parametrize(
    "post",
    [
        {},
        {"pick_file": [f"{n:040x}" for n in range(101)]},
        {"pick_file": "../../etc"},
    ],
)
def test_nothing_or_too_much_picked_is_refused_before_the_drive_is_asked(client, pds, post):
    _open(client, pds)
    response = client.post(START, post)
    assert response.status_code == 400
    assert "Choose what to download" in response.content.decode()


def test_starting_a_zip_needs_post(client, pds):
    assert client.get(START).status_code == 405


def test_the_download_limit_reached_is_explained(client, pds):
    _open(client, pds)
    add_error(pds, "file/archive_files", 403, "ShareLink.DownloadLimitExceeded")
    response = client.post(START, {"pick_file": FILE_ID})
    assert response.status_code == 403
    assert "download limit" in response.content.decode()


def test_a_finished_zip_starts_downloading_and_the_file_view_redirects(client, pds):
    _open(client, pds)
    progress = _start(client, pds, [FILE_ID], pick_file=FILE_ID)
    _add_task(pds)
    html = client.get(progress).content.decode()
    assert f'<meta http-equiv="refresh" content="0;url={progress}file/">' in html
    assert "3 of 3 files" in html and "3.0\xa0KB" in html
    _add_task(pds)
    response = client.get(f"{progress}file/")
    assert response.status_code == 302
    assert response["Location"] == ZIP_URL


def test_htmx_polling_swaps_the_block_then_redirects_to_the_file(client, pds):
    _open(client, pds)
    progress = _start(client, pds, [FILE_ID], pick_file=FILE_ID)
    _add_task(pds, state="Running")
    block = client.get(progress, headers={"HX-Request": "true"})
    assert block["Vary"].count("HX-Request") == 1
    html = block.content.decode()
    assert html.lstrip().startswith('<div id="zip-progress"')
    assert "<html" not in html
    _add_task(pds)
    done = client.get(progress, headers={"HX-Request": "true"})
    assert done["HX-Redirect"] == f"{progress}file/"


def test_partial_success_says_which_files_were_left_out(client, pds):
    _open(client, pds)
    progress = _start(client, pds, [FILE_ID], pick_file=FILE_ID)
    skipped = [
        {"file_id": "x1", "name": "<i>lost</i>.txt", "code": "NotFound.FileContent"},
        {"file_id": "x2", "name": "", "code": "NotFound.File"},
    ]
    _add_task(pds, state="PartialSucceed", skipped_files=skipped)
    html = client.get(progress).content.decode()
    assert "some items could not be put in it" in html
    assert "&lt;i&gt;lost&lt;/i&gt;.txt" in html and "its contents are missing" in html
    assert "An item that is no longer in this share" in html
    assert 'http-equiv="refresh"' not in html  # the visitor reads, then downloads
    assert f'href="{progress}file/"' in html


def test_a_failed_zip_says_so_and_offers_no_download(client, pds):
    _open(client, pds)
    progress = _start(client, pds, [FILE_ID], pick_file=FILE_ID)
    skipped = [{"file_id": FILE_ID, "name": "", "code": "NotFound.File"}]
    _add_task(pds, state="Failed", error_code="NotFound.File", skipped_files=skipped)
    html = client.get(progress).content.decode()
    assert "could not be made" in html
    assert "Download the ZIP" not in html
    _add_task(pds, state="Failed")
    assert client.get(f"{progress}file/")["Location"] == progress


@pytest.mark.parametrize(
    "forge",
    [
        lambda ref: ref[:-1] + ("A" if ref[-1] != "A" else "B"),  # a changed signature
        lambda ref: TASK,  # a bare task id
    ],
)
def test_a_task_reference_not_signed_for_this_share_opens_nothing(client, pds, forge):
    _open(client, pds)
    progress = _start(client, pds, [FILE_ID], pick_file=FILE_ID)
    ref = progress.removeprefix(START).rstrip("/")
    forged = f"{START}{forge(ref)}/"
    add_share(pds, SHARE)
    assert client.get(forged).status_code == 404
    assert client.get(f"{forged}file/").status_code == 404
    assert not calls_to(pds, "async_task/get")


def test_a_reference_of_one_share_does_not_open_another(client, pds):
    _open(client, pds)
    progress = _start(client, pds, [FILE_ID], pick_file=FILE_ID)
    other = "OtherShare1"
    add_share(pds, other)
    response = client.get(progress.replace(SHARE, other))
    assert response.status_code == 404
    assert not calls_to(pds, "async_task/get")


def test_a_zip_url_on_an_untrusted_host_is_refused(client, pds):
    _open(client, pds)
    progress = _start(client, pds, [FILE_ID], pick_file=FILE_ID)
    _add_task(pds, url="https://evil.example/zip")
    assert client.get(f"{progress}file/").status_code == 502


def test_the_archive_call_is_never_retried(client, pds):
    _open(client, pds)
    add_error(pds, "file/archive_files", 503, "ServiceUnavailable")
    # A busy drive is a 503 page (errors.Busy); what matters here is the single call.
    assert client.post(START, {"pick_file": FILE_ID}).status_code == 503
    assert len(calls_to(pds, "file/archive_files")) == 1
    body = json.loads(calls_to(pds, "file/archive_files")[0].request.body)
    assert body["file_ids"] == [FILE_ID]


def test_a_form_of_another_site_cannot_start_a_zip(client, pds):
    _open(client, pds)
    response = client.post(
        START, {"pick_file": FILE_ID}, headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403
    assert not calls_to(pds, "file/archive_files")


def test_the_same_site_starts_a_zip_without_a_csrf_cookie(pds):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    add_share(pds, SHARE)
    add_token(pds, SHARE)
    add_list(pds, [file_json(FILE_ID, "a.txt")])
    landing = browser.get(f"/s/{SHARE}/")
    assert not landing.cookies  # the listing's forms need no cookie
    pds.reset()
    _add_archive(pds, [FILE_ID], "Holiday photos")
    response = browser.post(START, {"pick_file": FILE_ID}, headers={"Origin": "http://testserver"})
    assert response.status_code == 303


def test_a_zip_started_in_the_embed_view_stays_in_the_frame(client, pds, settings):
    from shareportal.shares.embedding import embed_sites_set

    settings.EMBED_ALLOWED_ORIGINS = ["https://host.example"]
    embed_sites_set(share_id=SHARE, origins=["https://host.example"], by="u1")
    add_share(pds, SHARE)
    add_token(pds, SHARE)
    add_list(pds, [file_json(FILE_ID, "a.txt")])
    page = client.get(f"/e/{SHARE}/", secure=True).content.decode()
    assert f'action="/e/{SHARE}/zip/"' in page
    _add_archive(pds, [FILE_ID], "Holiday photos")
    response = client.post(
        f"/e/{SHARE}/zip/",
        {"pick_file": FILE_ID},
        secure=True,
        headers={"Origin": "https://testserver"},
    )
    assert response.status_code == 303
    assert response["Location"].startswith(f"/e/{SHARE}/zip/")
    _add_task(pds)
    progress = client.get(response["Location"], secure=True)
    assert progress.status_code == 200
    assert "frame-ancestors 'self' https://host.example" in progress["Content-Security-Policy"]
    html = progress.content.decode()
    assert f"url=/e/{SHARE}/zip/" in html
    assert "embed-parent-origins" in html  # the frame's own head kept
