#!/usr/bin/env python
"""The translations of both projects: extract, update, check and compile the .po files.

    bin/messages.py update      extract every marked string, update each .po (`make messages`)
    bin/messages.py compile     write each .mo beside its .po (`make run`, `make test` do)
    bin/messages.py check       exit 1 naming what is untranslated, fuzzy or mistyped
    bin/messages.py add CODE    start the .po files of a new language (Django's code: fr, pt-br)

Pure Python (Babel), so no machine needs GNU gettext: Django's own `makemessages` cannot read
the share pages' Jinja2 templates, and `compilemessages` needs `msgfmt`. Django templates are
read the way `makemessages` reads them (Django's `templatize`), Jinja2 templates by Jinja2's own
extractor with the `trimmed` policy the environment has (shareportal/jinja2.py).

The .po files are written sorted and without source locations, so that an update changes only
the messages that changed and two branches adding strings rarely conflict; running it twice
changes nothing.
"""

import io
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract as extract_from
from babel.messages.extract import extract_javascript, extract_python
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

BASE_DIR = Path(__file__).resolve().parent.parent

# Django's gettext functions, as makemessages gives them to xgettext.
KEYWORDS: dict[str, Any] = {
    "_": None,
    "_lazy": None,  # shares/views.py's name for gettext_lazy
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
# A comment starting so, just before a marked string, goes to the translator.
COMMENT_TAGS = ["Translators:"]

type Extractor = Callable[..., Iterable[tuple]]


def _django_template(
    fileobj: io.BytesIO, keywords: object, comment_tags: object, options: object
) -> Iterable[tuple]:
    """A Django template as makemessages reads it: turned into Python by Django's templatize."""
    from django.utils.translation.template import templatize

    # Its text outside the tags is blanked into letters, indented as the template was: Python's
    # tokenizer (unlike xgettext) refuses that indentation, which means nothing here.
    code = "\n".join(line.lstrip() for line in templatize(fileobj.read().decode()).splitlines())
    return extract_python(io.BytesIO(code.encode()), keywords, comment_tags, options)  # type: ignore[arg-type]


def _jinja2_template(
    fileobj: io.BytesIO, keywords: object, comment_tags: object, options: object
) -> Iterable[tuple]:
    from jinja2.ext import babel_extract

    options = {"trimmed": "true", "newstyle_gettext": "true"}
    return babel_extract(fileobj, keywords, comment_tags, options)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Domain:
    """One catalogue: the sources it is extracted from, and where its .po files live."""

    project: str
    domain: str  # Django's: "django", or "djangojs" for JavaScript.
    locale_dir: Path
    sources: tuple[tuple[str, Extractor], ...]  # (glob under BASE_DIR, extractor)
    exclude: tuple[str, ...] = ()

    def files(self) -> Iterator[tuple[Path, Extractor]]:
        seen: set[Path] = set()
        for pattern, extractor in self.sources:
            for path in sorted(BASE_DIR.glob(pattern)):
                relative = path.relative_to(BASE_DIR).as_posix()
                if path in seen or any(relative.startswith(x) for x in self.exclude):
                    continue
                seen.add(path)
                yield path, extractor

    def po_path(self, locale: str) -> Path:
        return self.locale_dir / locale / "LC_MESSAGES" / f"{self.domain}.po"

    def locales(self) -> list[str]:
        if not self.locale_dir.is_dir():
            return []
        return sorted(p.name for p in self.locale_dir.iterdir() if (p / "LC_MESSAGES").is_dir())


DOMAINS = (
    Domain(
        project="shareportal",
        domain="django",
        locale_dir=BASE_DIR / "locale",
        sources=(
            ("shareportal/**/*.py", extract_python),
            ("common/**/*.py", extract_python),
            ("templates/jinja2/**/*.html", _jinja2_template),
            ("templates/**/*.html", _django_template),
            ("shareportal/**/templates/**/*.html", _django_template),
        ),
        exclude=("shareportal/settings.py",),
    ),
    Domain(
        project="shareportal",
        domain="djangojs",
        locale_dir=BASE_DIR / "locale",
        sources=(("static/**/*.js", extract_javascript),),
    ),
    Domain(
        project="localpds",
        domain="django",
        locale_dir=BASE_DIR / "localpds" / "locale",
        sources=(
            ("localpds/**/*.py", extract_python),
            ("localpds/templates/**/*.html", _django_template),
        ),
        exclude=("localpds/settings.py", "localpds/migrations/"),
    ),
)


def _django_setup() -> None:
    """templatize needs Django's settings configured (any will do: it reads none that matter)."""
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(USE_I18N=True)
        django.setup()


def extract(domain: Domain) -> Catalog:
    """Every string marked in the domain's sources, as a template catalogue."""
    _django_setup()
    template = Catalog(project=domain.project, fuzzy=False)
    for path, extractor in domain.files():
        with path.open("rb") as fileobj:
            found = extract_from(extractor, fileobj, KEYWORDS, COMMENT_TAGS, {})
            for _lineno, msgid, comments, context in found:
                key = msgid if isinstance(msgid, str) else msgid[0]
                existing = template.get(key, context)
                auto = sorted(set(existing.auto_comments if existing else []) | set(comments))
                template.add(msgid, context=context, auto_comments=auto)
    return template


def _load(path: Path, locale: str) -> Catalog:
    with path.open("rb") as fileobj:
        return read_po(fileobj, locale=locale)


def _write(path: Path, catalog: Catalog) -> None:
    buffer = io.BytesIO()
    write_po(
        buffer,
        catalog,
        width=100,
        no_location=True,
        omit_header=False,
        sort_output=True,
        ignore_obsolete=True,
        include_previous=False,
    )
    data = buffer.getvalue()
    if not path.exists() or path.read_bytes() != data:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _stable_header(catalog: Catalog, old: Catalog | None) -> None:
    """Keep the dates (and who) of the header as they were: no churn from a mere re-run."""
    catalog.fuzzy = False
    if old is not None:
        catalog.creation_date = old.creation_date
        catalog.revision_date = old.revision_date
        catalog.last_translator = old.last_translator
        catalog.language_team = old.language_team
    catalog.msgid_bugs_address = ""
    catalog.version = ""
    catalog.header_comment = (
        f"# {catalog.locale_identifier} translations of {catalog.project}.\n"
        "# Updated by `make messages` (bin/messages.py): translate the empty msgstr entries."
    )


def update() -> None:
    """Bring every .po up to the sources: new strings empty, removed ones gone."""
    for domain in DOMAINS:
        template = extract(domain)
        for locale in domain.locales():
            path = domain.po_path(locale)
            old = _load(path, locale) if path.exists() else None
            catalog = old or Catalog(locale=locale, project=domain.project)
            if old is not None:
                # Reread: update() changes the catalogue in place, and the header is kept apart.
                catalog = _load(path, locale)
            catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
            _stable_header(catalog, old)
            _write(path, catalog)
            print(f"{path.relative_to(BASE_DIR, walk_up=True)}: {len(catalog)} messages")


def add(language: str) -> None:
    """Start the .po files of a language for every domain."""
    from django.utils.translation import to_locale

    locale = to_locale(language)
    for domain in DOMAINS:
        path = domain.po_path(locale)
        if not path.exists():
            catalog = Catalog(locale=locale, project=domain.project)
            _stable_header(catalog, None)
            _write(path, catalog)
    update()


def compile_all(*, quiet: bool = False) -> None:
    """Write each .mo beside its .po (skipping the ones already newer than their .po)."""
    for domain in DOMAINS:
        for locale in domain.locales():
            po = domain.po_path(locale)
            mo = po.with_suffix(".mo")
            if not po.exists() or (mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime):
                continue
            catalog = _load(po, locale)
            buffer = io.BytesIO()
            write_mo(buffer, catalog, use_fuzzy=False)
            tmp = mo.with_suffix(".mo.tmp")
            tmp.write_bytes(buffer.getvalue())
            tmp.replace(mo)
            if not quiet:
                print(f"compiled {mo.relative_to(BASE_DIR, walk_up=True)}")


PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text.replace("%%", "")))


