"""The dashboard's Django templates and the share pages' Jinja2 ones draw the same site chrome.

templates/base.html and templates/jinja2/base.html are twins; this keeps them from drifting.
"""

import re

import pytest

from .stubs import url

pytestmark = pytest.mark.django_db


def chrome(page: str) -> dict[str, list[str]]:
    """The head (less the title and the dashboard's own assets), skip link and footer."""
    page = re.sub(r'nonce="[^"]*"', 'nonce="-"', page)
    # The language switch comes back to the page it is on.
    page = re.sub(r'name="next" value="[^"]*"', 'name="next" value="-"', page)
    head = page.split("<head>")[1].split("</head>")[0]
    head_lines = [
        line.strip()
        for line in head.splitlines()
        if line.strip() and "<title>" not in line and "dashboard/" not in line
    ]
    return {
        "head": head_lines,
        "html": re.findall(r"<html[^>]*>", page),
        "skip link": re.findall(r'<a class="skip-link".*?</a>', page),
        "site name": re.findall(r'<a class="site-name".*?</a>', page, re.S),
        "footer": [" ".join(f.split()) for f in re.findall(r"<footer.*?</footer>", page, re.S)],
    }


def test_the_dashboard_and_the_share_pages_share_one_chrome(owner, pds):
    pds.post(url("share_link/list"), json={"items": [], "next_marker": ""})

    dashboard = owner.get("/dashboard/").content.decode()
    home = owner.get("/").content.decode()

    assert chrome(dashboard) == chrome(home)
    assert all(chrome(home).values())  # the comparison compared something
