"""`python -m localpds pds_token <username> [--hours N]`: print an access token for a drive user.

For development and tests until an OAuth client is at hand: the token is as real as one from
`oauth/token` (random, stored only as its hash, expiring).
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError, CommandParser

from localpds.models import User
from localpds.tokens import access_token_issue


class Command(BaseCommand):
    help = "Print a new access token (Authorization: Bearer ...) for a user of the embedded PDS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="user_name of the drive user")
        parser.add_argument(
            "--hours", type=float, default=1.0, help="lifetime in hours (default 1)"
        )

    def handle(self, *args, username: str, hours: float, **options) -> None:
        if not 0 < hours <= 24 * 365:
            raise CommandError("--hours must be more than 0 and at most a year (8760).")
        user = User.objects.filter(user_name=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r} in the embedded PDS.")
        if user.status != User.Status.ENABLED:
            raise CommandError(f"The user {username!r} is disabled.")
        raw, _ = access_token_issue(user=user, lifetime=timedelta(hours=hours))
        self.stdout.write(raw)
