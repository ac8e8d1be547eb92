"""The embedded PDS's management commands: seed_demo and localpds_import."""

import json
import re
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command
from PIL import Image

from localpds.models import Drive, File, OAuthClient, ShareLink, User
from localpds.storage import blob_path, user_create

from .api_helpers import call, token_for

pytestmark = pytest.mark.django_db

SHARE_KEYS = {
    "open",
    "password",
    "expired",
    "cancelled",
    "no_download",
    "big",
    "hostile",
    "msg",
    "login",
    "upload",
}


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # The demo checks and sets passwords; the default hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed_json() -> dict:
    out = StringIO()
    call_command("seed_demo", "--json", stdout=out)
    return json.loads(out.getvalue())


def snapshot() -> dict:
    """Every row the demo writes, as plain values, to compare two runs."""
    return {
        model.__name__: sorted(map(repr, model.objects.values_list()))
        for model in (User, Drive, File, ShareLink, OAuthClient)
    }


def test_seed_demo_prints_the_documented_json(settings):
    settings.LOCALPDS_PORTAL_URL = "http://portal.test"
    settings.LOCALPDS_PUBLIC_URL = "http://pds.test"
    demo = seed_json()
    assert demo["web"] == "http://portal.test"
    assert demo["pds"] == "http://pds.test"
    assert demo["users"]["admin"]["role"] == "superadmin"
    assert demo["users"]["alice"]["role"] == demo["users"]["bob"]["role"] == "user"
    assert all(user["password"] for user in demo["users"].values())
    assert set(demo["shares"]) >= SHARE_KEYS
    for share in demo["shares"].values():
        assert re.fullmatch(r"[A-Za-z0-9]{11}", share["share_id"])
        assert share["url"] == f"http://portal.test/s/{share['share_id']}/"
    assert demo["shares"]["password"]["password"]
    assert "password" not in demo["shares"]["open"]


def test_seed_demo_is_idempotent_and_deterministic():
    first = seed_json()
    rows = snapshot()
    second = seed_json()
    assert first == second
    assert snapshot() == rows


def test_seed_demo_puts_back_what_was_changed():
    demo = seed_json()
    share = ShareLink.objects.get(pk=demo["shares"]["open"]["share_id"])
    share.share_name = "renamed"
    share.save()
    User.objects.filter(user_name="alice").update(password="")
    seed_json()
    assert ShareLink.objects.get(pk=share.pk).share_name == "Trip to the coast"
    alice = User.objects.get(user_name="alice")
    assert alice.password


def test_seed_demo_logins_work_with_the_printed_passwords(settings):
    # The stock portal URL, set here so that a PORT in the environment cannot move it.
    settings.LOCALPDS_PORTAL_URL = "http://127.0.0.1:8000"
    demo = seed_json()
    for name, user in demo["users"].items():
        assert check_password(user["password"], User.objects.get(user_name=name).password)
    client = OAuthClient.objects.get()
    assert client.allows_redirect("http://127.0.0.1:8000/dashboard/oauth/callback/")


def test_seeding_again_for_another_portal_url_adds_its_redirect_and_keeps_the_first(settings):
    # `make run PORT=9000` seeds for :9000; seeding by hand for another portal URL later must
    # not take the :9000 callback away (that broke signing in), only add its own.
    settings.LOCALPDS_PORTAL_URL = "http://127.0.0.1:9000"
    seed_json()
    settings.LOCALPDS_PORTAL_URL = "http://portal.example"
    demo = seed_json()

    client = OAuthClient.objects.get()
    assert client.allows_redirect("http://127.0.0.1:9000/dashboard/oauth/callback/")
    assert client.allows_redirect("http://portal.example/dashboard/oauth/callback/")
    assert client.redirect_uris.split() == [
        "http://127.0.0.1:9000/dashboard/oauth/callback/",
        "http://portal.example/dashboard/oauth/callback/",
    ]
    # The links printed are those of the portal URL seeded for, not the stock :8000.
    assert demo["web"] == "http://portal.example"
    assert demo["shares"]["open"]["url"] == "http://portal.example/s/DemoOpen001/"
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "http://portal.example/s/DemoOpen001/" in out.getvalue()
    assert ":8000" not in out.getvalue()


def test_seeding_twice_for_the_same_portal_url_registers_its_redirect_once(settings):
    settings.LOCALPDS_PORTAL_URL = "http://127.0.0.1:9000"
    seed_json()
    seed_json()
    assert OAuthClient.objects.get().redirect_uris.split() == [
        "http://127.0.0.1:9000/dashboard/oauth/callback/"
    ]


