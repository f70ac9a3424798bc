"""Threat language: the ``threats`` lexicon family, read by the same engine as the
transcript markers.

The state fold scans every issue title and joint-session statement once, as it is
recorded, with :func:`threat_phrases` (so the cost does not grow with the case), and the
``threat_language`` check asks the mediator to screen the parties or flag the issue. The
phrases live in the built-in lexicons ``threats.en.toml`` and ``threats.zh.toml``:
matched as whole words by :class:`~mediation.markers.LexiconMarker` (Chinese segmented
with jieba, never by substring), with allowed phrases of ordinary speech ("would it kill
you to say thanks", "他打了我的电话") never flagged. A lexicon is evidence, not proof:
the phrases found are named, and a person decides.

>>> threat_phrases("If you report this again I will make you pay.")
('make you pay',)
>>> threat_phrases("再闹下去，你给我等着！")
('你给我等着',)
>>> threat_phrases("We need to kill the old process and start over.")
()
"""

from __future__ import annotations

import re

import attrs

from mediation.markers._lexicon import BUILTIN_LANGUAGES, builtin_lexicon
from mediation.markers._marker import LexiconMarker
from mediation.markers._segment import is_cjk, key_of

__all__ = ["THREATS", "threat_marker", "threat_phrases"]

THREATS = "threats"
"""The lexicon family of threat phrases (see :data:`~mediation.markers.BUILTIN_FAMILIES`)."""


@attrs.frozen
class _Scanner:
    """The threat lexicons, compiled once: the marker, each term's place in lexicon order,
    and a quick test that a text could hold a term at all."""

    marker: LexiconMarker
    order: dict[str, int]
    gate: re.Pattern[str]


def _gate(keys: list[str]) -> re.Pattern[str]:
    """A pattern every text holding a term matches (lower-cased, with plain apostrophes):
    a term's words in order with anything but letters and digits between them, a Chinese
    term's characters with anything but letters and digits (or nothing) between them —
    wherever the words of a text join into a term, so does the pattern. A text it does not
    match holds no term, and most texts do not: they are answered without segmenting
    them; the others are read by the marker, which decides."""
    parts = []
    for key in keys:
        if all(is_cjk(c) for c in key):
            parts.append(r"[\W_]*".join(re.escape(c) for c in key))
        else:
            parts.append(r"[\W_]+".join(re.escape(w) for w in key.split(" ")))
    return re.compile("|".join(sorted(parts, key=len, reverse=True)))


_SCANNER: list[_Scanner] = []


def _scanner() -> _Scanner:
    if not _SCANNER:
        lexicons = [builtin_lexicon(language, THREATS) for language in BUILTIN_LANGUAGES]
        terms = [
            term
            for lexicon in lexicons
            for category in lexicon.categories.values()
            for term in category.terms
        ]
        order = {term: index for index, term in enumerate(terms)}
        marker = LexiconMarker(lexicons, name=THREATS)
        _SCANNER.append(_Scanner(marker, order, _gate([key_of(term) for term in terms])))
    return _SCANNER[0]


def threat_marker() -> LexiconMarker:
    """The marker with the built-in threat lexicons of every built-in language.

    Returns:
        The marker (built once per process).
    """
    return _scanner().marker


def threat_phrases(text: str) -> tuple[str, ...]:
    """The threat phrases found in ``text``, each once, in lexicon order (English, then
    Chinese; category by category, as the lexicon files list them).

    Args:
        text: An issue title, a statement, any text a person said or wrote.

    Returns:
        The lexicon terms found (empty when none), as the lexicon writes them.
    """
    scanner = _scanner()
    if scanner.gate.search(text.lower().replace("’", "'")) is None:
        return ()
    found = {hit.term for hit in scanner.marker.mark(text, "auto")}
    return tuple(sorted(found, key=scanner.order.__getitem__))
