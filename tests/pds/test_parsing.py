"""Answers become dataclasses: either spelling, lenient defaults, and BadResponse on bad shapes."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from shareportal.pds import errors

from .stubs import AUTH, anonymous_share_json, file_json, share_link_json, url


def test_anonymous_share_is_read_with_defaults_for_what_pds_leaves_out(client, pds):
    pds.post(url("share_link/get_by_anonymous"), json=anonymous_share_json(unknown_field={"x": 1}))

    share = client.get_share_link_by_anonymous("7JQX1FswpQ8")

    assert share.share_id == "7JQX1FswpQ8"
    assert share.share_name == "Holiday photos"
    assert share.creator_name == "Al***ce"
    assert share.has_pwd is True
    assert share.expiration == datetime(2030, 6, 28, 3, 33, tzinfo=UTC)
    assert share.updated_at == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert (share.preview_count, share.download_count, share.save_count) == (4, 2, 0)
    assert share.download_limit == 0
    assert share.file_count is None
    assert share.enable_upload is False


@pytest.mark.parametrize("spelling", ["enable_upload", "creatable"])
def test_uploads_are_read_under_either_spelling(client, pds, spelling):
    pds.post(url("share_link/get_by_anonymous"), json=anonymous_share_json(**{spelling: True}))
    pds.post(url("share_link/get"), json=share_link_json(**{spelling: True}))

    assert client.get_share_link_by_anonymous("7JQX1FswpQ8").enable_upload is True
    assert client.get_share_link("at", "7JQX1FswpQ8").enable_upload is True


def test_a_share_that_never_expires_has_no_expiration(client, pds):
    pds.post(url("share_link/get_by_anonymous"), json=anonymous_share_json(expiration=""))

    assert client.get_share_link_by_anonymous("7JQX1FswpQ8").expiration is None


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("2019-08-20T06:51:27.292Z", datetime(2019, 8, 20, 6, 51, 27, 292000, tzinfo=UTC)),
        ("2019-08-20T06:51:27Z", datetime(2019, 8, 20, 6, 51, 27, tzinfo=UTC)),
        ("2019-08-20t06:51:27z", datetime(2019, 8, 20, 6, 51, 27, tzinfo=UTC)),
        ("2019-08-20T06:51:27.123456789Z", datetime(2019, 8, 20, 6, 51, 27, 123456, tzinfo=UTC)),
        (
            "2020-06-28T11:33:00.000+08:00",
            datetime(2020, 6, 28, 11, 33, tzinfo=timezone(timedelta(hours=8))),
        ),
        ("2022-01-18T02:50:00", datetime(2022, 1, 18, 2, 50, tzinfo=UTC)),
    ],
)
def test_timestamps_are_read_in_every_rfc3339_form(client, pds, wire, expected):
    pds.post(url("file/get"), json=file_json(updated_at=wire))

    item = client.get_file(file_id="f", share_id="7JQX1FswpQ8", share_token="t")

    assert item.updated_at == expected
    assert item.updated_at.tzinfo is not None


def test_counters_sent_as_strings_and_a_file_count_are_read(client, pds):
    pds.post(
        url("share_link/get_by_anonymous"),
        json=anonymous_share_json(preview_count="12", file_count=3, access_count=None),
    )

    share = client.get_share_link_by_anonymous("7JQX1FswpQ8")

    assert (share.preview_count, share.file_count, share.access_count) == (12, 3, 0)


def test_share_token_reads_expires_in_even_as_a_string(client, pds):
    pds.post(
        url("share_link/get_share_token"),
        json={"share_token": "tok", "expires_in": "3600", "expire_time": "2030-01-01T00:00:00Z"},
    )

    token = client.get_share_token("7JQX1FswpQ8")

    assert token.share_token == "tok"
    assert token.expires_in == 3600
    assert token.expire_time == datetime(2030, 1, 1, tzinfo=UTC)


def test_a_share_link_is_read_whole(client, pds):
    pds.post(url("share_link/get"), json=share_link_json(preview_count=5))

    link = client.get_share_link("at", "7JQX1FswpQ8")

    assert link.share_id == "7JQX1FswpQ8"
    assert link.share_pwd == "s3cr3t-pwd"
    assert link.has_pwd is True
    assert link.file_id_list == ["a" * 40]
    assert link.expiration is None
    assert link.expired is False
    assert link.status == "enabled"
    assert link.share_policy == "url"
    assert link.share_url == "https://portal.test/s/7JQX1FswpQ8/"
    assert link.created_at == datetime(2024, 1, 2, 3, 4, 5, 123000, tzinfo=UTC)
    assert link.preview_count == 5


def test_a_share_link_without_an_expired_flag_is_judged_by_its_expiration(client, pds):
    past = share_link_json(expiration="2001-01-01T00:00:00Z")
    del past["expired"]
    pds.post(url("share_link/get"), json=past)

    assert client.get_share_link("at", "7JQX1FswpQ8").expired is True


def test_a_listing_page_carries_its_next_marker(client, pds):
    folder = file_json(file_id="d" * 40, name="Trip", type="folder", size=None)
    pds.post(url("file/list"), json={"items": [folder, file_json()], "next_marker": "m-2"})
    pds.post(url("file/list"), json={"items": [file_json()]})

    first = client.list_files(share_id="7JQX1FswpQ8", share_token="t")
    last = client.list_files(share_id="7JQX1FswpQ8", share_token="t", marker="m-2")

    assert [(f.name, f.is_folder, f.size) for f in first.items] == [
        ("Trip", True, None),
        ("beach.jpg", False, 1234),
    ]
    assert first.next_marker == "m-2"
    assert last.next_marker == ""


def test_download_url_falls_back_to_the_cdn_url(client, pds):
    pds.post(
        url("file/get_download_url"),
        json={"cdn_url": "https://data-cdn.pds.test/x", "size": 10, "expiration": ""},
    )

    link = client.get_download_url(file_id="f", share_id="7JQX1FswpQ8", share_token="t")

    assert (link.url, link.size, link.expiration) == ("https://data-cdn.pds.test/x", 10, None)


def test_user_and_their_own_drive_are_read(client, pds):
    pds.post(
        url("user/get"),
        json={"user_id": "u1", "nick_name": "Alice", "role": "superadmin", "created_at": 1700},
    )
    pds.post(
        url("drive/list_my_drives"),
        json={
            "items": [
                {"drive_id": "9", "owner_type": "group"},
                {"drive_id": "3", "owner_type": "user"},
            ]
        },
    )

    user = client.get_user("at")

    assert (user.user_id, user.nick_name, user.is_admin) == ("u1", "Alice", True)
    assert client.get_default_drive_id("at") == "3"


def test_a_user_without_a_drive_is_told_so(client, pds):
    pds.post(url("drive/list_my_drives"), json={"items": [], "next_marker": ""})

    with pytest.raises(errors.FileNotFound):
        client.get_default_drive_id("at")


def test_oauth_tokens_keep_the_documented_fields_and_hide_the_secrets(client, pds):
    pds.post(
        f"{AUTH}/v2/oauth/token",
        json={
            "access_token": "at-secret",
            "refresh_token": "rt-secret",
            "expires_in": 7200,
            "token_type": "Bearer",
            "user_id": "u1",
            "role": "admin",
            "default_drive_id": "1",
            "nick_name": "Alice",
        },
    )

    tokens = client.oauth_refresh(refresh_token="rt-0")

    assert (tokens.user_id, tokens.role, tokens.default_drive_id) == ("u1", "admin", "1")
    assert tokens.extra["nick_name"] == "Alice"
    assert "at-secret" not in repr(tokens)
    assert "rt-secret" not in repr(tokens)
    assert "access_token" not in tokens.extra


@pytest.mark.parametrize(
    ("operation", "answer"),
    [
        ("share_link/get_by_anonymous", "not json"),
        ("share_link/get_by_anonymous", "[1, 2]"),
        ("share_link/get_by_anonymous", "{}"),
        ("share_link/get_by_anonymous", '{"share_name": ["x"]}'),
        ("share_link/get_by_anonymous", '{"share_name": "x", "has_pwd": "yes"}'),
        ("share_link/get_by_anonymous", '{"share_name": "x", "expiration": "tomorrow"}'),
        ("share_link/get_by_anonymous", '{"share_name": "x", "preview_count": "many"}'),
        # Digits to str.isdigit() but not to int(), and more digits than int() reads.
        ("share_link/get_by_anonymous", '{"share_name": "x", "file_count": "\\u00b2"}'),
        ("share_link/get_by_anonymous", '{"share_name": "x", "file_count": "%s"}' % ("9" * 5000)),
        # Valid ISO dates that fall off the calendar once in UTC.
        (
            "share_link/get_by_anonymous",
            '{"share_name": "x", "expiration": "0001-01-01T00:00+14:00"}',
        ),
        (
            "share_link/get_by_anonymous",
            '{"share_name": "x", "updated_at": "9999-12-31T23:59-14:00"}',
        ),
        ("share_link/get_share_token", '{"share_token": "t", "expires_in": "\\u00b2"}'),
        ("share_link/get_share_token", '{"expires_in": 7200}'),
        ("share_link/get_share_token", '{"share_token": ""}'),
        ("file/list", '{"next_marker": ""}'),
        ("file/list", '{"items": "nope"}'),
        ("file/list", '{"items": [1]}'),
        ("file/list", '{"items": [{"name": "no id", "type": "file"}]}'),
        ("file/list", '{"items": [{"file_id": "f", "name": "n", "type": "file", "size": "1.5"}]}'),
        ("file/get_download_url", '{"size": 1}'),
        ("share_link/get", '{"share_id": "x", "file_id_list": "f1"}'),
        ("share_link/get", '{"share_id": "x", "expired": "no"}'),
        ("user/get", '{"role": "user"}'),
    ],
)
def test_malformed_or_misshapen_answers_are_bad_responses(client, pds, operation, answer):
    pds.post(url(operation), body=answer, content_type="application/json")
    calls = {
        "share_link/get_by_anonymous": lambda: client.get_share_link_by_anonymous("S1234"),
        "share_link/get_share_token": lambda: client.get_share_token("S1234"),
        "file/list": lambda: client.list_files(share_id="S1234", share_token="t"),
        "file/get_download_url": lambda: client.get_download_url(
            file_id="f", share_id="S1234", share_token="t"
        ),
        "share_link/get": lambda: client.get_share_link("at", "S1234"),
        "user/get": lambda: client.get_user("at"),
    }

    with pytest.raises(errors.BadResponse):
        calls[operation]()

    assert len(pds.calls) == 1


def test_an_empty_answer_to_a_read_is_a_bad_response(client, pds):
    pds.post(url("share_link/get"), status=200, body="")

    with pytest.raises(errors.BadResponse):
        client.get_share_link("at", "S1234")


def test_absurdly_nested_json_is_a_bad_response_not_a_crash(client, pds):
    pds.post(url("share_link/get"), status=200, body="[" * 100_000 + "]" * 100_000)

    with pytest.raises(errors.BadResponse):
        client.get_share_link("at", "S1234")