def test_seeding_registers_the_configured_oauth_client(settings):
    settings.LOCALPDS_OAUTH_CLIENT_ID = "portal-client"
    settings.LOCALPDS_OAUTH_CLIENT_SECRET = "s3cret-of-the-portal"
    seed_json()
    client = OAuthClient.objects.get()
    assert client.client_id == "portal-client"
    assert check_password("s3cret-of-the-portal", client.client_secret)


def test_seed_demo_shares_have_their_documented_states():
    demo = seed_json()
    shares = {key: ShareLink.objects.get(pk=s["share_id"]) for key, s in demo["shares"].items()}
    assert shares["open"].share_pwd == ""
    assert shares["password"].share_pwd == demo["shares"]["password"]["password"]
    assert shares["expired"].expiration < datetime.now(UTC)
    assert shares["cancelled"].cancelled_at is not None
    assert shares["cancelled"].status == "disabled"
    assert shares["no_download"].disable_download
    assert shares["msg"].share_policy == "msg"
    assert shares["msg"].share_msg
    assert shares["upload"].creatable
    assert not shares["open"].creatable
    assert "<script>" in shares["hostile"].share_name
    assert "onerror" in shares["hostile"].description
    assert all(s.creator.user_name == "alice" for k, s in shares.items() if k != "bob")


def test_bob_signs_in_to_the_login_share_and_saves_it_into_his_drive():
    demo = seed_json()
    share_id = demo["shares"]["login"]["share_id"]
    assert ShareLink.objects.get(pk=share_id).require_login
    refused = call("share_link/get_share_token", {"share_id": share_id})
    assert refused.status_code == 401 and refused.json()["code"] == "AccessTokenInvalid"
    bob = User.objects.get(user_name="bob")
    assert check_password(demo["users"]["bob"]["password"], bob.password)
    token = token_for(bob)
    share_token = call("share_link/get_share_token", {"share_id": share_id}, token=token).json()[
        "share_token"
    ]
    top = call(
        "file/list",
        {"share_id": share_id, "parent_file_id": "root"},
        share_token=share_token,
        token=token,
    ).json()["items"]
    assert [item["name"] for item in top] == ["Team handbook"]
    saved = call(
        "file/copy",
        {
            "share_id": share_id,
            "file_id": top[0]["file_id"],
            "to_drive_id": Drive.objects.get(owner=bob).drive_id,
            "to_parent_file_id": "root",
            "auto_rename": True,
        },
        share_token=share_token,
        token=token,
    )
    assert saved.status_code == 202, saved.content
    assert File.objects.get(pk=saved.json()["file_id"]).drive.owner == bob


def test_the_open_share_is_a_tree_three_levels_deep_of_real_files():
    demo = seed_json()
    share = ShareLink.objects.get(pk=demo["shares"]["open"]["share_id"])
    top = File.objects.get(pk=share.file_id_list[0])
    inside = File.objects.filter(id_path__startswith=top.id_path).exclude(pk=top.pk)
    assert max(row.id_path.count("/") - top.id_path.count("/") for row in inside) >= 3
    categories = {row.category for row in inside if not row.is_folder}
    assert {"image", "doc", "audio"} <= categories
    extensions = {row.file_extension for row in inside}
    assert {"png", "jpg", "pdf", "txt", "md", "wav"} <= extensions
    for row in inside.filter(type="file"):
        data = blob_path(row).read_bytes()
        assert len(data) == row.size
        if row.file_extension in ("png", "jpg"):
            assert Image.open(blob_path(row)).size[0] > 0
        if row.file_extension == "pdf":
            assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
        if row.file_extension == "wav":
            assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"


def test_the_big_share_has_a_folder_of_over_a_thousand_files():
    demo = seed_json()
    share = ShareLink.objects.get(pk=demo["shares"]["big"]["share_id"])
    assert File.objects.filter(parent_id=share.file_id_list[0]).count() >= 1000


def test_the_hostile_share_holds_names_that_break_careless_pages():
    demo = seed_json()
    share = ShareLink.objects.get(pk=demo["shares"]["hostile"]["share_id"])
    names = list(
        File.objects.filter(parent_id=share.file_id_list[0]).values_list("name", flat=True)
    )
    assert any("<script>" in name for name in names)
    assert '"><img src=x onerror=alert(1)>' in names
    assert any("\u202e" in name for name in names)
    assert any(len(name) == 255 for name in names)
    assert any(ord(ch) > 0xFFFF for name in names for ch in name)  # emoji


