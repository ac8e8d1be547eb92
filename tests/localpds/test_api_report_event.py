"""`share_link/report_event`: what a visitor did, counted on the share (docs/pds-api.md)."""

import pytest

from localpds.models import ShareLink

from .api_helpers import assert_error, call, make_share, share_token_of

pytestmark = [pytest.mark.urls("localpds.urls"), pytest.mark.django_db]


def report(share: ShareLink, token: str, sub_type: str = "preview", **extra):
    body = {
        "event_type": "share_link",
        "share_link": {"share_id": share.share_id, "sub_type": sub_type},
    }
    return call("share_link/report_event", body | extra, share_token=token)


def counters(share: ShareLink) -> dict:
    share.refresh_from_db()
    names = ("preview", "download", "save", "report", "video_preview", "access")
    return {name: getattr(share, f"{name}_count") for name in names}


def test_a_preview_is_counted(alice, tree):
    share = make_share(alice, [tree.shared])
    token = share_token_of(share)
    before = counters(share)

    response = report(share, token)

    assert response.status_code == 200
    assert response.json() == {}
    assert counters(share) == before | {"preview": 1}


@pytest.mark.parametrize("sub_type", ["preview", "download", "save", "report", "video_preview"])
def test_each_sub_type_moves_its_own_counter(alice, tree, sub_type):
    share = make_share(alice, [tree.shared])
    token = share_token_of(share)
    before = counters(share)

    assert report(share, token, sub_type).status_code == 200

    assert counters(share) == before | {sub_type: 1}


def test_an_access_event_counts_an_access(alice, tree):
    share = make_share(alice, [tree.shared])
    token = share_token_of(share)
    before = counters(share)
    body = {
        "event_type": "share_link_access",
        "share_link_access": {"share_id": share.share_id, "sub_type": "access"},
    }

    response = call("share_link/report_event", body, share_token=token)

    assert response.status_code == 200
    assert counters(share) == before | {"access": before["access"] + 1}


def test_a_media_play_event_is_taken_and_counts_nothing(alice, tree):
    share = make_share(alice, [tree.shared])
    before = counters(share)

    response = call("share_link/report_event", {"event_type": "media_play"})

    assert response.status_code == 200
    assert counters(share) == before


def test_the_preview_limit_is_enforced(alice, tree):
    share = make_share(alice, [tree.shared], preview_limit=2)
    token = share_token_of(share)

    statuses = [report(share, token).status_code for _ in range(3)]

    assert statuses == [200, 200, 403]
    assert_error(report(share, token), 403, "ShareLink.PreviewLimitExceeded")
    assert counters(share)["preview"] == 2


def test_a_preview_of_a_share_without_previews_is_refused(alice, tree):
    share = make_share(alice, [tree.shared], disable_preview=True)

    response = report(share, share_token_of(share))

    assert_error(response, 403, "ShareLink.PreviewDisabled")
    assert counters(share)["preview"] == 0


def test_a_video_preview_of_a_share_without_previews_is_refused(alice, tree):
    share = make_share(alice, [tree.shared], disable_preview=True)

    assert_error(
        report(share, share_token_of(share), "video_preview"), 403, "ShareLink.PreviewDisabled"
    )


def test_downloads_reported_follow_the_download_limit_as_get_download_url_does(alice, tree):
    share = make_share(alice, [tree.shared], download_limit=1)
    token = share_token_of(share)

    assert report(share, token, "download").status_code == 200
    assert_error(report(share, token, "download"), 403, "ShareLink.DownloadLimitExceeded")
    response = call(
        "file/get_download_url",
        {"share_id": share.share_id, "file_id": tree.top.file_id},
        share_token=token,
    )
    assert_error(response, 403, "ShareLink.DownloadLimitExceeded")


def test_a_reported_download_of_a_share_without_downloads_is_refused(alice, tree):
    share = make_share(alice, [tree.shared], disable_download=True)

    assert_error(
        report(share, share_token_of(share), "download"), 403, "ShareLink.DownloadDisabled"
    )


def test_saves_follow_the_save_and_the_save_download_limits(alice, tree):
    share = make_share(alice, [tree.shared], save_limit=5, save_download_limit=2, download_count=1)
    token = share_token_of(share)

    assert report(share, token, "save").status_code == 200
    assert_error(report(share, token, "save"), 403, "ShareLink.SaveLimitExceeded")
    assert counters(share)["save"] == 1


def test_a_save_of_a_share_without_saving_is_refused(alice, tree):
    share = make_share(alice, [tree.shared], disable_save=True)

    assert_error(report(share, share_token_of(share), "save"), 403, "ShareLink.SaveDisabled")


def test_a_missing_or_wrong_token_is_refused_and_counts_nothing(alice, bob, tree):
    share = make_share(alice, [tree.shared])
    other = make_share(alice, [tree.top])

    assert_error(report(share, ""), 401, "ShareLinkTokenInvalid")
    assert_error(report(share, "not-a-token"), 401, "ShareLinkTokenInvalid")
    assert_error(report(share, share_token_of(other)), 401, "ShareLinkTokenInvalid")
    assert counters(share)["preview"] == 0


def test_a_cancelled_share_refuses_its_old_token(alice, tree):
    share = make_share(alice, [tree.shared])
    token = share_token_of(share)
    ShareLink.objects.filter(pk=share.pk).update(status=ShareLink.Status.DISABLED)

    assert_error(report(share, token), 401, "ShareLinkTokenInvalid")


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({}, "InvalidParameterMissing", "event_type"),
        ({"event_type": "nonsense"}, "InvalidParameter", "event_type"),
        ({"event_type": 3}, "InvalidParameter", "event_type"),
        ({"event_type": "share_link"}, "InvalidParameterMissing", "share_link"),
        ({"event_type": "share_link", "share_link": "abc"}, "InvalidParameter", "share_link"),
        (
            {"event_type": "share_link", "share_link": {"sub_type": "preview"}},
            "InvalidParameterMissing",
            "share_id",
        ),
        (
            {"event_type": "share_link", "share_link": {"share_id": "S"}},
            "InvalidParameterMissing",
            "sub_type",
        ),
        (
            {"event_type": "share_link", "share_link": {"share_id": "S", "sub_type": "look"}},
            "InvalidParameter",
            "sub_type",
        ),
        (
            {
                "event_type": "share_link_access",
                "share_link_access": {"share_id": "S", "sub_type": "preview"},
            },
            "InvalidParameter",
            "sub_type",
        ),
    ],
)
def test_bad_bodies_are_400_naming_the_field(alice, tree, body, code, field):
    share = make_share(alice, [tree.shared])

    response = call("share_link/report_event", body, share_token=share_token_of(share))

    assert_error(response, 400, code, field=field)
    assert counters(share)["preview"] == 0


def test_a_body_that_is_not_json_is_400(alice, tree):
    share = make_share(alice, [tree.shared])

    response = call("share_link/report_event", None, share_token=share_token_of(share), raw=b"[1]")

    assert_error(response, 400, "InvalidRequestJSONFormat")


def test_get_is_405(client):
    response = client.get("/v2/share_link/report_event")

    assert_error(response, 405, "MethodNotAllowed")


def test_the_visitors_facts_show_the_preview_count_and_limit(alice, tree):
    share = make_share(alice, [tree.shared], preview_limit=5)
    report(share, share_token_of(share))

    facts = call("share_link/get_by_anonymous", {"share_id": share.share_id}).json()

    assert (facts["preview_count"], facts["preview_limit"]) == (1, 5)
