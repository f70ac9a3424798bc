"""Text that reads like a threat, in English and Chinese: a small lexicon detector.

Used by the state fold on every issue title and joint-session statement as it is
recorded (one pass over the text, so the cost does not grow with the case), to raise the
``threat_language`` finding that asks the mediator to screen the parties or flag the
issue. A lexicon is evidence, not proof: it finds phrases such as "I'll make you pay" or
"你给我等着", and says which ones, so a person decides.

This is deliberately small and self-contained; the transcript-marker engine
(``mediation.markers``, lexicons as data with segmentation) is the place for it to grow
into, and the phrases below are written to be folded into its lexicons unchanged.

>>> threat_phrases("If you report this again I will make you pay.")
('make you pay',)
>>> threat_phrases("再闹下去，你给我等着！")
('你给我等着',)
>>> threat_phrases("We need to kill the old process and start over.")
()
"""

from __future__ import annotations

import re

__all__ = ["THREAT_PHRASES_EN", "THREAT_PHRASES_ZH", "threat_phrases"]

THREAT_PHRASES_EN: tuple[str, ...] = (
    "kill you",
    "hurt you",
    "beat you",
    "hit you",
    "punch you",
    "smash your",
    "break your",
    "make you pay",
    "you'll pay for",
    "you will pay for",
    "you'll regret",
    "you will regret",
    "watch your back",
    "i know where you live",
    "you'll be sorry",
    "you will be sorry",
    "get you fired",
    "ruin you",
    "ruin your",
    "come after you",
    "threatened me",
    "threatens me",
    "threatening me",
    "afraid of him",
    "afraid of her",
    "afraid for my safety",
    "scared for my safety",
)
"""English phrases, matched whole-word and case-insensitively."""

THREAT_PHRASES_ZH: tuple[str, ...] = (
    "杀了你",
    "弄死你",
    "打死你",
    "揍你",
    "废了你",
    "让你好看",
    "你给我等着",
    "走着瞧",
    "饶不了你",
    "不会放过你",
    "让你后悔",
    "让你滚蛋",
    "报复你",
    "威胁我",
    "打了我",
    "害怕他",
    "害怕她",
)
"""Chinese phrases, matched as substrings (Chinese has no spaces between words)."""

_ENGLISH = re.compile(
    r"(?<![a-z'])(" + "|".join(re.escape(p) for p in THREAT_PHRASES_EN) + r")(?![a-z])"
)


_LEXICON_ORDER = THREAT_PHRASES_EN + THREAT_PHRASES_ZH


def threat_phrases(text: str) -> tuple[str, ...]:
    """The threat phrases found in ``text``, each once, in lexicon order.

    Args:
        text: An issue title, a statement, any text a person said or wrote.

    Returns:
        The phrases found (empty when none): English ones lower-cased.
    """
    found = {match.group(1) for match in _ENGLISH.finditer(text.lower().replace("’", "'"))}
    found.update(phrase for phrase in THREAT_PHRASES_ZH if phrase in text)
    if not found:  # nearly every text: the fold scans each statement
        return ()
    return tuple(phrase for phrase in _LEXICON_ORDER if phrase in found)
