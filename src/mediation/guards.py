"""The built-in guards: completion conditions that let a case leave a stage.

A guard takes the :class:`~mediation.state.CaseState` and returns the reasons it fails
(an empty tuple when it holds), naming the parties concerned, so a refusal can say
exactly what is missing. Hosts add guards of their own with the same signature and pass
them to :class:`~mediation.process.Process`.
"""

from __future__ import annotations

from collections.abc import Mapping

from mediation.errors import Reason
from mediation.i18n import N_, Names, Term
from mediation.process import Guard
from mediation.state import CaseState

__all__ = [
    "BUILTIN_GUARDS",
    "all_heard",
    "all_signed",
    "all_views_restated",
    "common_ground_or_differences_listed",
    "consent_current",
    "disclosure_made",
    "no_non_mediable_issue",
    "no_open_caucus",
    "proposal_accepted_by_all",
]


def no_open_caucus(state: CaseState) -> tuple[Reason, ...]:
    """No private session is in progress (the joint process waits for it to close)."""
    if state.caucus is None:
        return ()
    caucus_id, caucus = state.caucus
    return (
        Reason.of(
            "caucus_open",
            N_("caucus {caucus} with {party} is still open; close it first"),
            (caucus.party,),
            params={"caucus": repr(caucus_id), "party": caucus.party},
        ),
    )


def no_non_mediable_issue(state: CaseState) -> tuple[Reason, ...]:
    """No issue on the table carries a flag the policy treats as non-mediable."""
    return tuple(
        Reason.of(
            "non_mediable_issue",
            N_("issue {issue} is flagged {flags}: it cannot be mediated and must be escalated"),
            params={"issue": repr(issue_id), "flags": Names(Term(flag) for flag in sorted(flags))},
        )
        for issue_id, flags in state.non_mediable_issues().items()
    )


def disclosure_made(state: CaseState) -> tuple[Reason, ...]:
    """The current mediator disclosed, covering every relationship known for them."""
    if state.disclosure_seq is None:
        return (
            Reason.of(
                "disclosure_missing",
                N_("mediator {mediator} has not made a disclosure to the parties"),
                params={"mediator": state.mediator.name},
            ),
        )
    undisclosed = [rel for rel in state.mediator.relationships if rel not in state.disclosed]
    if undisclosed:
        parties = sorted(
            {rel.target if rel.source == state.mediator.id else rel.source for rel in undisclosed}
        )
        return (
            Reason.of(
                "disclosure_incomplete",
                N_("mediator {mediator} has not disclosed their relationship with {names}"),
                parties,
                params={"mediator": state.mediator.name, "names": state.names(parties)},
            ),
        )
    return ()


def consent_current(state: CaseState) -> tuple[Reason, ...]:
    """Every taking-part party consented after the mediator's latest disclosure."""
    if state.disclosure_seq is None:
        return disclosure_made(state)
    missing = [
        party for party in state.active if state.consent_seq.get(party, 0) < state.disclosure_seq
    ]
    if not missing:
        return ()
    return (
        Reason.of(
            "consent_missing",
            N_("no consent after the latest disclosure from {names}"),
            missing,
            params={"names": state.names(missing)},
        ),
    )


def all_heard(state: CaseState) -> tuple[Reason, ...]:
    """Every taking-part party has spoken at least once."""
    missing = [party for party in state.active if not state.turns.get(party)]
    if not missing:
        return ()
    return (
        Reason.of(
            "not_heard",
            N_("not yet heard: {names}"),
            missing,
            params={"names": state.names(missing)},
        ),
    )


def all_views_restated(state: CaseState) -> tuple[Reason, ...]:
    """Every taking-part party's view was restated by another party and confirmed by them."""
    confirmed = {
        restatement.about
        for restatement in state.restatements.values()
        if restatement.accurate and restatement.by in state.active
    }
    missing = [party for party in state.active if party not in confirmed]
    if not missing:
        return ()
    return (
        Reason.of(
            "view_not_restated",
            N_("no confirmed restatement yet of the view of {names}"),
            missing,
            params={"names": state.names(missing)},
        ),
    )


def common_ground_or_differences_listed(state: CaseState) -> tuple[Reason, ...]:
    """Some common ground has every party's assent, or every party confirmed the list
    of (at least one) reserved differences as complete."""
    for item in state.common_ground.values():
        if all(party in item.assents for party in state.active):
            return ()
    if state.differences and all(party in state.differences_confirmed for party in state.active):
        return ()
    unconfirmed = [party for party in state.active if party not in state.differences_confirmed]
    return (
        Reason.of(
            "no_common_ground",
            N_(
                "no common-ground item has every party's assent, and the differences are not "
                "confirmed by {names}"
            ),
            unconfirmed,
            params={"names": state.names(unconfirmed)},
        )
        if state.differences
        else Reason.of(
            "no_common_ground",
            N_(
                "no common-ground item has every party's assent, and the differences are not listed"
            ),
        ),
    )


def proposal_accepted_by_all(state: CaseState) -> tuple[Reason, ...]:
    """One proposal has been accepted by every taking-part party."""
    if state.agreed_proposal() is not None:
        return ()
    if not state.proposals:
        return (Reason.of("no_proposal", N_("no proposal has been made")),)
    latest = state.proposals[tuple(state.proposals)[-1]]
    missing = [party for party in state.active if latest.answers.get(party) is not True]
    return (
        Reason.of(
            "proposal_not_accepted",
            N_("no proposal is accepted by every party; the latest still needs {names}"),
            missing,
            params={"names": state.names(missing)},
        ),
    )


def all_signed(state: CaseState) -> tuple[Reason, ...]:
    """Every taking-part party signed the agreed proposal."""
    agreed = state.agreed_proposal()
    if agreed is None:
        return (Reason.of("no_agreement", N_("no proposal is accepted by every party")),)
    missing = [party for party in state.active if state.signatures.get(party) != agreed]
    if not missing:
        return ()
    return (
        Reason.of(
            "signature_missing",
            N_("not yet signed by {names}"),
            missing,
            params={"names": state.names(missing)},
        ),
    )


BUILTIN_GUARDS: Mapping[str, Guard] = {
    "no_open_caucus": no_open_caucus,
    "no_non_mediable_issue": no_non_mediable_issue,
    "disclosure_made": disclosure_made,
    "consent_current": consent_current,
    "all_heard": all_heard,
    "all_views_restated": all_views_restated,
    "common_ground_or_differences_listed": common_ground_or_differences_listed,
    "proposal_accepted_by_all": proposal_accepted_by_all,
    "all_signed": all_signed,
}
"""Guard name → function for every guard of the default process."""
