"""Fixtures of the embedded PDS tests: a few drive users and a small shared tree."""

from dataclasses import dataclass

import pytest
from django.conf import settings

if settings.SETTINGS_MODULE != "localpds.settings":
    raise pytest.UsageError("tests/localpds are the drive's: run them with --ds=localpds.settings")

# Only now: the models import only under the drive's settings.
from localpds.models import File, User

from .api_helpers import drive_of, make_file, make_user, token_for


@pytest.fixture
def alice(db) -> User:
    return make_user("alice", nick_name="alice", phone="13612345600")


@pytest.fixture
def bob(db) -> User:
    return make_user("bob")


@pytest.fixture
def root_admin(db) -> User:
    return make_user("root", role=User.Role.SUPERADMIN)


@pytest.fixture
def alice_token(alice) -> str:
    return token_for(alice)


@dataclass
class Tree:
    """alice's drive: shared/ (with sub/deep.txt, top.txt), secret.txt, other/ (hidden.txt)."""

    shared: File
    sub: File
    deep: File
    top: File
    photo: File
    secret: File
    other: File
    hidden: File


@pytest.fixture
def tree(alice) -> Tree:
    drive = drive_of(alice)
    shared = make_file(drive, "shared", folder=True)
    sub = make_file(drive, "sub", folder=True, parent=shared)
    other = make_file(drive, "other", folder=True)
    return Tree(
        shared=shared,
        sub=sub,
        deep=make_file(drive, "deep.txt", parent=sub),
        top=make_file(drive, "top.txt", parent=shared),
        photo=make_file(
            drive, "photo.jpg", parent=shared, category="image", content_type="image/jpeg"
        ),
        secret=make_file(drive, "secret.txt"),
        other=other,
        hidden=make_file(drive, "hidden.txt", parent=other),
    )
