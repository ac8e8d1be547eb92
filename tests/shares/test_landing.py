"""The landing page `/s/<share_id>/`: what the share is, and its top items when open."""

import pytest

from .stubs import add_list, add_share, add_token, file_json

pytestmark = pytest.mark.django_db

SHARE = "sAvciMEXKRz"


def test_open_share_shows_who_shared_what_and_its_top_items(client, pds):
    add_share(pds, SHARE, file_count=2)
    add_token(pds, SHARE)
    add_list(
        pds,
        [file_json("f1", "Beach", folder=True), file_json("f2", "notes.txt")],
        parent_file_id="root",
        share_id=SHARE,
    )

    response = client.get(f"/s/{SHARE}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Holiday photos" in page
    assert "al***ce" in page
    assert "2 items" in page
    assert f'href="/s/{SHARE}/folder/f1/"' in page
    assert f'href="/s/{SHARE}/download/f2/"' in page
    assert "2.0\xa0KB" in page
    assert len(pds.calls) == 3
