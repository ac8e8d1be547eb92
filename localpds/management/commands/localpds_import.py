"""Import a directory tree from disk into a user's drive in the embedded PDS.

Re-running it is safe: an item whose name is already taken in its folder is matched, not
duplicated (a file with new contents is updated in place, an unchanged one is skipped).
"""

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from localpds.models import Drive, File, User
from localpds.storage import (
    CHUNK_SIZE,
    InvalidName,
    default_drive,
    file_create,
    file_replace_content,
    folder_create,
    name_validate,
)


@dataclass
class Tally:
    folders: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    bytes: int = 0
    problems: list[str] = field(default_factory=list)


def _sha1_of(path: Path) -> str:
    digest = hashlib.sha1(usedforsecurity=False)
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK_SIZE), b""):
            digest.update(chunk)
    return digest.hexdigest().upper()


class Importer:
    """Walks a directory and mirrors it into one folder of a drive."""

    def __init__(self, *, drive: Drive, root: Path) -> None:
        self.drive = drive
        self.root = root.resolve()
        self.tally = Tally()
        self._seen_dirs: set[Path] = set()
        # Never import the drive's own storage into itself (say, when importing a checkout).
        self._skip = {Path(settings.LOCALPDS_DATA_DIR).resolve()}

    def problem(self, path: Path, why: str) -> None:
        self.tally.problems.append(f"{path}: {why}")

    def folder_in(self, parent: File | None, name: str, path: Path) -> File | None:
        existing = self._children(parent).get(name)
        if existing is not None:
            if existing.is_folder:
                return existing
            self.problem(path, "a file of that name is in the way")
            return None
        self.tally.folders += 1
        return folder_create(drive=self.drive, parent=parent, name=name)

    def _children(self, parent: File | None) -> dict[str, File]:
        rows = File.objects.filter(drive=self.drive, parent=parent).order_by("file_id")
        children: dict[str, File] = {}
        for row in rows:
            children.setdefault(row.name, row)
        return children

    def walk(self, directory: Path, parent: File) -> None:
        real = directory.resolve()
        if real in self._seen_dirs:
            self.problem(directory, "already imported (a symlink loop?)")
            return
        self._seen_dirs.add(real)
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError as error:
            self.problem(directory, f"cannot be read ({error.strerror or error})")
            return
        children = self._children(parent)
        for entry in entries:
            self.entry(Path(entry.path), entry.name, parent, children)

    def entry(self, path: Path, name: str, parent: File, children: dict[str, File]) -> None:
        try:
            name.encode("utf-8")
            name_validate(name)
        except (UnicodeEncodeError, InvalidName):
            self.problem(path, "the name is not valid UTF-8 or not allowed")
            return
        if path.is_symlink():
            target = path.resolve()
            if not target.is_relative_to(self.root):
                self.problem(path, "a symlink that leads out of the folder")
                return
        try:
            mode = path.stat().st_mode
        except OSError as error:
            self.problem(path, f"cannot be read ({error.strerror or error})")
            return
        if path.resolve() in self._skip:
            self.problem(path, "the drive's own data directory")
            return
        if stat.S_ISDIR(mode):
            folder = self.folder_in(parent, name, path)
            if folder is not None:
                children[name] = folder
                self.walk(path, folder)
        elif stat.S_ISREG(mode):
            self.file(path, name, parent, children.get(name))
        else:
            self.problem(path, "not a regular file or folder")

    def file(self, path: Path, name: str, parent: File, existing: File | None) -> None:
        if existing is not None and existing.is_folder:
            self.problem(path, "a folder of that name is in the way")
            return
        try:
            if existing is not None:
                if _sha1_of(path) == existing.content_hash:
                    self.tally.unchanged += 1
                    return
                with path.open("rb") as handle:
                    row = file_replace_content(file=existing, content=handle)
                self.tally.updated += 1
            else:
                with path.open("rb") as handle:
                    row = file_create(drive=self.drive, parent=parent, name=name, content=handle)
                self.tally.created += 1
        except OSError as error:
            self.problem(path, f"cannot be read ({error.strerror or error})")
            return
        self.tally.bytes += row.size


class Command(BaseCommand):
    help = (
        "Import a folder from disk (recursively) into a user's drive. Running it again "
        "adds what is new and updates what changed, without duplicates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="The drive owner's user name.")
        parser.add_argument("folder", help="The folder on disk to import.")
        parser.add_argument(
            "--into",
            metavar="NAME",
            help="The top-level folder of the drive to import into (default: the folder's name).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(user_name=options["username"]).first()
        if user is None:
            raise CommandError(f"There is no user named {options['username']!r}.")
        source = Path(options["folder"]).expanduser()
        if not source.is_dir():
            raise CommandError(f"{source} is not a folder (or does not exist).")
        if not os.access(source, os.R_OK | os.X_OK):
            raise CommandError(f"{source} cannot be read.")
        target_name = options["into"] or source.resolve().name
        try:
            name_validate(target_name)
        except InvalidName as error:
            raise CommandError(f"--into: {error}") from None

        importer = Importer(drive=default_drive(user), root=source)
        top = importer.folder_in(None, target_name, source)
        if top is None:
            raise CommandError(f"The drive has a file named {target_name!r} at its top.")
        importer.walk(source, top)

        tally = importer.tally
        for problem in tally.problems:
            self.stderr.write(f"Skipped {problem}")
        self.stdout.write(
            f"Imported {source} into {user.user_name}'s drive, folder {target_name!r}: "
            f"{tally.created} new files, {tally.updated} updated ({tally.bytes:,} bytes written), "
            f"{tally.unchanged} unchanged, {tally.folders} new folders, "
            f"{len(tally.problems)} skipped."
        )