def _mistyped(message: Message) -> bool:
    """A translation whose %(name)s placeholders are not the original's: it would crash."""
    ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
    strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
    wanted = set()
    for msgid in ids:
        wanted |= set(_placeholders(msgid or ""))
    for string in strings:
        got = set(_placeholders(string or ""))
        # A plural may leave the count out ("一个" for "one item"); nothing else.
        if not got <= wanted or (len(ids) == 1 and got != wanted):
            return True
    return False


def problems() -> list[str]:
    """What keeps the catalogues from being complete: one line per message at fault."""
    found: list[str] = []
    for domain in DOMAINS:
        template = extract(domain)
        locales = domain.locales()
        if not locales:
            found.append(
                f"{domain.locale_dir.relative_to(BASE_DIR, walk_up=True)}: no language at all"
            )
        for locale in locales:
            path = domain.po_path(locale)
            name = path.relative_to(BASE_DIR, walk_up=True)
            if not path.exists():
                found.append(f"{name}: missing (run `make messages`)")
                continue
            catalog = _load(path, locale)
            for message in template:
                if not message.id:
                    continue
                translated = catalog.get(message.id, message.context)
                label = message.id if isinstance(message.id, str) else message.id[0]
                if translated is None:
                    found.append(f"{name}: not in the file (run `make messages`): {label!r}")
                elif translated.fuzzy:
                    found.append(f"{name}: fuzzy: {label!r}")
                elif not all(
                    translated.string
                    if isinstance(translated.string, (list, tuple))
                    else [translated.string]
                ):
                    found.append(f"{name}: untranslated: {label!r}")
                elif _mistyped(translated):
                    found.append(f"{name}: placeholders differ from the original: {label!r}")
    return found


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else ""
    if command == "update":
        update()
    elif command == "compile":
        compile_all()
    elif command == "add" and len(argv) == 3:
        add(argv[2])
    elif command == "check":
        found = problems()
        for line in found:
            print(line)
        if found:
            print(f"{len(found)} problems: translate them in the .po files named.")
            return 1
        print("Every marked string is translated.")
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
