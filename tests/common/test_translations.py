"""Every marked string of both projects has its Simplified Chinese translation, not fuzzy.

The strings are extracted afresh from the sources (as `make messages` does) and looked up in
the .po files in the repository: a string added without running `make messages` and
translating it, an empty or fuzzy translation, or one that drops or adds a placeholder fails
here, naming it.
"""

import importlib.util
from pathlib import Path

from babel.messages.catalog import Catalog

BASE_DIR = Path(__file__).resolve().parents[2]


def _messages():
    spec = importlib.util.spec_from_file_location("messages", BASE_DIR / "bin" / "messages.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


messages = _messages()


def test_every_marked_string_is_translated_and_none_is_fuzzy():
    problems = messages.problems()

    assert not problems, "\n".join(["run `make messages`, then translate:", *problems])


def test_the_catalogues_are_there_for_simplified_chinese():
    portal = next(d for d in messages.DOMAINS if d.project == "shareportal")
    drive = next(d for d in messages.DOMAINS if d.project == "localpds")

    assert portal.locales() == ["zh_Hans"]
    assert drive.locales() == ["zh_Hans"]
    assert len(messages.extract(portal)) > 300
    assert len(messages.extract(drive)) > 20


def test_extraction_reads_each_kind_of_source():
    portal = next(
        d for d in messages.DOMAINS if d.project == "shareportal" and d.domain == "django"
    )
    drive = next(d for d in messages.DOMAINS if d.project == "localpds")
    strings = {m.id if isinstance(m.id, str) else m.id[0] for m in messages.extract(portal)}
    drive_strings = {m.id if isinstance(m.id, str) else m.id[0] for m in messages.extract(drive)}

    assert "Skip to content" in strings  # Jinja2 and Django templates
    assert "%(count)s item" in strings  # a Jinja2 {% trans count %} plural
    assert "Your changes to the share are saved." in strings  # Python
    assert "You can try again %(when)s, at %(at)s." in strings  # a {% trans %} with variables
    assert "Not you? Sign out" in drive_strings  # the drive's own templates
    assert "The user name or password is not correct." in drive_strings  # and its Python


def test_a_missing_fuzzy_or_mistyped_translation_is_a_problem(tmp_path, monkeypatch):
    domain = messages.Domain(
        project="t",
        domain="django",
        locale_dir=tmp_path / "locale",
        sources=(("tests/common/test_translations.py", messages.extract_python),),
    )
    path = domain.po_path("zh_Hans")
    catalog = Catalog(locale="zh_Hans")
    catalog.add("Example %(name)s", "示例 %(nom)s")
    catalog.add("Example fuzzy", "模糊", flags=["fuzzy"])
    messages._write(path, catalog)
    monkeypatch.setattr(messages, "DOMAINS", (domain,))

    found = messages.problems()

    assert any("placeholders" in line and "Example %(name)s" in line for line in found)
    assert any("fuzzy" in line and "Example fuzzy" in line for line in found)
    assert any("not in the file" in line and "Example untranslated" in line for line in found)


def test_the_update_is_idempotent_sorted_and_without_source_lines(tmp_path, monkeypatch):
    domain = messages.Domain(
        project="t",
        domain="django",
        locale_dir=tmp_path / "locale",
        sources=(("tests/common/test_translations.py", messages.extract_python),),
    )
    path = domain.po_path("zh_Hans")
    messages._write(path, Catalog(locale="zh_Hans", project="t"))
    monkeypatch.setattr(messages, "DOMAINS", (domain,))

    messages.update()
    first = path.read_text()
    messages.update()

    assert path.read_text() == first
    assert "#:" not in first
    ids = [line for line in first.splitlines() if line.startswith("msgid ") and line != 'msgid ""']
    assert ids == sorted(ids)
    assert 'msgid "Example untranslated"' in first


def _marked_here() -> None:
    """Strings for the tests above to find (this file is their source)."""
    from django.utils.translation import gettext as _

    _("Example %(name)s")
    _("Example fuzzy")
    _("Example untranslated")
