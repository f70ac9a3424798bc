"""``mediation.markers``: what is said, read — transcript markers and reproduced text.

Pure text functions below the neutrality checks, with no knowledge of cases:

- :class:`TextMarker`, the protocol of anything that finds markers in a text (a host's
  own classifier, an ML model, plugs in here), and :class:`MarkerHit`, what it finds;
- :class:`LexiconMarker`, the built-in marker: loaded or judgmental wording, blame,
  sweeping generalizations and interruption/dismissal, from lexicons shipped as data
  (``en.toml``, ``zh.toml``), matched as whole words — Chinese segmented with jieba,
  never by substring — with allowed phrases of ordinary speech ("this quarter-end is
  killing me", "忙得要死"), negations and self-references taken out;
- :class:`Lexicon`, lexicons read and validated like policies (:func:`load_lexicon`,
  :func:`builtin_lexicon`), errors naming the file, the line and the key;
- :func:`threat_phrases`, the same engine with the ``threats`` lexicon family
  (``threats.en.toml``, ``threats.zh.toml``): text that reads like a threat of harm or
  retaliation, scanned in every issue title and joint-session statement;
- :func:`shingles` and :func:`containment`, the measure of how much of one text (a caucus
  note) another (a joint-session paraphrase) reproduces.
"""

from mediation.markers._lexicon import (
    BUILTIN_FAMILIES,
    BUILTIN_LANGUAGES,
    Category,
    Lexicon,
    LexiconRules,
    builtin_lexicon,
    load_lexicon,
)
from mediation.markers._marker import LexiconMarker, MarkerHit, TextMarker, mark_text
from mediation.markers._overlap import containment, shingles
from mediation.markers._segment import Word, is_cjk, key_of, words
from mediation.markers._threats import THREATS, threat_marker, threat_phrases

__all__ = [
    "BUILTIN_FAMILIES",
    "BUILTIN_LANGUAGES",
    "THREATS",
    "Category",
    "Lexicon",
    "LexiconMarker",
    "LexiconRules",
    "MarkerHit",
    "TextMarker",
    "Word",
    "builtin_lexicon",
    "containment",
    "is_cjk",
    "key_of",
    "load_lexicon",
    "mark_text",
    "shingles",
    "threat_marker",
    "threat_phrases",
    "words",
]
