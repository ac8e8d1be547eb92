"""The "Embed" page of a share: the sites that may frame it, its snippet and its preview."""

import html

import pytest

from shareportal.shares.models import EmbedSites

from .stubs import OWNER, share_json, url

pytestmark = pytest.mark.django_db

SHARE = "sAvciMEXKRz"
PAGE = f"/dashboard/shares/{SHARE}/embed/"
HOST = "https://host.example"
OTHER = "https://other.example"


@pytest.fixture(autouse=True)
def embedding(settings):
    settings.EMBED_ALLOWED_ORIGINS = [HOST, OTHER]
    settings.PUBLIC_BASE_URL = "https://testserver"


def _share(pds, **fields) -> None:
    pds.post(url("share_link/get"), json=share_json(SHARE, **fields))


def _stored() -> list[str] | None:
    row = EmbedSites.objects.filter(share_id=SHARE).first()
    return row.origins if row else None


def test_it_saves_the_sites_normalised_and_shows_them_again(owner, pds):
    _share(pds)
    _share(pds)

    saved = owner.post(PAGE, {"origins": "https://HOST.example:443/\n\n  https://other.example "})
    again = owner.get(PAGE)

    assert saved.status_code == 302 and saved["Location"] == PAGE
    assert _stored() == [HOST, OTHER]
    assert EmbedSites.objects.get(share_id=SHARE).updated_by == OWNER
    assert f"{HOST}\n{OTHER}</textarea>" in again.content.decode()


def test_saving_no_site_removes_the_shares_row(owner, pds):
    EmbedSites.objects.create(share_id=SHARE, origins=[HOST], updated_by=OWNER)
    _share(pds)

    owner.post(PAGE, {"origins": ""})

    assert _stored() is None


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("http://host.example", "with https://"),
        ("https://host.example/page", "without a path"),
        ("https://*.example", "wildcards are not allowed"),
        ("*", "wildcards are not allowed"),
        ("https://evil.example", "this portal does not allow that site"),
        ("https://host.example:99999", "is not a web address"),
    ],
)
def test_it_refuses_what_is_not_an_allowed_https_origin_and_keeps_the_input(
    owner, pds, typed, message
):
    _share(pds)
    _share(pds)

    response = owner.post(PAGE, {"origins": f"{HOST}\n{typed}"})

    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert f"{typed}</textarea>" in html.unescape(response.content.decode())
    assert _stored() is None


def test_another_users_share_cannot_be_changed(owner, pds):
    _share(pds, creator="u-someone-else")

    response = owner.post(PAGE, {"origins": HOST})

    assert response.status_code == 403
    assert "Only the share's owner" in html.unescape(response.content.decode())
    assert _stored() is None


def test_another_users_share_is_not_shown_either(owner, pds):
    _share(pds, creator="u-someone-else")

    assert owner.get(PAGE).status_code == 403


def test_a_share_the_drive_refuses_to_the_owner_is_not_changed(owner, pds):
    pds.post(
        url("share_link/get"),
        status=403,
        json={"code": "Forbidden", "message": "no", "requestId": "r"},
    )

    response = owner.post(PAGE, {"origins": HOST})

    assert response.status_code == 403
    assert _stored() is None


def test_it_needs_a_signed_in_owner(client, pds):
    response = client.post(PAGE, {"origins": HOST})

    assert response.status_code == 302
    assert response["Location"].startswith("/dashboard/signin/")
    assert _stored() is None


def test_it_shows_the_snippet_in_the_chosen_size_and_a_preview_once_a_site_may(owner, pds):
    EmbedSites.objects.create(share_id=SHARE, origins=[HOST], updated_by=OWNER)
    _share(pds, share_name='Trip "<b>"')

    content = html.unescape(owner.get(PAGE, {"size": "compact"}).content.decode())

    assert (
        f'<iframe src="https://testserver/e/{SHARE}/" title="Trip &quot;&lt;b&gt;&quot;" '
        'width="320" height="480" loading="lazy"'
    ) in content
    assert 'class="embed-preview"' in content
    assert 'event.origin !== "https://testserver"' in content


def test_it_shows_no_preview_before_a_site_may_embed(owner, pds):
    _share(pds)

    content = owner.get(PAGE).content.decode()

    assert 'class="embed-preview"' not in content
    assert "No site may embed this share yet" in content


def test_it_says_embedding_is_off_when_the_portal_allows_no_site(owner, pds, settings):
    settings.EMBED_ALLOWED_ORIGINS = []
    _share(pds)

    content = owner.get(PAGE).content.decode()

    assert "Embedding is off on this portal" in content
    assert "<textarea" not in content


def test_a_wrong_method_is_405(owner, pds):
    assert owner.put(PAGE).status_code == 405
