"""Text markers: the protocol a classifier follows, and the built-in lexicon marker."""

from __future__ import annotations

import math
from collections.abc import Container, Iterable, Sequence
from typing import Protocol, runtime_checkable

import attrs

from mediation.errors import MarkerFailed
from mediation.markers._lexicon import GAP_WORDS, Lexicon, builtin_lexicon
from mediation.markers._segment import Word, clause_words, join_key, key_of, words

__all__ = ["LexiconMarker", "MarkerHit", "TextMarker", "mark_text"]


@attrs.frozen(slots=True)
class MarkerHit:
    """One marker found in a text.

    Attributes:
        category: The kind of marker, e.g. ``loaded``, ``blame``, ``dismissal``.
        term: What matched (the lexicon's term), or a classifier's label.
        start: Offset of the match in the text (0 when a classifier gives no span).
        end: Offset just past it.
        weight: How much the hit counts (a lexicon category's weight, or a classifier's
            score); positive.
    """

    category: str
    term: str
    start: int = 0
    end: int = 0
    weight: float = 1.0


@runtime_checkable
class TextMarker(Protocol):
    """Something that finds markers in a text: the built-in :class:`LexiconMarker`, or a
    host's own classifier (an ML model) with the same two members.

    The checks call :meth:`mark` once for each text recorded and keep only the count of
    hits per category: a classifier must be deterministic for replays to agree.
    """

    @property
    def name(self) -> str:
        """A name for messages and errors."""
        ...

    def mark(self, text: str, language: str) -> Sequence[MarkerHit]:
        """The markers in ``text``.

        Args:
            text: One text (a paraphrase, a question, a proposal...).
            language: The policy's language setting: a tag such as ``en`` or ``zh``, or
                ``auto`` (every lexicon applies; Chinese and English words are told apart
                by their script).
        """
        ...


@attrs.frozen
class _Term:
    category: str
    term: str
    weight: float
    rules: int


@attrs.frozen
class _Rules:
    negations: frozenset[str]
    negation_window: int
    self_reference: frozenset[str]
    second_person: frozenset[str]
    self_window: int


@attrs.frozen
class _Table:
    """The compiled lexicons for one language setting: every key, and every prefix of a
    key (to stop extending a phrase as soon as no key can start with it)."""

    terms: dict[str, _Term]
    allow: dict[str, list[tuple[str, ...]]]
    prefixes: frozenset[str]


def _prefixes(keys: Iterable[str]) -> frozenset[str]:
    return frozenset(key[:end] for key in keys for end in range(1, len(key) + 1))


