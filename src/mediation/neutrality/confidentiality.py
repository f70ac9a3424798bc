"""Confidentiality: caucus notes belong to their party, and the mediator does not pass
them on.

Page: ``docs/neutrality/confidentiality.md``. Two parts:

- enforced by the process: a caucus note is confidential to its party until the party
  allows sharing; the case's reader views and exports leave it out for everyone else;
- checked (configurable, settings :class:`~mediation.policy.Confidentiality`): a text the
  mediator says in joint session that *reproduces* an unshared caucus note — measured
  by shingled containment when the text is recorded
  (:class:`~mediation.state.Transcript`) — is a ``caucus_leak`` finding naming both
  events, reported once, and quoting neither text.
"""

from __future__ import annotations

import attrs

from mediation._checks import CheckContext, Finding
from mediation.i18n import N_
from mediation.neutrality._family import Family, FamilyCheck
from mediation.neutrality._standards import STD_V
from mediation.policy import Mode

__all__ = ["FAMILY", "MESSAGES", "SOURCE", "CaucusLeakCheck"]

SOURCE = STD_V
"""Model Standards Std. V (Confidentiality); Uniform Mediation Act §7."""

MESSAGES = {
    "caucus_leak": N_(
        "the mediator's joint-session text (event {text}) reproduces {share} of a caucus "
        "note of {names} (event {note}) that was not allowed to be shared"
    ),
}
"""Finding code → message template (English; translated through the catalogs)."""


@attrs.frozen
class CaucusLeakCheck(FamilyCheck):
    """Joint-session mediator texts that reproduce an unshared caucus note.

    Each leak found since the last recorded ``caucus_leak`` finding is reported on the
    next forward move; once a finding is on record (a warning, or a block a supervisor
    overrode) those leaks are not reported again.

    :meth:`evaluate` returns one ``caucus_leak`` finding per leak not yet on record. The findings;
    each names the two events as evidence and quotes no text.
    """

    code: str = "confidentiality"
    source: str = SOURCE
    default_mode: Mode = Mode.BLOCK

    def _findings(self, context: CheckContext) -> list[Finding]:
        state = context.state
        transcript = state.transcript
        findings = []
        for leak in transcript.leaks[transcript.leaks_on_record :]:
            fields = {
                "text": leak.text_seq,
                "note": leak.note_seq,
                "share": f"{leak.containment:.0%}",
                "names": state.names((leak.party,)),
            }
            findings.append(
                Finding.of(
                    "caucus_leak",
                    MESSAGES["caucus_leak"],
                    (leak.party,),
                    params=fields,
                    figures={"containment": leak.containment},
                    evidence=(leak.note_seq, leak.text_seq),
                )
            )
        return findings


FAMILY = Family("confidentiality", N_("Confidentiality"), SOURCE, check=CaucusLeakCheck())
