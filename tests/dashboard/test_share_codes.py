"""An owner's `msg` shares: their share code, with a button that copies it, in the list and on
the share's page (templates/dashboard/copy_field.html)."""

import re

import pytest

from .stubs import share_json, url

pytestmark = pytest.mark.django_db

MSG = "mSgShare123"
CODE = "coast-2025-<demo>"  # escaped like any text


def copy_button(page: str, value: str) -> str:
    """The copy button whose `data-copy` is `value` (as the HTML writes it)."""
    pattern = r'<button[^>]*data-copy="' + re.escape(value) + r'"[^>]*>[^<]*</button>'
    match = re.search(pattern, page)
    assert match, f"no copy button for {value!r}"
    return match.group(0)


def test_the_list_has_a_copy_code_button_for_a_msg_share_only(owner, pds):
    items = [
        share_json(MSG, share_name="By code", share_policy="msg", share_msg=CODE),
        share_json("sAvciMEXKRz", share_name="By link"),
    ]
    pds.post(url("share_link/list"), json={"items": items, "next_marker": ""})

    page = owner.get("/dashboard/").content.decode()

    escaped = "coast-2025-&lt;demo&gt;"
    assert "Copy code" in copy_button(page, escaped)
    assert f'id="share-code-{MSG}"' in page
    assert f'value="{escaped}"' in page
    # The owner's name in its own direction, as in the row's link (<bdi>).
    label = (
        f'<label class="visually-hidden" for="share-code-{MSG}">'
        "Share code of <bdi>By code</bdi></label>"
    )
    assert label in page
    assert CODE not in page
    assert page.count("Copy code") == 1


def test_the_shares_page_shows_its_code_with_a_copy_code_button(owner, pds):
    pds.post(url("share_link/get"), json=share_json(MSG, share_policy="msg", share_msg="c0de-1"))

    page = owner.get(f"/dashboard/shares/{MSG}/").content.decode()

    assert '<label for="share-msg">Share code</label>' in page
    assert "Copy code" in copy_button(page, "c0de-1")
    assert "home page" in page


def test_a_link_shares_page_has_no_code(owner, pds):
    pds.post(url("share_link/get"), json=share_json(MSG))

    page = owner.get(f"/dashboard/shares/{MSG}/").content.decode()

    assert "Share code" not in page
    assert "Copy code" not in page
