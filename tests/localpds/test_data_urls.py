"""The signed data URLs of the embedded PDS: downloads, previews and thumbnails."""

import io
import time
from urllib.parse import quote, unquote

import pytest
from django.test import RequestFactory
from PIL import Image

from localpds import dataurls
from localpds.storage import file_create, folder_create, user_create

from .api_helpers import assert_error, call, token_for

pytestmark = [pytest.mark.django_db, pytest.mark.urls("localpds.urls")]

CONTENT = bytes(range(256)) * 4  # 1,024 bytes, every byte value


@pytest.fixture
def drive():
    return user_create(user_name="carol", password="pw", role="user").drives.get()


@pytest.fixture
def stored(drive):
    return file_create(drive=drive, parent=None, name="data.bin", content=CONTENT)


def signed(file_id: str, kind: str = "download", expire_sec: int = 900) -> str:
    url, _ = dataurls.data_url(RequestFactory().get("/"), file_id, kind, expire_sec)
    return url.removeprefix("http://testserver")


def png_bytes(size=(640, 480), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, (200, 30, 30) if mode == "RGB" else (200, 30, 30, 128)).save(
        buffer, "PNG"
    )
    return buffer.getvalue()


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_url_is_absolute_and_expires_when_it_says(stored):
    url, expires = dataurls.data_url(RequestFactory().get("/"), stored.file_id, "download", 60)
    assert url.startswith(f"http://testserver/data/{stored.file_id}/download?e={expires}&s=")
    assert abs(expires - (time.time() + 60)) < 5


def test_the_url_uses_the_configured_public_base(settings, stored):
    settings.LOCALPDS_PUBLIC_URL = "https://pds.example.org"
    url, _ = dataurls.data_url(RequestFactory().get("/"), stored.file_id, "preview")
    assert url.startswith(f"https://pds.example.org/data/{stored.file_id}/preview?")


def test_a_download_serves_the_exact_bytes_with_its_headers(client, stored):
    response = client.get(signed(stored.file_id))
    assert response.status_code == 200
    assert body(response) == CONTENT
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Length"] == str(len(CONTENT))
    assert response["Content-Disposition"] == 'attachment; filename="data.bin"'
    assert response["ETag"] == f'"{stored.content_hash.lower()}"'
    assert response["Last-Modified"]
    assert response["Accept-Ranges"] == "bytes"
    assert response["X-Content-Type-Options"] == "nosniff"
    cache_control = response["Cache-Control"]
    assert cache_control.startswith("private, max-age=")
    assert 890 <= int(cache_control.rsplit("=", 1)[1]) <= 900


