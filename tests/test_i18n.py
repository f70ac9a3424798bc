"""Tests of mediation.i18n: catalogs, per-call languages, and complete Chinese."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from mediation.errors import InvalidInput
from mediation.i18n import LANGUAGES, check_language, translator

_ROOT = Path(__file__).resolve().parent.parent
_LOCALE = _ROOT / "src" / "mediation" / "locale"


def _extracted() -> set[str]:
    """Every message marked in the library's Python code and templates."""
    method_map = [("**.py", "python"), ("templates/**.j2", "jinja2")]
    options = {"templates/**.j2": {"extensions": "jinja2.ext.i18n"}}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(_ROOT / "src" / "mediation"),
        method_map=method_map,
        options_map=options,
        keywords={"_": None, "gettext": None, "ngettext": (1, 2), "N_": None},
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_marked_message_has_a_chinese_translation() -> None:
    with (_LOCALE / "zh" / "LC_MESSAGES" / "mediation.po").open("rb") as stream:
        catalog = read_po(stream, locale="zh")
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and (m.string if isinstance(m.string, str) else all(m.string or ()))
    }
    marked = _extracted()
    assert len(marked) > 20
    missing = sorted(marked - translated)
    assert not missing, f"messages without a zh translation (run `make messages`): {missing}"


def test_english_catalog_holds_every_message() -> None:
    with (_LOCALE / "en" / "LC_MESSAGES" / "mediation.po").open("rb") as stream:
        catalog = read_po(stream, locale="en")
    ids = {(m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id}
    assert not sorted(_extracted() - ids)


def test_languages_are_chosen_per_call() -> None:
    zh = translator("zh")
    en = translator("en")
    assert zh.gettext("advance") == "推进"
    assert en.gettext("advance") == "advance"
    assert zh.gettext("advance") == "推进"  # asking for English changed nothing
    assert translator("zh") is zh  # compiled once


@pytest.mark.parametrize("lang", ["fr", "", "ZH", "zh_CN"])
def test_unknown_languages_are_refused(lang: str) -> None:
    with pytest.raises(InvalidInput, match="choose one of: en, zh"):
        translator(lang)
    with pytest.raises(InvalidInput):
        check_language(lang)
    assert lang not in LANGUAGES
