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
    and a quick test that a text could hold a term at all (see :func:`_gates`)."""

    marker: LexiconMarker
    order: dict[str, int]
    worded: re.Pattern[str]
    chinese: re.Pattern[str]

    def could_hold_a_term(self, text: str) -> bool:
        """Whether ``text`` could hold a term: ``False`` only when it holds none."""
        lowered = text.lower().replace("’", "'")
        if self.worded.search(lowered) is not None:
            return True
        # Every Chinese term begins with a Chinese character: an ASCII text (most English
        # ones; ``isascii`` costs nothing) holds none.
        return not lowered.isascii() and self.chinese.search(lowered) is not None


_WORD_GAP = r"[\W_]+"
"""Between the words of a term: anything but letters and digits, at least one."""

_CHARACTER_GAP = r"[\W_]*"
"""Between the characters of a Chinese term: anything but letters and digits, or nothing."""


def _pieces(key: str) -> list[str]:
    """The pattern of one term key, piece by piece: each character (escaped) and each gap."""
    pieces: list[str] = []
    if key and all(is_cjk(c) for c in key):
        for character in key:
            pieces += [_CHARACTER_GAP, re.escape(character)] if pieces else [re.escape(character)]
    else:
        for word in key.split(" "):
            if pieces:
                pieces.append(_WORD_GAP)
            pieces += [re.escape(character) for character in word]
    return pieces


class _Branches:
    """Term patterns as a prefix tree: terms that begin alike share that beginning."""

    def __init__(self) -> None:
        self.children: dict[str, _Branches] = {}
        self.term_ends = False

    def add(self, pieces: list[str]) -> None:
        node = self
        for piece in pieces:
            if node.term_ends:  # a shorter term matches wherever this one would
                return
            node = node.children.setdefault(piece, _Branches())
        node.term_ends = True
        node.children.clear()  # longer terms are found by this one already

    def pattern(self) -> str:
        if self.term_ends:
            return ""
        branches = [piece + child.pattern() for piece, child in sorted(self.children.items())]
        if not branches:
            return "(?!)"  # no term: matches nothing
        return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"


def _gates(keys: list[str]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Two patterns, one of which every text holding a term matches (lower-cased, with
    plain apostrophes): a term's words in order with anything but letters and digits
    between them, a Chinese term's characters with anything but letters and digits (or
    nothing) between them — wherever the words of a text join into a term, so does a
    pattern. A text neither matches holds no term, and most texts do not: they are
    answered without segmenting them; the others are read by the marker, which decides.

    Python's ``re`` tries the alternatives of a pattern one after another at every place
    where a match could begin, so the terms are not one flat alternation (which took
    ~11 us for a plain sentence of 55 characters, most of a replay's time): each pattern
    is a prefix tree (``hit me`` and ``hit you`` share ``hit``), so that at each place
    only the branch of its first character is followed (~1.4 us), and the Chinese terms
    are a pattern of their own, which an ASCII text skips and any other text is scanned
    for their first characters only. Together they match exactly the texts the flat
    alternation of every term matches; ``tests/test_markers.py`` holds them to it.
    """
    worded, chinese = _Branches(), _Branches()
    for key in keys:
        (chinese if key and all(is_cjk(c) for c in key) else worded).add(_pieces(key))
    return re.compile(worded.pattern()), re.compile(chinese.pattern())


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
        _SCANNER.append(_Scanner(marker, order, *_gates([key_of(term) for term in terms])))
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
    if not scanner.could_hold_a_term(text):
        return ()
    found = {hit.term for hit in scanner.marker.mark(text, "auto")}
    return tuple(sorted(found, key=scanner.order.__getitem__))