def test_a_preview_is_inline_with_the_type_of_the_file(client, drive):
    row = file_create(drive=drive, parent=None, name="readme.txt", content=b"hi there\n")
    response = client.get(signed(row.file_id, "preview"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="readme.txt"'
    assert body(response) == b"hi there\n"


@pytest.mark.parametrize("field", ["s", "e"])
def test_a_tampered_signature_or_expiry_is_forbidden(client, stored, field):
    url = signed(stored.file_id)
    path, query = url.split("?")
    params = dict(part.split("=") for part in query.split("&"))
    params[field] = params[field][:-1] + ("0" if params[field][-1] != "0" else "1")
    response = client.get(path + "?" + "&".join(f"{k}={v}" for k, v in params.items()))
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/plain")
    assert b"not valid or has expired" in response.content


def test_a_signature_for_another_file_or_kind_is_forbidden(client, drive, stored):
    other = file_create(drive=drive, parent=None, name="other.txt", content=b"other")
    query = signed(other.file_id).split("?")[1]
    assert client.get(f"/data/{stored.file_id}/download?{query}").status_code == 403
    assert client.get(f"/data/{other.file_id}/preview?{query}").status_code == 403
    assert client.get(f"/data/{other.file_id}/download").status_code == 403


@pytest.mark.parametrize("signature", ["\u00e9" * 64, "\U0001f600", "%00"])
def test_a_signature_that_is_not_ascii_is_forbidden(client, stored, signature):
    unsigned = signed(stored.file_id).split("&s=")[0]
    response = client.get(f"{unsigned}&s={quote(signature)}")
    assert response.status_code == 403


def test_an_expired_url_is_forbidden(client, stored):
    response = client.get(signed(stored.file_id, expire_sec=-1))
    assert response.status_code == 403


def test_an_unknown_file_or_a_folder_is_not_found(client, drive):
    folder = folder_create(drive=drive, parent=None, name="photos")
    assert client.get(signed("f" * 40)).status_code == 404
    response = client.get(signed(folder.file_id))
    assert response.status_code == 404
    assert b"no such file" in response.content


def test_missing_contents_on_disk_are_not_found_not_a_crash(client, stored, settings):
    for blob in settings.LOCALPDS_BLOB_DIR.rglob("*"):
        if blob.is_file():
            blob.unlink()
    assert client.get(signed(stored.file_id)).status_code == 404


def test_other_methods_are_not_allowed(client, stored):
    url = signed(stored.file_id)
    assert client.post(url).status_code == 405
    assert client.put(url).status_code == 405
    assert client.delete(url).status_code == 405


def test_every_data_url_answer_carries_a_request_id(client, stored):
    url = signed(stored.file_id)
    answers = [
        client.get(url),
        client.head(url),
        client.post(url),
        client.get(url, HTTP_RANGE="bytes=5000-"),
        client.get(url.replace("&s=", "&s=0")),
        client.get(signed("f" * 40)),
    ]
    assert [a.status_code for a in answers] == [200, 200, 405, 416, 403, 404]
    assert all(len(a["x-ca-request-id"]) >= 32 for a in answers)


def test_head_gives_the_headers_without_the_body(client, stored):
    response = client.head(signed(stored.file_id))
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(CONTENT))
    assert response["ETag"]
    assert body(response) == b""


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-99", 0, 99),
        ("bytes=1000-", 1000, 1023),
        ("bytes=-24", 1000, 1023),
        ("bytes=1000-5000", 1000, 1023),
        # Numbers too long for int() (over 4,300 digits) still read as numbers.
        ("bytes=0-" + "9" * 5000, 0, 1023),
        ("bytes=-" + "9" * 5000, 0, 1023),
        ("bytes=" + "0" * 5000 + "1000-", 1000, 1023),
    ],
)
def test_a_single_range_gets_206_with_exactly_those_bytes(client, stored, header, first, last):
    response = client.get(signed(stored.file_id), HTTP_RANGE=header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{len(CONTENT)}"
    assert response["Content-Length"] == str(last - first + 1)
    assert body(response) == CONTENT[first : last + 1]


@pytest.mark.parametrize(
    "header", ["bytes=5000-6000", "bytes=1024-", "bytes=-0", "bytes=" + "9" * 5000 + "-"]
)
def test_a_range_past_the_end_gets_416_with_the_size(client, stored, header):
    response = client.get(signed(stored.file_id), HTTP_RANGE=header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(CONTENT)}"


def test_several_ranges_or_a_malformed_range_get_the_whole_file(client, stored):
    for header in ["bytes=0-1,5-9", "pages=1-2", "bytes=9-3"]:
        response = client.get(signed(stored.file_id), HTTP_RANGE=header)
        assert response.status_code == 200
        assert body(response) == CONTENT


def test_if_range_with_a_stale_etag_gets_the_whole_file(client, stored):
    url = signed(stored.file_id)
    response = client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"stale"')
    assert response.status_code == 200
    etag = response["ETag"]
    response = client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=etag)
    assert response.status_code == 206


