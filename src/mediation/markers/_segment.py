"""Words of a text: English (and other Latin-script) words and segmented Chinese.

Latin-script words are found by a regular expression and lower-cased; runs of Chinese
characters are segmented into words with jieba's dictionary (``HMM=False``: words the
dictionary knows, no guessing of new ones, so the same text always segments the same
way). Punctuation that ends a clause starts a new clause: windows around a marker (a
negation before it, a self-reference) never reach across it.

jieba builds its prefix dictionary from the dictionary file inside its own package, once
per process, on the first Chinese text (about 0.7 s); nothing is downloaded, no cache
file is written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, NamedTuple

__all__ = ["Word", "is_cjk", "join_key", "key_of", "segment_chinese", "words"]

_CJK_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(
    rf"(?P<latin>[^\W\d_{_CJK_RANGES}](?:[^\W_{_CJK_RANGES}]|['’](?=[^\W\d_{_CJK_RANGES}]))*"
    rf"|\d+(?:[.,]\d+)*)"
    rf"|(?P<cjk>[{_CJK_RANGES}]+)"
    r"|(?P<stop>[.!?;:,…。！？；：，、()（）\[\]【】「」『』“”\"\n])"
)


class Word(NamedTuple):
    """One word of a text.

    Attributes:
        key: The word as matched: lower-case, with a plain apostrophe.
        start: Offset of its first character in the text.
        end: Offset just past its last character.
        clause: Index of the clause it belongs to.
        cjk: Whether it is written in Chinese characters.
    """

    key: str
    start: int
    end: int
    clause: int
    cjk: bool


def is_cjk(character: str) -> bool:
    """Whether ``character`` is a Chinese character (CJK unified ideographs)."""
    code = ord(character)
    return 0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF


class _Jieba:
    """jieba's tokenizer, built once per process from its packaged dictionary."""

    def __init__(self) -> None:
        self._tokenizer: Any = None

    def tokenizer(self) -> Any:
        # Two threads meeting the first Chinese text at once each build a table and one
        # is kept: wasted work, never a wrong result (the core takes no locks).
        if self._tokenizer is None:
            self._tokenizer = self._build()
        return self._tokenizer

    @staticmethod
    def _build() -> Any:
        import jieba

        tokenizer = jieba.Tokenizer()
        # The prefix dictionary straight from the packaged dictionary file: the same
        # table jieba's own initialize() builds, without writing its cache file or logging.
        with tokenizer.get_dict_file() as dictionary:
            tokenizer.FREQ, tokenizer.total = tokenizer.gen_pfdict(dictionary)
        tokenizer.initialized = True
        return tokenizer


_JIEBA = _Jieba()


def segment_chinese(run: str) -> list[str]:
    """Segment a run of Chinese characters into dictionary words.

    Args:
        run: Chinese characters only.

    Returns:
        The words, in order; their concatenation is ``run``.
    """
    if len(run) == 1:
        return [run]
    return list(_JIEBA.tokenizer().cut(run, HMM=False))


def words(text: str) -> list[Word]:
    """The words of ``text`` with their offsets and clauses.

    Args:
        text: Any text.

    Returns:
        Latin-script words (lower-cased), numbers and segmented Chinese words, in order.
    """
    found: list[Word] = []
    clause = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "stop":
            clause += 1
        elif kind == "latin":
            key = match.group().lower().replace("’", "'")
            found.append(Word(key, match.start(), match.end(), clause, False))
        else:
            position = match.start()
            for piece in segment_chinese(match.group()):
                end = position + len(piece)
                found.append(Word(piece, position, end, clause, True))
                position = end
    return found


def join_key(left: str, right: str, left_cjk: bool, right_cjk: bool) -> str:
    """Two keys joined as a phrase key: Chinese words join without a space."""
    if not left:
        return right
    return left + right if (left_cjk and right_cjk) else f"{left} {right}"


def key_of(phrase: str) -> str:
    """The key a phrase (a lexicon term) is matched by: its words joined as in a text.

    Chinese runs are kept whole (no segmentation is needed to form the key: a run of
    words in a text joins back into the same characters).

    Args:
        phrase: The phrase as written in a lexicon.

    Returns:
        The key, or ``""`` when the phrase has no word at all.
    """
    key = ""
    previous_cjk = False
    for match in _TOKEN.finditer(phrase):
        kind = match.lastgroup
        if kind == "stop":
            continue
        cjk = kind == "cjk"
        piece = match.group() if cjk else match.group().lower().replace("’", "'")
        key = join_key(key, piece, previous_cjk, cjk)
        previous_cjk = cjk
    return key


def clause_words(found: Sequence[Word]) -> list[list[Word]]:
    """``found`` grouped by clause, in order (empty clauses left out)."""
    groups: list[list[Word]] = []
    current = -1
    for word in found:
        if word.clause != current:
            groups.append([])
            current = word.clause
        groups[-1].append(word)
    return groups
