"""How much of one text another reproduces: shingled containment.

A *shingle* is a run of ``size`` consecutive words (English words lower-cased, Chinese
segmented with jieba, punctuation ignored). The containment of a note in a text is the
share of the note's shingles that also occur in the text: 1.0 when the text repeats the
note word for word (inside anything else), 0.0 when it shares no run of ``size`` words.
Unlike a similarity of the two wholes it does not fall when the text adds words of its
own around what it repeats, and unlike a substring test it survives small edits (each
changed word spoils at most ``size`` shingles).

Person and the verb *to be* are neutralised before shingling, so that a paraphrase that
turns "I am worried my manager ..." into "you are worried your manager ..." still
reproduces the note: personal and possessive pronouns become one token and forms of
*to be* another (English and Chinese).
"""

from __future__ import annotations

from collections.abc import Set

from mediation.errors import InvalidInput
from mediation.markers._segment import words

__all__ = ["containment", "shingles"]

_PERSON = "@p"
_BE = "@be"
_NEUTRAL: dict[str, str] = {
    **dict.fromkeys(
        (
            "i",
            "me",
            "you",
            "he",
            "him",
            "she",
            "her",
            "they",
            "them",
            "we",
            "us",
            "it",
            "myself",
            "yourself",
            "himself",
            "herself",
            "themselves",
            "ourselves",
            "yourselves",
            "i'm",
            "you're",
            "he's",
            "she's",
            "they're",
            "we're",
            "it's",
            "i've",
            "you've",
            "we've",
            "they've",
            "i'd",
            "you'd",
            "he'd",
            "she'd",
            "we'd",
            "they'd",
            "i'll",
            "you'll",
            "he'll",
            "she'll",
            "we'll",
            "they'll",
            "我",
            "你",
            "您",
            "他",
            "她",
            "我们",
            "你们",
            "他们",
            "她们",
            "咱们",
            "自己",
        ),
        _PERSON,
    ),
    # "her" is both: every personal and possessive pronoun becomes the same token.
    **dict.fromkeys(
        ("my", "your", "his", "their", "our", "mine", "yours", "theirs", "ours"), _PERSON
    ),
    **dict.fromkeys(("am", "are", "is", "was", "were", "be", "been", "being"), _BE),
}


def shingles(text: str, size: int = 3) -> frozenset[str]:
    """The shingles of ``text``: every run of ``size`` consecutive words.

    A text shorter than ``size`` words has one shingle, all of its words (none when it
    has no word).

    Args:
        text: Any text.
        size: Words per shingle (>= 1).

    Returns:
        The set of shingles, each its words joined by a space.

    Raises:
        InvalidInput: ``size`` is not a whole number >= 1.
    """
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise InvalidInput(f"shingle size must be a whole number >= 1; got {size!r}")
    keys = [_NEUTRAL.get(word.key, word.key) for word in words(text)]
    if not keys:
        return frozenset()
    if len(keys) <= size:
        return frozenset({" ".join(keys)})
    return frozenset(" ".join(keys[i : i + size]) for i in range(len(keys) - size + 1))


def containment(part: Set[str], whole: Set[str]) -> float:
    """The share of ``part``'s shingles found in ``whole`` (0.0 when ``part`` is empty).

    Args:
        part: The shingles of the text that may have been reproduced (a caucus note).
        whole: The shingles of the text that may reproduce it.

    Returns:
        A number in [0, 1].
    """
    if not part:
        return 0.0
    return len(part & whole) / len(part)