def test_a_matching_etag_gets_304_without_a_body(client, stored):
    url = signed(stored.file_id)
    etag = client.get(url)["ETag"]
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_any_file_name_survives_content_disposition(client, drive):
    name = 'évil "quote"\\; filename=x.exe; \u202egpj.html 🎉.txt'
    row = file_create(drive=drive, parent=None, name=name, content=b"x")
    disposition = client.get(signed(row.file_id))["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    fallback = disposition.split('filename="', 1)[1].split('"', 1)[0]
    assert fallback.isascii()
    assert "\\" not in fallback
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    assert ";" not in encoded and " " not in encoded and '"' not in encoded
    # The saved name is the real one, minus the right-to-left override that would disguise it.
    assert unquote(encoded) == name.replace("\u202e", "")


def test_html_and_svg_previews_are_sandboxed_so_they_cannot_run_script(client, drive):
    for name in ["page.html", "drawing.svg", "feed.xml", "app.js"]:
        row = file_create(drive=drive, parent=None, name=name, content=b"<script>alert(1)</script>")
        response = client.get(signed(row.file_id, "preview"))
        assert response.status_code == 200
        policy = response["Content-Security-Policy"]
        assert policy.split(";")[0].strip() == "sandbox"
        assert "allow-scripts" not in policy
        assert "allow-same-origin" not in policy
        assert response["X-Content-Type-Options"] == "nosniff"


def test_a_pdf_preview_may_be_framed_by_the_portal_alone(client, drive, settings):
    settings.LOCALPDS_PORTAL_URL = "https://share.example.com/some/path"
    row = file_create(drive=drive, parent=None, name="doc.pdf", content=b"%PDF-1.4\n%%EOF\n")

    preview = client.get(signed(row.file_id, "preview"))
    download = client.get(signed(row.file_id, "download"))

    assert preview["Content-Type"] == "application/pdf"
    assert "frame-ancestors https://share.example.com;" in preview["Content-Security-Policy"] + ";"
    assert "X-Frame-Options" not in preview
    assert "frame-ancestors 'none'" in download["Content-Security-Policy"]
    assert download["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("clip.mp4", "video/mp4"),
        ("clip.webm", "video/webm"),
        ("song.mp3", "audio/mpeg"),
        ("waves.wav", "audio/x-wav"),
        ("voice.ogg", "audio/ogg"),
    ],
)
def test_media_previews_say_their_type_and_serve_ranges(client, drive, name, content_type):
    row = file_create(drive=drive, parent=None, name=name, content=CONTENT)

    response = client.get(signed(row.file_id, "preview"), headers={"Range": "bytes=10-19"})

    assert response.status_code == 206
    assert response["Content-Type"] == content_type
    assert body(response) == CONTENT[10:20]
    assert "X-Frame-Options" in response  # never framed: only PDFs are


def test_a_thumbnail_is_a_small_real_jpeg(client, drive, settings):
    row = file_create(drive=drive, parent=None, name="wide.png", content=png_bytes((640, 480)))
    response = client.get(signed(row.file_id, "thumbnail"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(body(response)))
    assert image.format == "JPEG"
    assert image.size == (256, 192)
    assert list((settings.LOCALPDS_DATA_DIR / "thumbs").rglob("*.jpg"))


def test_a_transparent_image_gets_a_thumbnail_too(client, drive):
    row = file_create(drive=drive, parent=None, name="t.png", content=png_bytes((50, 40), "RGBA"))
    response = client.get(signed(row.file_id, "thumbnail"))
    assert response.status_code == 200
    assert Image.open(io.BytesIO(body(response))).size == (50, 40)


def test_non_images_and_broken_images_have_no_thumbnail(client, drive):
    text = file_create(drive=drive, parent=None, name="a.txt", content=b"text")
    broken = file_create(drive=drive, parent=None, name="b.jpg", content=b"not a jpeg")
    assert client.get(signed(text.file_id, "thumbnail")).status_code == 404
    assert client.get(signed(broken.file_id, "thumbnail")).status_code == 404


def download_url_named(stored, file_name):
    body = {"drive_id": stored.drive.drive_id, "file_id": stored.file_id, "file_name": file_name}
    return call("file/get_download_url", body, token=token_for(stored.drive.owner))


def test_get_download_url_file_name_names_the_saved_file(client, stored):
    url = download_url_named(stored, "Report 2024.bin").json()["url"]

    response = client.get(url.removeprefix("http://testserver"))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="Report 2024.bin"'


def test_the_file_name_of_a_download_url_is_signed(client, stored):
    url = download_url_named(stored, "a.bin").json()["url"]

    renamed = client.get(url.removeprefix("http://testserver").replace("n=a.bin", "n=b.exe"))
    unnamed = client.get(url.removeprefix("http://testserver").replace("&n=a.bin", ""))

    assert (renamed.status_code, unnamed.status_code) == (403, 403)


def test_a_download_file_name_over_1024_characters_is_refused(stored):
    assert_error(
        download_url_named(stored, "n" * 1025), 400, "InvalidParameterOutOfRange", field="file_name"
    )
