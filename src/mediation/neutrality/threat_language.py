"""Threat language (configurable): text that reads like a threat asks for screening.

Page: ``docs/neutrality/threat-language.md``. Settings:
:class:`~mediation.policy.ThreatLanguage`.

An issue title or a joint-session statement in which :func:`mediation.markers.threat_phrases`
finds a threat ("I'll make you pay", "你给我等着") is kept by the fold as an open threat
until the mediator screens a party in private or flags an issue; while one is open, every
forward move raises ``threat_language``, naming who wrote it, the phrases and the events.
Nothing is decided from the words alone: the finding asks a person to look.
"""

from __future__ import annotations

import attrs

from mediation._checks import CheckContext, Finding
from mediation.i18n import N_, Names
from mediation.neutrality._family import Family, FamilyCheck
from mediation.policy import Mode

__all__ = ["FAMILY", "MESSAGES", "SOURCE", "ThreatLanguageCheck"]

SOURCE = (
    "Model Standards of Conduct for Mediators (2005), Std. VI.A.10; AFCC Guidelines for "
    "Examining Intimate Partner Violence (2016): screening continues throughout the process"
)
"""Where the check comes from."""

MESSAGES: dict[str, str] = {
    "threat_language": N_(
        "text by {names} reads like a threat ({phrases}; events {events}); screen the parties in "
        "private again or flag the issue before going on"
    ),
}
"""Finding code → message template (English; translated through the catalogs)."""


@attrs.frozen
class ThreatLanguageCheck(FamilyCheck):
    """Open threat texts (not followed by a screening or an issue flag).

    :meth:`evaluate` returns a ``threat_language`` finding while threat texts are open. Zero or
    one finding; its parties are the parties who wrote the texts (none when only the
    mediator or a supervisor did), its evidence their seqs.
    """

    code: str = "threat_language"
    source: str = SOURCE
    default_mode: Mode = Mode.WARN

    def _findings(self, context: CheckContext) -> list[Finding]:
        state = context.state
        threats = state.open_threats
        if not threats:
            return []
        authors = {threat.by for threat in threats.values()}
        parties = tuple(p for p in state.parties if p in authors)
        phrases = sorted({phrase for threat in threats.values() for phrase in threat.phrases})
        seqs = tuple(sorted(threats))
        return [
            Finding.of(
                "threat_language",
                MESSAGES["threat_language"],
                parties,
                params={
                    "names": state.names(authors),
                    "phrases": Names(f"“{p}”" for p in phrases),
                    "events": Names(str(seq) for seq in seqs),
                },
                figures={"texts": float(len(seqs)), "in_case": float(state.threat_count)},
                evidence=seqs,
            )
        ]


FAMILY = Family("threat_language", N_("Threat language"), SOURCE, check=ThreatLanguageCheck())
