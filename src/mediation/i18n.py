"""Translations: gettext catalogs managed with Babel, chosen per call.

The catalogs live in the package as ``mediation/locale/<lang>/LC_MESSAGES/mediation.po``
(text, reviewed like code) and are compiled in memory with Babel the first time a
language is asked for. There is no process-wide "current language": every function that
shows text to people takes a ``lang`` argument and asks :func:`translator` for it, so two
requests in two languages can run side by side.

Marking strings: in Python, call ``_ = translator(lang).gettext`` and write
``_("Parties")``; for text defined at import time (tables of labels, the templates of
refusal reasons and findings), wrap it in :func:`N_` (or :func:`NP_` for a singular and
plural pair) and translate it where it is shown. In Jinja2 templates, use
``{% trans %}`` or ``_()``. ``make messages`` collects them all into the catalogs; the
test suite fails when a message lacks a Chinese translation or the catalogs are stale.

Reasons and findings keep their template and parameters
(:meth:`mediation.errors.Reason.of`), so ``reason.message_in("zh")`` renders them in
Chinese while ``reason.message`` (and what is recorded) stays English. Parameters that
are words localize with them: :class:`Term` (a stage, a move) and :class:`Names` (a
list of people's names) and :class:`Phrase` (a message within a message).

>>> translator("zh").gettext("pause")
'暂停'
>>> translator("en").gettext("pause")
'pause'
"""

from __future__ import annotations

from typing import Protocol

from babel.support import Translations

from mediation._catalogs import (
    DOMAIN,
    LANGUAGES,
    N_,
    NP_,
    Names,
    Phrase,
    Term,
    catalog,
    join_list,
)
from mediation.errors import InvalidInput

__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "NP_",
    "N_",
    "WORDS",
    "Names",
    "Phrase",
    "Term",
    "check_language",
    "join_list",
    "stage_label",
    "translator",
]


WORDS: tuple[str, ...] = (
    # The stages of the built-in process.
    N_("intake"),
    N_("listening"),
    N_("perspective swap"),
    N_("common ground"),
    N_("compromise"),
    N_("agreement"),
    N_("escalated"),
    N_("cooling off"),
    N_("closed"),
    # The moves between them.
    N_("advance"),
    N_("settle"),
    N_("settle partially"),
    N_("pause"),
    N_("resume"),
    N_("escalate"),
    N_("declare impasse"),
    N_("terminate"),
    N_("close withdrawn"),
    N_("close escalated"),
    # The stage-bound activities.
    N_("answer proposal"),
    N_("assent"),
    N_("confirm differences"),
    N_("consent"),
    N_("disclose"),
    N_("park difference"),
    N_("propose"),
    N_("propose common ground"),
    N_("request suggestion"),
    N_("reserve difference"),
    N_("restate"),
    N_("review restatement"),
    N_("sign"),
    N_("speak"),
    N_("suggest settlement"),
    # Outcomes.
    N_("settled"),
    N_("partially settled"),
    N_("withdrawn"),
    N_("impasse"),
    N_("terminated by mediator"),
    # What screening asks about, and the safeguards a policy names.
    N_("safety"),
    N_("harassment"),
    N_("retaliation"),
    N_("capacity"),
    N_("power"),
    N_("caucus offer"),
    N_("subordinate speaks first"),
    N_("support person"),
    N_("shuttle"),
    # What the voice checks measure.
    N_("airtime"),
    N_("turns"),
    # The roles in a case.
    N_("party"),
    N_("mediator"),
    N_("supervisor"),
    # What a command's arguments are called in a message about bad input.
    N_("actor"),
    N_("reader"),
    N_("case id"),
    N_("reason"),
    N_("statement"),
    N_("text"),
    N_("name"),
)
"""The built-in words messages take as parameters (:class:`Term`): stages, moves,
activities, outcomes, screening domains, safeguards, measures, roles and the names of
arguments. A host's own stage or move
has no entry and shows as it is."""


def check_language(lang: str) -> str:
    """Return ``lang`` if the library has a catalog for it.

    Args:
        lang: A language code (``"en"``, ``"zh"``).

    Returns:
        The same code.

    Raises:
        InvalidInput: an unknown language, naming the known ones.
    """
    if lang not in LANGUAGES:
        raise InvalidInput.of(
            "unknown_language",
            N_("unknown language {lang}; choose one of: {known}"),
            lang=repr(lang),
            known=", ".join(LANGUAGES),
        )
    return lang


def translator(lang: str) -> Translations:
    """The translations of ``lang`` (a :class:`gettext.GNUTranslations`).

    Compiled once per language from the packaged ``.po`` catalog with Babel; the object
    is only read afterwards, so it is safe to share between threads.

    Args:
        lang: ``"en"`` or ``"zh"``.

    Returns:
        An object with ``gettext`` and ``ngettext``.

    Raises:
        InvalidInput: an unknown language.
    """
    return catalog(check_language(lang))


class _Labelled(Protocol):
    """What :func:`stage_label` reads of a stage (a
    :class:`~mediation.process.StageSpec`)."""

    @property
    def label_en(self) -> str:
        """The English label."""

    @property
    def label_zh(self) -> str:
        """The stage's own Chinese label, or ``""``."""


def stage_label(stage: _Labelled, lang: str) -> str:
    """A stage's label in ``lang``, from the catalogs.

    In English the stage's ``label_en``. In another language the stage's own label for
    that language when its definition gives one (a host's stage, ``label_zh``), else the
    catalog's translation of ``label_en`` (every built-in stage has one), else
    ``label_en`` as it is: a host's stage the catalogs do not know keeps its own label.

    Args:
        stage: A :class:`~mediation.process.StageSpec`.
        lang: ``"en"`` or ``"zh"``.

    Returns:
        The label.

    Raises:
        InvalidInput: an unknown language.

    >>> from mediation.process import DEFAULT_DEFINITION, StageSpec
    >>> stage_label(DEFAULT_DEFINITION.stage("common_ground"), "zh")
    '求同存异'
    >>> stage_label(StageSpec("fact_finding", "Fact finding"), "zh")
    'Fact finding'
    >>> stage_label(StageSpec("fact_finding", "Fact finding", "调查"), "zh")
    '调查'
    """
    check_language(lang)
    if lang == "en":
        return stage.label_en
    own = str(getattr(stage, f"label_{lang}", "") or "")
    return own or str(catalog(lang).gettext(stage.label_en))
