"""Seed the embedded PDS with demo users, files and one share of every kind.

Idempotent and deterministic: users, files and shares have fixed ids, contents are generated
in code, and a second run finds everything in place and writes nothing.
"""

import hashlib
import io
import itertools
import json
import math
import os
import struct
import wave
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Sum
from PIL import Image, ImageDraw

from common.env import STOCK_PORTAL_URL, following_ports, local_urls
from localpds.models import Drive, File, OAuthClient, ShareLink, User
from localpds.storage import (
    blob_write,
    default_drive,
    file_build,
    folder_build,
    user_create,
)

EPOCH = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
BIG_FOLDER_SIZE = 1200

USERS = {
    # name: (role, password, nick name)
    "admin": ("superadmin", "admin-demo-password", "Ada Admin"),
    "alice": ("user", "alice-demo-password", "Alice"),
    "bob": ("user", "bob-demo-password", "Bob"),
}

SHARE_IDS = {
    "open": "DemoOpen001",
    "password": "DemoPwd0002",
    "expired": "DemoExp0003",
    "cancelled": "DemoCncl004",
    "no_download": "DemoNoDl005",
    "big": "DemoBig0006",
    "hostile": "DemoHstl007",
    "msg": "DemoMsg0008",
    "bob": "DemoBob0009",
    "login": "DemoLogn010",
    "upload": "DemoUpload1",
}

LONG_NAME = ("A very long file name that keeps going and going " * 6)[:251] + ".txt"
# Names that break pages which forget to escape. "/" cannot be in a name (the drive refuses
# it, as PDS does), so the closing script tag uses U+2215 DIVISION SLASH, which looks the same.
HOSTILE_NAMES = [
    "<script>alert(1)<\u2215script>.txt",
    '"><img src=x onerror=alert(1)>',
    'Tom & Jerry\'s "best" <b>bits.txt',
    "{{ 7*7 }} ${7*7} %2e%2e%2f 100%.txt",
    "invoice\u202efdp.exe",
    "\U0001f389 Party \U0001f984 family \U0001f468\u200d\U0001f469\u200d\U0001f467.png",
    LONG_NAME,
]


def demo_id(*parts: str) -> str:
    """A fixed 40-hex file id (or a shorter user id) derived from a demo item's place."""
    return hashlib.sha256(":".join(("shareportal-demo", *parts)).encode()).hexdigest()[:40]


# ----- Contents, generated in code so that they are the same on every machine -----


