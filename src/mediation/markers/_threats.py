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

from mediation.markers._lexicon import BUILTIN_LANGUAGES, builtin_lexicon
from mediation.markers._marker import LexiconMarker

__all__ = ["THREATS", "threat_marker", "threat_phrases"]

THREATS = "threats"
"""The lexicon family of threat phrases (see :data:`~mediation.markers.BUILTIN_FAMILIES`)."""

_MARKER: list[LexiconMarker] = []


def threat_marker() -> LexiconMarker:
    """The marker with the built-in threat lexicons of every built-in language.

    Returns:
        The marker (built once per process).
    """
    if not _MARKER:
        lexicons = [builtin_lexicon(language, THREATS) for language in BUILTIN_LANGUAGES]
        _MARKER.append(LexiconMarker(lexicons, name=THREATS))
    return _MARKER[0]


def threat_phrases(text: str) -> tuple[str, ...]:
    """The threat phrases found in ``text``, each once, in the order they occur.

    Args:
        text: An issue title, a statement, any text a person said or wrote.

    Returns:
        The lexicon terms found (empty when none), as the lexicon writes them.
    """
    return tuple(dict.fromkeys(hit.term for hit in threat_marker().mark(text, "auto")))
