"""Lexicons of transcript markers: data files, validated like policies.

A lexicon is a TOML table (the built-in ones are ``en.toml`` and ``zh.toml`` in this
package)::

    language = "en"
    description = "..."

    [rules]
    negations = ["not", "never"]      # a marker right after one of these does not count
    negation_window = 2               # ... within this many words before it
    self_reference = ["i", "myself"]  # a marker the speaker says about themselves ...
    second_person = ["you", "your"]   # ... (no "you" between) does not count
    self_window = 4

    [categories.loaded]
    description = "Loaded or judgmental wording about a person"
    weight = 1.0
    terms = ["unreasonable", "childish"]

    [allow]
    phrases = ["killing me", "i was * childish"]   # ordinary speech: never a marker

Terms and phrases are matched as whole words (Chinese: whole segmented words), never as
substrings. In an allowed phrase ``*`` stands for up to three words of the same clause.
Everything is checked; an error is :class:`~mediation.errors.InvalidLexicon`, which names
the file, the line and the key.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

import attrs

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

from mediation.errors import InvalidLexicon
from mediation.markers._segment import key_of

__all__ = [
    "BUILTIN_FAMILIES",
    "BUILTIN_LANGUAGES",
    "Category",
    "Lexicon",
    "LexiconRules",
    "builtin_lexicon",
    "load_lexicon",
]

BUILTIN_LANGUAGES: tuple[str, ...] = ("en", "zh")
"""Languages with a lexicon shipped in this package."""

_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
_MAX_WINDOW = 10
GAP_WORDS = 3
"""How many words ``*`` in an allowed phrase stands for, at most."""


@attrs.frozen
class LexiconRules:
    """The words that keep a term from counting.

    Attributes:
        negations: Words that negate a term that follows within ``negation_window`` words.
        negation_window: How many words before a term are searched for a negation.
        self_reference: Words by which speakers speak of themselves ("I", "我").
        second_person: Words that address another person ("you", "你"): a self-reference
            followed by one of these before the term no longer makes it self-directed.
        self_window: How many words before a term are searched for a self-reference.
    """

    negations: frozenset[str] = frozenset()
    negation_window: int = 2
    self_reference: frozenset[str] = frozenset()
    second_person: frozenset[str] = frozenset()
    self_window: int = 4


@attrs.frozen
class Category:
    """One kind of marker.

    Attributes:
        name: E.g. ``loaded``, ``blame``, ``dismissal``.
        description: What the category means.
        weight: What one hit weighs (a text is marked when its hits weigh enough).
        terms: The words and phrases, as written.
    """

    name: str
    description: str
    weight: float
    terms: tuple[str, ...]


@attrs.frozen
class Lexicon:
    """A validated lexicon.

    Attributes:
        language: The language tag, e.g. ``en``.
        source: Where it came from (a file name, or ``policy``), for messages.
        description: What it is.
        categories: Category name → :class:`Category`.
        allow: Phrases of ordinary speech that are never markers.
        rules: Negation and self-reference rules.
    """

    language: str
    source: str
    description: str = ""
    categories: Mapping[str, Category] = attrs.field(factory=dict, eq=False, hash=False)
    allow: tuple[str, ...] = ()
    rules: LexiconRules = attrs.field(factory=LexiconRules)

    @classmethod
    def from_toml(cls, text: str, source: str = "<lexicon>") -> Lexicon:
        """Read a lexicon from TOML text.

        Args:
            text: The TOML text.
            source: Its name for messages (a file name).

        Returns:
            The lexicon.

        Raises:
            InvalidLexicon: malformed TOML or an invalid entry, naming the line and key.
        """
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            found = re.search(r"at line (\d+)", str(error))
            if found is not None:
                line: int | None = int(found.group(1))
            elif "end of document" in str(error):
                line = max(1, len(text.splitlines()))
            else:  # pragma: no cover - every decode error names a position
                line = None
            raise InvalidLexicon(source, line, "", f"not valid TOML: {error}") from None
        return cls.from_dict(data, source, text=text)

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        source: str = "<lexicon>",
        *,
        language: str | None = None,
        text: str | None = None,
    ) -> Lexicon:
        """Build a lexicon from plain data (a parsed TOML table).

        Args:
            data: The table.
            source: Where it came from, for messages.
            language: The language, when the table does not name it (a policy's
                ``lexicons.<language>`` table).
            text: The TOML text it was read from, to name lines in messages.

        Returns:
            The lexicon.

        Raises:
            InvalidLexicon: an unknown key, a wrong type or a bad value, naming the key.
        """
        return _Reader(source, text).lexicon(data, language)

    def merged(self, extra: Lexicon) -> Lexicon:
        """This lexicon extended by ``extra``: terms, phrases and rule words added, windows
        from ``extra`` where it sets them.

        Raises:
            InvalidLexicon: a term would be in two categories.
        """
        categories = dict(self.categories)
        for name, category in extra.categories.items():
            mine = categories.get(name)
            if mine is None:
                categories[name] = category
            else:
                terms = tuple(dict.fromkeys((*mine.terms, *category.terms)))
                categories[name] = attrs.evolve(mine, terms=terms, weight=category.weight)
        _check_unique_terms(categories, extra.source, None)
        rules = LexiconRules(
            negations=self.rules.negations | extra.rules.negations,
            negation_window=extra.rules.negation_window,
            self_reference=self.rules.self_reference | extra.rules.self_reference,
            second_person=self.rules.second_person | extra.rules.second_person,
            self_window=extra.rules.self_window,
        )
        return Lexicon(
            language=self.language,
            source=f"{self.source}+{extra.source}",
            description=self.description,
            categories=categories,
            allow=tuple(dict.fromkeys((*self.allow, *extra.allow))),
            rules=rules,
        )


def _check_unique_terms(
    categories: Mapping[str, Category], source: str, reader: _Reader | None
) -> None:
    seen: dict[str, str] = {}
    for name, category in categories.items():
        for term in category.terms:
            key = key_of(term)
            other = seen.get(key)
            if other is not None and other != name:
                problem = f"term {term!r} is in both {other!r} and {name!r}"
                if reader is not None:
                    raise reader.error(("categories", name, "terms"), problem, term)
                raise InvalidLexicon(source, None, f"categories.{name}.terms", problem)
            seen[key] = name


class _Reader:
    """Validates one lexicon table, naming the key (and the line, given the text)."""

    def __init__(self, source: str, text: str | None) -> None:
        self.source = source
        self.text = text

    def error(self, path: Sequence[str], problem: str, item: object = None) -> InvalidLexicon:
        key = ".".join(path)
        line = _line_of(self.text, path, item) if self.text is not None else None
        return InvalidLexicon(self.source, line, key, problem)

    def table(self, value: object, path: Sequence[str], known: Sequence[str]) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.error(path, f"must be a table; got {value!r}")
        unknown = sorted(set(value) - set(known))
        if unknown:
            raise self.error(
                (*path, unknown[0]), f"unknown key {unknown[0]!r}; known: {sorted(known)}"
            )
        return value

    def words(self, value: object, path: Sequence[str], *, gaps: bool = False) -> tuple[str, ...]:
        if isinstance(value, str) or not isinstance(value, (list, tuple)):
            raise self.error(path, f"must be a list of strings; got {value!r}")
        items: list[str] = []
        for item in value:
            if not isinstance(item, str):
                raise self.error(path, f"must be a list of strings; got {item!r}", item)
            parts = item.split("*") if gaps else [item]
            if "*" in item and not gaps:
                raise self.error(path, f"{item!r}: '*' is only allowed in allowed phrases", item)
            if any(not key_of(part) for part in parts):
                raise self.error(
                    path,
                    f"{item!r} has no word"
                    + (" around a '*'" if gaps and "*" in item else "")
                    + " (letters or Chinese characters)",
                    item,
                )
            if item in items:
                raise self.error(path, f"{item!r} is listed twice", item)
            items.append(item)
        return tuple(items)

    def window(self, value: object, path: Sequence[str]) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_WINDOW:
            raise self.error(path, f"must be a whole number in [0, {_MAX_WINDOW}]; got {value!r}")
        return value

    def string(self, value: object, path: Sequence[str]) -> str:
        if not isinstance(value, str):
            raise self.error(path, f"must be a string; got {value!r}")
        return value

    def lexicon(self, data: Mapping[str, Any], language: str | None) -> Lexicon:
        top = self.table(data, (), ("language", "description", "rules", "categories", "allow"))
        if language is None:
            if "language" not in top:
                raise self.error(("language",), 'required (e.g. language = "en")')
            language = self.string(top["language"], ("language",))
        elif "language" in top and top["language"] != language:
            raise self.error(("language",), f"is {top['language']!r} in a table for {language!r}")
        if _LANGUAGE.fullmatch(language) is None:
            raise self.error(("language",), f"must be a language tag like 'en'; got {language!r}")
        rules = LexiconRules()
        if "rules" in top:
            table = self.table(
                top["rules"],
                ("rules",),
                ("negations", "negation_window", "self_reference", "second_person", "self_window"),
            )
            fields: dict[str, Any] = {}
            for name in ("negations", "self_reference", "second_person"):
                if name in table:
                    fields[name] = frozenset(
                        key_of(w) for w in self.words(table[name], ("rules", name))
                    )
            for name in ("negation_window", "self_window"):
                if name in table:
                    fields[name] = self.window(table[name], ("rules", name))
            rules = LexiconRules(**fields)
        categories: dict[str, Category] = {}
        raw = self.table(
            top.get("categories", {}), ("categories",), list(top.get("categories", {}))
        )
        for name, value in raw.items():
            path = ("categories", name)
            if not isinstance(name, str) or _NAME.fullmatch(name) is None:
                raise self.error(
                    path, "a category name is lower-case letters, digits and _, e.g. 'blame'"
                )
            table = self.table(value, path, ("description", "weight", "terms"))
            if "terms" not in table:
                raise self.error((*path, "terms"), "required: the category's words and phrases")
            weight = table.get("weight", 1.0)
            if (
                isinstance(weight, bool)
                or not isinstance(weight, (int, float))
                or not (math.isfinite(weight) and weight > 0)
            ):
                raise self.error((*path, "weight"), f"must be a positive number; got {weight!r}")
            categories[name] = Category(
                name=name,
                description=self.string(table.get("description", ""), (*path, "description")),
                weight=float(weight),
                terms=self.words(table["terms"], (*path, "terms")),
            )
        _check_unique_terms(categories, self.source, self)
        allow: tuple[str, ...] = ()
        if "allow" in top:
            table = self.table(top["allow"], ("allow",), ("phrases",))
            allow = self.words(table.get("phrases", []), ("allow", "phrases"), gaps=True)
        return Lexicon(
            language=language,
            source=self.source,
            description=self.string(top.get("description", ""), ("description",)),
            categories=categories,
            allow=allow,
            rules=rules,
        )


_HEADER = re.compile(r"^\s*\[\s*([^\]\[]+?)\s*\]\s*(?:#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"'. ]+?)\s*=")


def _parts(dotted: str) -> list[str]:
    return [part.strip().strip("\"'") for part in dotted.split(".")]


def _line_of(text: str | None, path: Sequence[str], item: object = None) -> int | None:
    """The line (1-based) where ``path`` is written in ``text``: the key's line, or the
    line of ``item`` in its list, or the nearest table header; None if not found."""
    if text is None:
        return None
    wanted = list(path)
    table: list[str] = []
    best: tuple[int, int] | None = None  # (matched length, line)
    key_line: int | None = None
    lines = text.splitlines()
    for number, line in enumerate(lines, 1):
        header = _HEADER.match(line)
        if header is not None:
            table = _parts(header.group(1))
            if wanted[: len(table)] == table and (best is None or len(table) > best[0]):
                best = (len(table), number)
            continue
        key = _KEY.match(line)
        if key is not None:
            full = table + _parts(key.group(1))
            if wanted[: len(full)] == full and (best is None or len(full) >= best[0]):
                best = (len(full), number)
                if full == wanted:
                    key_line = number
    if key_line is not None and isinstance(item, str):
        quoted = (f'"{item}"', f"'{item}'")
        for number in range(key_line, len(lines) + 1):
            if any(q in lines[number - 1] for q in quoted):
                return number
    if key_line is not None:
        return key_line
    return best[1] if best is not None else None


def load_lexicon(path: str) -> Lexicon:
    """Read a lexicon from a TOML file.

    Args:
        path: The file.

    Returns:
        The lexicon; messages name the file.

    Raises:
        InvalidLexicon: as :meth:`Lexicon.from_toml`.
        OSError: the file cannot be read.
    """
    with open(path, encoding="utf-8") as file:
        return Lexicon.from_toml(file.read(), source=str(path))


_BUILTIN: dict[tuple[str, str], Lexicon] = {}

BUILTIN_FAMILIES: tuple[str, ...] = ("markers", "threats")
"""The lexicon families shipped in this package: ``markers`` (loaded wording, blame,
generalization, dismissal: the transcript markers; files ``en.toml``, ``zh.toml``) and
``threats`` (threats of harm or retaliation, reports of threats or fear: the
threat-language scan; files ``threats.en.toml``, ``threats.zh.toml``)."""


def builtin_lexicon(language: str, family: str = "markers") -> Lexicon:
    """A lexicon shipped with the library.

    Args:
        language: One of :data:`BUILTIN_LANGUAGES`.
        family: One of :data:`BUILTIN_FAMILIES`.

    Returns:
        The lexicon (read once per process from the package's data file).

    Raises:
        InvalidLexicon: no built-in lexicon for ``language`` or ``family``.
    """
    found = _BUILTIN.get((language, family))
    if found is None:
        name = f"{language}.toml" if family == "markers" else f"{family}.{language}.toml"
        if language not in BUILTIN_LANGUAGES:
            raise InvalidLexicon(
                name,
                None,
                "language",
                f"no built-in lexicon for {language!r}; built in: {list(BUILTIN_LANGUAGES)}",
            )
        if family not in BUILTIN_FAMILIES:
            raise InvalidLexicon(
                name,
                None,
                "family",
                f"no built-in lexicon family {family!r}; built in: {list(BUILTIN_FAMILIES)}",
            )
        text = resources.files("mediation.markers").joinpath(name).read_text(encoding="utf-8")
        found = _BUILTIN[language, family] = Lexicon.from_toml(text, source=name)
    return found