class LexiconMarker:
    """The built-in marker: lexicon terms matched as whole (segmented) words, with
    allowed phrases, negations and self-references taken out.

    Args:
        lexicons: The lexicons to apply (one per language).
        name: A name for messages (default ``lexicon``).
    """

    def __init__(self, lexicons: Iterable[Lexicon], name: str = "lexicon") -> None:
        self._name = name
        self.lexicons: tuple[Lexicon, ...] = tuple(lexicons)
        self._rules: list[_Rules] = []
        self._tables: dict[str, _Table] = {}
        terms: dict[str, dict[str, _Term]] = {}
        allow: dict[str, dict[str, list[tuple[str, ...]]]] = {}
        for lexicon in self.lexicons:
            rules_index = len(self._rules)
            self._rules.append(_Rules(**attrs.asdict(lexicon.rules, recurse=False)))
            own_terms = terms.setdefault(lexicon.language, {})
            own_allow = allow.setdefault(lexicon.language, {})
            for category in lexicon.categories.values():
                for term in category.terms:
                    own_terms[key_of(term)] = _Term(
                        category.name, term, category.weight, rules_index
                    )
            for phrase in lexicon.allow:
                parts = tuple(key_of(part) for part in phrase.split("*"))
                own_allow.setdefault(parts[0], []).append(parts[1:])
        for language in terms:
            self._tables[language] = self._table([language], terms, allow)
        # Scripts do not overlap, so every lexicon is applied in one pass for "auto".
        self._tables["auto"] = self._table(list(terms), terms, allow)

    @staticmethod
    def _table(
        languages: Sequence[str],
        terms: dict[str, dict[str, _Term]],
        allow: dict[str, dict[str, list[tuple[str, ...]]]],
    ) -> _Table:
        merged_terms: dict[str, _Term] = {}
        merged_allow: dict[str, list[tuple[str, ...]]] = {}
        for language in languages:
            merged_terms.update(terms[language])
            for first, rests in allow[language].items():
                merged_allow.setdefault(first, []).extend(rests)
        keys = list(merged_terms) + list(merged_allow)
        keys += [part for rests in merged_allow.values() for rest in rests for part in rest]
        return _Table(merged_terms, merged_allow, _prefixes(keys))

    @classmethod
    def builtin(cls) -> LexiconMarker:
        """The marker with the built-in English and Chinese lexicons."""
        return cls([builtin_lexicon("en"), builtin_lexicon("zh")])

    @property
    def name(self) -> str:
        """The marker's name."""
        return self._name

    def mark(self, text: str, language: str = "auto") -> tuple[MarkerHit, ...]:
        """The markers in ``text``.

        Args:
            text: The text.
            language: ``auto`` (every lexicon) or a lexicon's language tag.

        Returns:
            The hits, in text order.
        """
        table = self._tables.get(language)
        if table is None or not table.terms:
            return ()
        hits: list[MarkerHit] = []
        for clause in clause_words(words(text)):
            hits.extend(self._clause(clause, table))
        return tuple(hits)

    @staticmethod
    def _spans(
        clause: Sequence[Word], start: int, keys: Container[str], prefixes: frozenset[str]
    ) -> list[tuple[int, str]]:
        """(end index, key) of every key in ``keys`` that starts at word ``start``."""
        found: list[tuple[int, str]] = []
        first = clause[start]
        key = first.key
        previous_cjk = first.cjk
        index = start
        while key in prefixes:
            if key in keys:
                found.append((index + 1, key))
            index += 1
            if index == len(clause):
                break
            word = clause[index]
            key = join_key(key, word.key, previous_cjk, word.cjk)
            previous_cjk = word.cjk
        return found

    def _allowed(self, clause: Sequence[Word], table: _Table) -> list[tuple[int, int]]:
        allow = table.allow
        if not allow:
            return []
        covered: list[tuple[int, int]] = []
        for start in range(len(clause)):
            for end, key in self._spans(clause, start, allow, table.prefixes):
                for rest in allow[key]:
                    stop = self._rest(clause, end, rest, table.prefixes)
                    if stop is not None:
                        covered.append((start, stop))
        return covered

    def _rest(
        self, clause: Sequence[Word], position: int, rest: tuple[str, ...], prefixes: frozenset[str]
    ) -> int | None:
        if not rest:
            return position
        wanted = rest[0]
        for gap in range(GAP_WORDS + 1):
            start = position + gap
            if start >= len(clause):
                return None
            for end, _key in self._spans(clause, start, {wanted}, prefixes):
                stop = self._rest(clause, end, rest[1:], prefixes)
                if stop is not None:
                    return stop
        return None

    def _clause(self, clause: Sequence[Word], table: _Table) -> list[MarkerHit]:
        terms = table.terms
        found: list[tuple[int, int, _Term]] = []
        for start in range(len(clause)):
            for end, key in self._spans(clause, start, terms, table.prefixes):
                found.append((start, end, terms[key]))
        if not found:
            return []
        covered = self._allowed(clause, table)
        hits: list[MarkerHit] = []
        for start, end, term in found:
            if any(low <= start and end <= high for low, high in covered):
                continue
            if any(
                other is not term and low <= start and end <= high and (high - low) > (end - start)
                for low, high, other in found
            ):
                continue  # inside a longer term: counted once, as the longer one
            rules = self._rules[term.rules]
            if self._negated(clause, start, rules) or self._self_directed(clause, start, rules):
                continue
            hits.append(
                MarkerHit(
                    category=term.category,
                    term=term.term,
                    start=clause[start].start,
                    end=clause[end - 1].end,
                    weight=term.weight,
                )
            )
        return hits

    @staticmethod
    def _negated(clause: Sequence[Word], start: int, rules: _Rules) -> bool:
        low = max(0, start - rules.negation_window)
        return any(clause[index].key in rules.negations for index in range(low, start))

    @staticmethod
    def _self_directed(clause: Sequence[Word], start: int, rules: _Rules) -> bool:
        low = max(0, start - rules.self_window)
        for index in range(start - 1, low - 1, -1):
            key = clause[index].key
            if key in rules.second_person:
                return False
            if key in rules.self_reference:
                return True
        return False


def mark_text(marker: TextMarker, text: str, language: str) -> tuple[MarkerHit, ...]:
    """Run ``marker`` on ``text`` and check what it returns.

    Args:
        marker: Any :class:`TextMarker`.
        text: The text.
        language: The language setting passed on to the marker.

    Returns:
        The hits.

    Raises:
        MarkerFailed: the marker raised, or returned something other than a sequence of
            :class:`MarkerHit` with positive finite weights (the message names the
            marker, never the text).
    """
    name = _name_of(marker)
    try:
        result = marker.mark(text, language)
    except Exception as error:
        raise MarkerFailed(name, type(error).__name__) from error
    if isinstance(result, (str, bytes)) or not isinstance(result, Sequence):
        raise MarkerFailed(name, f"returned {type(result).__name__}, not a sequence of hits")
    for hit in result:
        if not isinstance(hit, MarkerHit):
            raise MarkerFailed(name, f"returned {type(hit).__name__}, not MarkerHit")
        weight = hit.weight
        if (
            isinstance(weight, bool)
            or not isinstance(weight, (int, float))
            or not (math.isfinite(weight) and weight > 0)
        ):
            raise MarkerFailed(name, "returned a hit whose weight is not a positive number")
    return tuple(result)


def _name_of(marker: object) -> str:
    try:
        name = marker.name  # type: ignore[attr-defined]
    except Exception:
        return type(marker).__name__
    return name if isinstance(name, str) and name else type(marker).__name__
