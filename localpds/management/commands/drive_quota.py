"""`python -m localpds drive_quota <username> [<bytes>]`: show or set a user's drive quota.

The quota (`Drive.quota`, bytes; 0 means none) is what uploads are checked against
(`QuotaExhausted.Drive`, docs/pds-api.md#filecreate). Sizes may carry a unit: `500MB`,
`10GiB` (KB, MB, GB, TB are powers of 1000; KiB, MiB, GiB, TiB of 1024).
"""

import re

from django.core.management.base import BaseCommand, CommandError, CommandParser

from localpds.models import Drive, User
from localpds.storage import default_drive

_SIZE = re.compile(r"^(\d+)\s*([KMGT]i?B|B)?$", re.IGNORECASE)
_UNITS = {"b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12}
_UNITS |= {"kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}


def size_in_bytes(text: str) -> int:
    match = _SIZE.match(text.strip())
    if not match:
        raise CommandError(f"{text!r} is not a size: give bytes, or a number with KB, MiB, GB...")
    number, unit = match.groups()
    return int(number) * _UNITS[(unit or "b").lower()]


class Command(BaseCommand):
    help = "Show or set the quota of a user's default drive (0: no quota)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="user_name of the drive user")
        parser.add_argument("size", nargs="?", help="the new quota, e.g. 10GiB; 0 for none")

    def handle(self, *args, username: str, size: str | None, **options) -> None:
        user = User.objects.filter(user_name=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r} in the embedded PDS.")
        drive = default_drive(user)
        if size is not None:
            Drive.objects.filter(pk=drive.pk).update(quota=size_in_bytes(size))
            drive.refresh_from_db()
        quota = f"{drive.quota} bytes" if drive.quota else "none"
        self.stdout.write(f"drive {drive.drive_id}: {drive.total_size} bytes used, quota {quota}")