def picture(seed: int, size: tuple[int, int], fmt: str) -> bytes:
    """A small picture: a sky-to-sea gradient, a sun, and a few waves."""
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    hue = [(255, 170, 90), (120, 180, 255), (250, 120, 160), (140, 220, 170)][seed % 4]
    for y in range(height):
        t = y / max(1, height - 1)
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(c * (1 - t) + d * t) for c, d in zip(hue, (20, 60, 120), strict=True)),
        )
    r = min(size) // 6
    cx, cy = width * (2 + seed % 3) // 6, height // 3
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=(255, 235, 150))
    for k in range(4):
        y = height * (6 + k) // 10
        draw.arc([-width // 4, y - 10, width + width // 4, y + 10], 0, 180, fill=(235, 245, 255))
    buffer = io.BytesIO()
    if fmt == "JPEG":
        image.save(buffer, "JPEG", quality=85)
    else:
        image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF with a title and a few lines of text, written by hand."""

    def text(value: str) -> str:
        return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    commands = [f"BT /F1 22 Tf 72 720 Td ({text(title)}) Tj ET"]
    commands += [
        f"BT /F1 12 Tf 72 {680 - 18 * i} Td ({text(line)}) Tj ET" for i, line in enumerate(lines)
    ]
    stream = "\n".join(commands)
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def sound(seconds: float = 1.5, rate: int = 8000) -> bytes:
    """A short WAV: a soft tone that swells and fades like a wave on the shore."""
    frames = bytearray()
    total = int(seconds * rate)
    for n in range(total):
        envelope = math.sin(math.pi * n / total)
        value = 0.4 * envelope * math.sin(2 * math.pi * 220 * n / rate)
        frames += struct.pack("<h", int(value * 32767))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(frames))
    return buffer.getvalue()


README = """# Trip to the coast

Everything from our week by the sea: **photos**, the itinerary (PDF), notes and the sound of
the waves.

- `Photos/` has the best pictures, by day.
- `Audio/waves.wav` is one and a half seconds of calm.

> Shared with shareportal's demo data.
"""

NOTES = "Pack: sunscreen, towels, a good book.\nDon't forget the camera charger!\n"

# A two-second clip, 160x90 VP9 in WebM (made once with ffmpeg, see demo_assets/README.md).
CLIP = (Path(__file__).resolve().parent / "demo_assets" / "clip.webm").read_bytes()

PACKING_SCRIPT = """\"\"\"Check the bag before leaving for the coast.\"\"\"

PACKING = ["sunscreen", "towels", "a good book", "camera charger"]


def missing(packed: set[str]) -> list[str]:
    return [thing for thing in PACKING if thing not in packed]


if __name__ == "__main__":
    print(missing({"towels"}))
"""

# Files that would run in the browser if a page showed them as HTML or SVG on our origin: the
# preview page shows their source, escaped. The open share has one of each kind of file.
POSTCARD_HTML = b"""<!doctype html>
<html><head><title>Postcard</title><script>alert("postcard")</script></head>
<body onload="alert('body')"><h1>Greetings from the coast</h1>
<img src=x onerror="alert('img')"></body></html>
"""
MAP_SVG = b"""<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60" onload="alert('svg')">
  <script>alert("inside the svg")</script>
  <rect width="120" height="60" fill="#4a90d9"/><circle cx="90" cy="20" r="10" fill="#f5c542"/>
</svg>
"""
SCRIPT_TXT = b"<script>alert('text')</script>\n<img src=x onerror=alert(1)>\n"
LINKS_MD = b"""# Links, some of them hostile

[A javascript link](javascript:alert('md')) and
[a data link](data:text/html,<script>alert(1)</script>) and [a fine one](https://example.com/coast).

<script>alert("raw html")</script>
<img src="https://tracker.example/pixel.png" onerror="alert('img')">
<a href="https://example.com" onclick="alert('click')">raw link</a>

![a picture from elsewhere](https://tracker.example/picture.png)
"""


# ----- The demo tree -----


@dataclass
class Node:
    """A file (`content` set) or a folder (`children`) of the demo tree."""

    name: str
    content: bytes | None = None
    children: list["Node"] = field(default_factory=list)


def folder(name: str, *children: Node) -> Node:
    return Node(name, children=list(children))


def big_folder() -> Node:
    # Sizes vary, so that ordering by size means something.
    return folder(
        f"{BIG_FOLDER_SIZE:,} files",
        *(
            Node(
                f"file-{i:04d}.txt",
                f"This is file {i} of {BIG_FOLDER_SIZE}.\n".encode() * (i % 7 + 1),
            )
            for i in range(1, BIG_FOLDER_SIZE + 1)
        ),
    )


def alice_tree() -> dict[str, list[Node]]:
    """Alice's drive: per share key, the top-level items it shares."""
    return {
        "open": [
            folder(
                "Trip to the coast",
                Node("README.md", README.encode()),
                Node("itinerary.pdf", pdf("Itinerary", ["Day 1: arrive", "Day 2: lighthouse"])),
                Node("notes.txt", NOTES.encode()),
                folder(
                    "Photos",
                    Node("beach.png", picture(0, (480, 320), "PNG")),
                    Node("sunset.jpg", picture(1, (640, 427), "JPEG")),
                    folder(
                        "Day 2",
                        Node("lighthouse.jpg", picture(2, (400, 600), "JPEG")),
                        folder("Tiny details", Node("shell.png", picture(3, (96, 96), "PNG"))),
                    ),
                ),
                folder("Audio", Node("waves.wav", sound())),
                Node("clip.webm", CLIP),
                Node("packing.py", PACKING_SCRIPT.encode()),
                Node("postcard.html", POSTCARD_HTML),
                Node("map.svg", MAP_SVG),
            ),
            Node("welcome.txt", b"Welcome! This share has a folder and this loose file.\n"),
        ],
        "password": [
            folder(
                "Private plans",
                Node("surprise-party.md", b"# Surprise party\n\nSaturday, 7 pm. Keep it quiet!\n"),
                Node("guest-list.txt", b"Alice\nBob\nCarol\n"),
            )
        ],
        "expired": [folder("Last year's event", Node("program.txt", b"It is over now.\n"))],
        "cancelled": [folder("Withdrawn", Node("draft.txt", b"Never mind.\n"))],
        "no_download": [
            folder(
                "View only",
                Node("poster.jpg", picture(4, (300, 420), "JPEG")),
                Node("flyer.pdf", pdf("Flyer", ["Look, but do not take."])),
            )
        ],
        "big": [big_folder()],
        "hostile": [
            folder(
                "Hostile names",
                *(
                    Node(name, picture(5, (64, 64), "PNG") if name.endswith(".png") else b"boo\n")
                    for name in HOSTILE_NAMES
                ),
                folder('"><svg onload=alert(1)>', Node("inside.txt", b"inside\n")),
            ),
            folder(
                "Hostile contents",
                Node("page.html", POSTCARD_HTML),
                Node("drawing.svg", MAP_SVG),
                Node("script.txt", SCRIPT_TXT),
                Node("links.md", LINKS_MD),
            ),
        ],
        "msg": [Node("Message share.txt", b"You found it with the share message.\n")],
        # Only for people signed in to the drive (bob can sign in and save it into his).
        "login": [
            folder(
                "Team handbook",
                Node("welcome.md", b"# Welcome to the team\n\nSign-in required to read this.\n"),
                folder("Templates", Node("report.txt", b"Title:\nSummary:\n")),
            )
        ],
        # Visitors may add files here (enable_upload); what they add stays, seed or not.
        "upload": [
            folder(
                "Drop box",
                Node("How to add files.txt", b"Drop files on the page, or choose them.\n"),
            )
        ],
    }


def bob_tree() -> dict[str, list[Node]]:
    return {
        "bob": [
            folder(
                "Bob's recipes",
                Node("pancakes.md", b"# Pancakes\n\nFlour, eggs.\n"),
                folder("Desserts", Node("crepes.md", b"# Crepes\n\nThinner pancakes.\n")),
            )
        ]
    }


# ----- The shares' settings -----


def share_settings(key: str) -> dict[str, Any]:
    """Everything but the files and the owner, for each demo share."""
    base = {
        "share_pwd": "",
        "pwd_version": 0,
        "share_policy": ShareLink.Policy.URL,
        "share_msg": "",
        "expiration": None,
        "status": ShareLink.Status.ENABLED,
        "cancelled_at": None,
        "disable_download": False,
        "require_login": False,
        "creatable": False,
        "description": "",
    }
    specific: dict[str, dict[str, Any]] = {
        "open": {"share_name": "Trip to the coast", "description": "Photos, notes and sounds."},
        "password": {"share_name": "Private plans", "share_pwd": "demo-pass"},
        "expired": {
            "share_name": "Last year's event",
            "expiration": datetime(2025, 1, 1, tzinfo=UTC),
        },
        "cancelled": {
            "share_name": "Withdrawn",
            "status": ShareLink.Status.DISABLED,
            "cancelled_at": EPOCH + timedelta(days=2),
        },
        "no_download": {"share_name": "View only", "disable_download": True},
        "big": {"share_name": f"{BIG_FOLDER_SIZE:,} files"},
        "hostile": {
            "share_name": "<script>alert(\"share\")</script> & 'quotes' \u202eevil \U0001f608",
            "description": '"><img src=x onerror=alert(document.domain)> </textarea><b>bold',
        },
        "msg": {
            "share_name": "Message share",
            "share_policy": ShareLink.Policy.MSG,
            "share_msg": "coast-2025-demo",
            "share_pwd": "msg1",
        },
        "bob": {"share_name": "Bob's recipes"},
        "login": {"share_name": "Team handbook", "require_login": True},
        "upload": {
            "share_name": "Drop box",
            "description": "Add your files for Alice here.",
            "creatable": True,
        },
    }
    return {**base, **specific[key]}


# ----- Writing it, idempotently -----


def _flatten(
    drive: Drive, key: str, nodes: list[Node], parent: File | None, clock: Iterator[datetime]
) -> list[File]:
    """Rows (unsaved) for a subtree, parents before children, with fixed ids and times."""
    rows = []
    parent_key = parent.file_id if parent else f"{drive.owner.user_name}:{key}"
    for node in nodes:
        file_id = demo_id("file", parent_key, node.name)
        when = next(clock)
        if node.content is None:
            row = folder_build(
                drive=drive, parent=parent, name=node.name, created_at=when, file_id=file_id
            )
            rows.append(row)
            rows += _flatten(drive, key, node.children, row, clock)
        else:
            content_hash, size = blob_write(node.content)
            rows.append(
                file_build(
                    drive=drive,
                    parent=parent,
                    name=node.name,
                    content_hash=content_hash,
                    size=size,
                    created_at=when,
                    file_id=file_id,
                )
            )
    return rows


SYNCED_FILE_FIELDS = [
    "drive_id",
    "parent_id",
    "id_path",
    "name",
    "type",
    "size",
    "content_type",
    "file_extension",
    "category",
    "content_hash",
    "created_at",
    "updated_at",
]


def _sync_files(rows: list[File]) -> int:
    """Insert missing rows and put changed ones back; return how many rows were written."""
    existing = File.objects.in_bulk([row.file_id for row in rows])
    missing = [row for row in rows if row.file_id not in existing]
    changed = [
        row
        for row in rows
        if row.file_id in existing
        and any(
            getattr(existing[row.file_id], name) != getattr(row, name)
            for name in SYNCED_FILE_FIELDS
        )
    ]
    File.objects.bulk_create(missing, batch_size=500)
    if changed:
        File.objects.bulk_update(
            changed, [name.removesuffix("_id") for name in SYNCED_FILE_FIELDS], batch_size=500
        )
    return len(missing) + len(changed)


def _sync_row(model, pk: str, values: dict[str, Any], stamps: dict[str, Any]) -> bool:
    """Create the row or update only what differs; `stamps` are auto-set dates to pin."""
    row = model.objects.filter(pk=pk).first()
    if row is None:
        model.objects.create(pk=pk, **values)
        model.objects.filter(pk=pk).update(**stamps)
        return True
    diff = {name: value for name, value in values.items() if getattr(row, name) != value}
    if diff:
        # A queryset update leaves updated_at alone, so a re-seed is not a change.
        model.objects.filter(pk=pk).update(**diff)
    return bool(diff)


def _sync_user(name: str) -> User:
    role, password, nick_name = USERS[name]
    user_id = demo_id("user", name)[:32]
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        if User.objects.filter(user_name=name).exists():
            raise CommandError(
                f"A user named {name!r} exists that the demo did not create; "
                "rename it or use another database."
            )
        return user_create(
            user_name=name, password=password, role=role, nick_name=nick_name, user_id=user_id
        )
    changes: dict[str, Any] = {}
    if not check_password(password, user.password):
        changes["password"] = make_password(password)
    for attr, value in [("role", role), ("nick_name", nick_name), ("status", "enabled")]:
        if getattr(user, attr) != value:
            changes[attr] = value
    if changes:
        User.objects.filter(pk=user_id).update(**changes)
        user.refresh_from_db()
    return user


def portal_url() -> str:
    """The portal's base URL as `make run` gives it to the processes.

    LOCALPDS_PORTAL_URL when configured; unset or the stock value, it follows HOST and PORT
    like bin/run.py, so that `PORT=9000 python -m localpds seed_demo` after
    `make run PORT=9000` registers and prints the same portal. Only this development command
    follows PORT: a deployed drive reads the setting alone (under a process manager PORT may be
    the drive's own).
    """
    return following_ports(
        settings.LOCALPDS_PORTAL_URL, STOCK_PORTAL_URL, local_urls(os.environ).portal
    )


def portal_redirect_uri() -> str:
    """The portal's OAuth callback, added to the redirects already registered."""
    return portal_url() + "/dashboard/oauth/callback/"


def _sync_oauth_client() -> None:
    """Register the portal as an OAuth client, or bring its secret up to date.

    The redirect URI of this portal URL is added to those already registered, never put in
    their place: a portal started on another port (or a second one) keeps signing in when the
    demo is seeded again by hand.
    """
    client_id = settings.LOCALPDS_OAUTH_CLIENT_ID
    secret = settings.LOCALPDS_OAUTH_CLIENT_SECRET or "shareportal-demo-secret"
    redirect_uri = portal_redirect_uri()
    client = OAuthClient.objects.filter(pk=client_id).first()
    if client is None:
        OAuthClient.objects.create(
            client_id=client_id,
            name="shareportal",
            client_secret=make_password(secret),
            redirect_uris=redirect_uri,
        )
        return
    changes: dict[str, Any] = {}
    if not check_password(secret, client.client_secret):
        changes["client_secret"] = make_password(secret)
    registered = client.redirect_uris.split()
    if redirect_uri not in registered:
        # One per line, as OAuthClient.allows_redirect reads them.
        changes["redirect_uris"] = "\n".join([*registered, redirect_uri])
    if changes:
        OAuthClient.objects.filter(pk=client.pk).update(**changes)


def seed() -> dict[str, Any]:
    """Write the demo data (only what is missing or changed) and describe it."""
    users = {name: _sync_user(name) for name in USERS}
    _sync_oauth_client()
    # Every item is a minute younger than the one before, in a fixed order.
    clock = (EPOCH + timedelta(minutes=n) for n in itertools.count(1))
    for owner, tree in [("alice", alice_tree()), ("bob", bob_tree())]:
        drive = default_drive(users[owner])
        for key, nodes in tree.items():
            rows = _flatten(drive, key, nodes, None, clock)
            _sync_files(rows)
            top_ids = [row.file_id for row in rows if row.parent_id is None]
            values = {
                "creator": users[owner],
                "drive": drive,
                "file_id_list": top_ids,
                **share_settings(key),
            }
            stamp = EPOCH + timedelta(days=list(SHARE_IDS).index(key))
            _sync_row(ShareLink, SHARE_IDS[key], values, {"created_at": stamp, "updated_at": stamp})
        total = drive.files.aggregate(total=Sum("size"))["total"] or 0
        if drive.total_size != total:
            Drive.objects.filter(pk=drive.pk).update(total_size=total)
    return describe()


def describe() -> dict[str, Any]:
    # The URLs bin/run.py gives the processes: configured, or following PORT and PDS_PORT.
    web = portal_url()
    shares: dict[str, dict[str, str]] = {}
    for key, share_id in SHARE_IDS.items():
        entry = {"share_id": share_id, "url": f"{web}/s/{share_id}/"}
        pwd = share_settings(key)["share_pwd"]
        if pwd:
            entry["password"] = pwd
        if share_settings(key)["share_msg"]:
            entry["share_msg"] = share_settings(key)["share_msg"]
        shares[key] = entry
    return {
        "web": web,
        "pds": settings.LOCALPDS_PUBLIC_URL or local_urls(os.environ).drive,
        "users": {name: {"password": pw, "role": role} for name, (role, pw, _) in USERS.items()},
        "shares": shares,
    }


class Command(BaseCommand):
    help = "Create (or restore) the demo users, files and shares of the embedded PDS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print the demo as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            demo = seed()
        if options["json"]:
            self.stdout.write(json.dumps(demo, indent=2))
            return
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write(f"\nPortal: {demo['web']}\nEmbedded PDS: {demo['pds']}\n\nUsers:")
        for name, user in demo["users"].items():
            self.stdout.write(f"  {name:<6} password {user['password']:<22} ({user['role']})")
        self.stdout.write("\nShares:")
        for key, share in demo["shares"].items():
            extra = f"  password: {share['password']}" if "password" in share else ""
            self.stdout.write(f"  {key:<12} {share['url']}{extra}")
