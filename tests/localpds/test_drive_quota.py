"""`python -m localpds drive_quota`: the per-drive quota that uploads are checked against."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from localpds.models import Drive

from .api_helpers import call, drive_of, token_for

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("drive_quota", *args, stdout=out)
    return out.getvalue().strip()


def test_it_shows_no_quota_by_default(alice):
    assert run("alice").endswith("quota none")


@pytest.mark.parametrize(("size", "quota"), [("1000", 1000), ("2KB", 2000), ("3MiB", 3 << 20)])
def test_it_sets_the_quota_in_bytes_or_with_a_unit(alice, size, quota):
    assert run("alice", size).endswith(f"quota {quota} bytes")
    assert Drive.objects.get(pk=drive_of(alice).pk).quota == quota


def test_the_quota_it_sets_refuses_an_upload_that_would_not_fit(alice):
    run("alice", "10")
    drive = drive_of(alice)
    body = {"drive_id": drive.drive_id, "parent_file_id": "root", "name": "a.bin", "size": 11}
    response = call("file/create", body, token=token_for(alice))
    assert response.status_code == 403
    assert response.json()["code"] == "QuotaExhausted.Drive"
    run("alice", "0")
    assert call("file/create", body, token=token_for(alice)).status_code == 201


@pytest.mark.parametrize("args", [("nobody",), ("alice", "lots"), ("alice", "-5")])
def test_a_wrong_user_or_size_is_a_clear_error(alice, args):
    with pytest.raises(CommandError):
        run(*args)
