"""Settlement-suggestion commands: valuations given in caucus, requests, and the
mediator's computed suggestion (see :mod:`mediation.settlement`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction

from mediation import events as ev
from mediation import settlement
from mediation._case import validate
from mediation._case.core import CaseCore, refusal
from mediation.errors import CommandRefused, InvalidInput
from mediation.i18n import N_
from mediation.model import check_id, shown
from mediation.state import CaseState

__all__ = ["Suggestion"]

_PROCEDURES = frozenset({"adjusted_winner", "knaster"})


def _exact_valuations(valuations: object) -> dict[str, Fraction]:
    if not isinstance(valuations, Mapping) or not valuations:
        raise InvalidInput.of(
            "valuations_not_a_mapping",
            N_("valuations must be a non-empty mapping item -> number; got {valuations}"),
            valuations=shown(valuations),
        )
    exact: dict[str, Fraction] = {}
    for item, value in valuations.items():
        check_id(item, "item id")
        if isinstance(value, bool) or not isinstance(value, (int, float, Fraction, Decimal)):
            raise InvalidInput.of(
                "valuation_not_a_number",
                N_("valuation of {item} must be a number; got {value}"),
                item=shown(item),
                value=shown(value),
            )
        finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
        if not finite:
            raise InvalidInput.of(
                "valuation_not_finite",
                N_("valuation of {item} must be finite; got {value}"),
                item=shown(item),
                value=shown(value),
            )
        if value < 0:
            raise InvalidInput.of(
                "valuation_negative",
                N_("valuation of {item} must not be negative; got {value}"),
                item=shown(item),
                value=shown(value),
            )
        exact[item] = Fraction(value)
    if not any(exact.values()):
        raise InvalidInput.of(
            "valuations_all_zero", N_("at least one item must be worth something")
        )
    return exact


def _fraction_text(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value}"


def _describe_terms(
    state: CaseState,
    procedure: str,
    shares: Mapping[str, Mapping[str, Fraction]],
    payments: Mapping[str, Fraction],
) -> str:
    parts = []
    for party, items in shares.items():
        held = [
            item if share == 1 else f"{_fraction_text(share)} of {item}"
            for item, share in items.items()
            if share > 0
        ]
        line = f"{state.parties[party].name}: {', '.join(held) or 'no items'}"
        money = payments.get(party)
        if money:
            line += f", {'receives' if money > 0 else 'pays'} {_fraction_text(abs(money))}"
        parts.append(line)
    return f"Suggested by {procedure.replace('_', ' ')}: " + "; ".join(sorted(parts))


class Suggestion(CaseCore):
    """The commands that lead to an evaluative settlement suggestion."""

    __slots__ = ()

    def give_valuations(
        self, actor: str, valuations: Mapping[str, int | float | Fraction | Decimal]
    ) -> ev.ValuationsGiven:
        """In its own caucus, a party tells the mediator what each item is worth to it.

        The valuations stay confidential to that party; they are used only to compute a
        settlement suggestion. Numbers are converted exactly (floats included).

        Raises:
            InvalidInput: no items, a bad item id, or a negative, non-finite or all-zero
                valuation.
        """
        self._authorize("give_valuations", actor)
        exact = _exact_valuations(valuations)
        self._check("give_valuations", actor)
        caucus = self._state.caucus
        assert caucus is not None
        return self._record(ev.ValuationsGiven, actor, caucus_id=caucus[0], valuations=exact)

    def request_suggestion(self, actor: str) -> ev.SuggestionRequested:
        """A party asks for (or agrees to) an evaluative settlement suggestion. The
        mediator may only suggest once every party has."""
        self._authorize("request_suggestion", actor)
        self._check("request_suggestion", actor)
        return self._record(ev.SuggestionRequested, actor)

    def suggest_settlement(
        self,
        actor: str,
        procedure: str = "adjusted_winner",
        *,
        proposal_id: str | None = None,
        settles: Iterable[str] = (),
    ) -> ev.ProposalMade:
        """The mediator proposes a settlement computed from the parties' confidential
        valuations by a fair-division procedure (see :mod:`mediation.settlement`).

        Offered only when every party asked for or agreed to a suggestion, so a
        facilitative mediation never turns evaluative by surprise. The suggestion is a
        mediator proposal: the parties still accept or reject it. The valuations do not
        appear in it; only the resulting shares (and payments) do.

        Args:
            actor: The mediator.
            procedure: ``"adjusted_winner"`` (two parties) or ``"knaster"`` (valuations
                are sealed bids in money; any number of parties).
            proposal_id: Optional id for the proposal.
            settles: Ids of the reserved differences the suggested division settles.

        Raises:
            InvalidInput: an unknown procedure or a duplicate proposal id.
            CommandRefused: a party has not asked for a suggestion or given valuations, or
                the valuations do not fit the procedure (e.g. different item sets).
        """
        self._authorize("suggest_settlement", actor)
        if procedure not in _PROCEDURES:
            raise InvalidInput.of(
                "unknown_procedure",
                N_("unknown procedure {procedure}; one of {known}"),
                procedure=shown(procedure),
                known=sorted(_PROCEDURES),
            )
        proposal_id = validate.new_id(proposal_id, self._state.proposals, "pr")
        settled = validate.difference_ids(self._state, settles)
        self._check("suggest_settlement", actor)
        state = self._state
        parties = list(state.active)
        valuations = {party: state.valuations[party] for party in parties}
        try:
            if procedure == "adjusted_winner":
                if len(parties) != 2:
                    raise InvalidInput.of(
                        "adjusted_winner_two_parties",
                        N_("adjusted_winner divides between two parties; {count} take part"),
                        count=len(parties),
                    )
                winner = settlement.adjusted_winner(valuations)
                shares, payments = winner.shares, {}
            else:
                bids = settlement.knaster(valuations)
                shares, payments = bids.shares, dict(bids.payments)
        except InvalidInput as error:
            raise CommandRefused(
                [
                    refusal(
                        "valuations_unusable",
                        N_("the valuations cannot be used: {problem}"),
                        problem=str(error),
                    )
                ]
            ) from error
        plain_shares = {
            p: {i: Fraction(v) for i, v in items.items()} for p, items in shares.items()
        }
        text = _describe_terms(state, procedure, plain_shares, payments)
        return self._record(
            ev.ProposalMade,
            actor,
            proposal_id=proposal_id,
            text=text,
            procedure=procedure,
            shares=plain_shares,
            payments={p: Fraction(v) for p, v in payments.items()},
            settles=settled,
        )
