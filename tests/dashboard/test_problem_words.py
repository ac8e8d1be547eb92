"""Every PDS error an owner can meet has its own words on the dashboard's problem page."""

import inspect

import pytest

from shareportal.dashboard.problems import WORDS_OF_ERROR
from shareportal.pds import errors

from .stubs import add_error

pytestmark = pytest.mark.django_db

# Errors of a visitor's share token or password: the dashboard never sends either.
VISITORS_ONLY = {errors.SharePasswordRequired, errors.SharePasswordWrong, errors.ShareTokenInvalid}


def words_for(cls: type[errors.PdsError]) -> tuple:
    return next(WORDS_OF_ERROR[c] for c in cls.__mro__ if c in WORDS_OF_ERROR)


@pytest.mark.parametrize(
    "cls",
    [
        cls
        for _, cls in inspect.getmembers(errors, inspect.isclass)
        if issubclass(cls, errors.PdsError) and cls.status < 500 and cls not in VISITORS_ONLY
    ],
    ids=lambda cls: cls.__name__,
)
def test_an_error_that_is_not_the_drives_fault_does_not_blame_the_drive(cls):
    assert words_for(cls) != WORDS_OF_ERROR[errors.PdsError]


@pytest.mark.parametrize(
    ("code", "status", "title"),
    [
        ("ShareLink.Expired", 410, "This share has expired"),
        ("ShareLink.Forbidden", 403, "This share is disabled"),
        ("ShareLink.DownloadLimitExceeded", 403, "A limit of the drive is reached"),
    ],
)
def test_an_edit_refused_for_the_share_says_why_with_its_status(owner, pds, code, status, title):
    add_error(pds, "share_link/get", status, code)

    response = owner.get("/dashboard/shares/7JQX1FswpQ8/edit/")

    assert response.status_code == status
    page = response.content.decode()
    assert title in page
    assert "cannot be reached" not in page