def test_seed_demo_prints_a_friendly_summary_with_logins():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    assert "alice-demo-password" in text
    assert "/s/DemoOpen001/" in text


def test_seed_demo_refuses_to_take_over_a_user_it_did_not_create():
    user_create(user_name="alice", password="mine", role="user")
    with pytest.raises(CommandError, match="alice"):
        call_command("seed_demo", stdout=StringIO())


# ----- localpds_import -----


@pytest.fixture
def owner():
    return user_create(user_name="carol", password="pw", role="user")


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "Holiday"
    (root / "day1" / "evening").mkdir(parents=True)
    (root / "notes.txt").write_bytes(b"notes")
    (root / "day1" / "beach.txt").write_bytes(b"sand")
    (root / "day1" / "evening" / "dinner.md").write_bytes(b"# fish")
    (root / "empty").mkdir()
    return root


def run_import(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("localpds_import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def tree_of(drive: Drive) -> dict[str, bytes | None]:
    """Every item of a drive by its path, with the contents of files."""
    rows = {row.file_id: row for row in File.objects.filter(drive=drive)}

    def path(row: File) -> str:
        return (path(rows[row.parent_id]) + "/" if row.parent_id else "") + row.name

    return {
        path(row): None if row.is_folder else blob_path(row).read_bytes() for row in rows.values()
    }


def test_import_copies_a_tree_into_the_drive(owner, tree):
    out, err = run_import("carol", str(tree))
    assert tree_of(owner.drives.get()) == {
        "Holiday": None,
        "Holiday/notes.txt": b"notes",
        "Holiday/day1": None,
        "Holiday/day1/beach.txt": b"sand",
        "Holiday/day1/evening": None,
        "Holiday/day1/evening/dinner.md": b"# fish",
        "Holiday/empty": None,
    }
    assert "3 new files" in out
    assert "4 new folders" in out
    assert err == ""


def test_reimporting_adds_nothing_twice_and_updates_changed_files(owner, tree):
    run_import("carol", str(tree))
    count = File.objects.count()
    out, _ = run_import("carol", str(tree))
    assert File.objects.count() == count
    assert "0 new files" in out and "3 unchanged" in out
    (tree / "notes.txt").write_bytes(b"new notes")
    (tree / "day1" / "extra.txt").write_bytes(b"extra")
    out, _ = run_import("carol", str(tree))
    assert File.objects.count() == count + 1
    assert "1 new files, 1 updated" in out
    items = tree_of(owner.drives.get())
    assert items["Holiday/notes.txt"] == b"new notes"
    assert items["Holiday/day1/extra.txt"] == b"extra"


def test_import_into_a_named_folder(owner, tree):
    run_import("carol", str(tree), "--into", "Trips")
    assert set(tree_of(owner.drives.get())) >= {"Trips", "Trips/notes.txt", "Trips/day1"}


def test_import_skips_symlinks_leaving_the_tree_and_reports_broken_ones(owner, tree, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"do not import")
    (tree / "escape.txt").symlink_to(secret)
    (tree / "up").symlink_to(tmp_path)
    (tree / "inside.txt").symlink_to(tree / "notes.txt")
    (tree / "loop").symlink_to(tree)
    (tree / "dangling.txt").symlink_to(tree / "missing.txt")
    out, err = run_import("carol", str(tree))
    items = tree_of(owner.drives.get())
    assert "Holiday/escape.txt" not in items
    assert "Holiday/up" not in items
    assert items["Holiday/inside.txt"] == b"notes"
    assert b"do not import" not in items.values()
    assert "escape.txt: a symlink that leads out of the folder" in err
    assert "dangling.txt: cannot be read" in err
    assert "loop" in err
    assert "skipped." in out


def test_import_of_an_unknown_user_or_missing_folder_says_why(owner, tmp_path):
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        run_import("nobody", str(tmp_path))
    with pytest.raises(CommandError, match="is not a folder"):
        run_import("carol", str(tmp_path / "missing"))
    (tmp_path / "file.txt").write_bytes(b"x")
    with pytest.raises(CommandError, match="is not a folder"):
        run_import("carol", str(tmp_path / "file.txt"))
    with pytest.raises(CommandError, match="--into"):
        run_import("carol", str(tmp_path), "--into", "a/b")
    assert not File.objects.exists()
