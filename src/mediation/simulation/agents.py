"""Party agents: hidden valuations, a BATNA, a conflict style and an emotion level.

A :class:`PartyAgent` stands in for one party in a simulated mediation. It knows what
each option of each issue is worth to it (additive valuations, normalised so that its
best package is worth 1 and its worst 0), what it gets without an agreement (its BATNA,
on the same scale), how it handles conflict (a Thomas–Kilmann style, see
:class:`Style`), and how upset it is (``emotion`` in ``[0, 1]``). The style shapes how
long it speaks, whether its restatements of the others' views are accurate, how fast it
concedes, whether it accepts a caucus or asks for a suggestion, and when it withdraws or
asks for escalation. Emotion rises when its proposals are rejected and falls in
cooling-off and in caucus.

Agents never see the case's labels: every decision reads the agent's own numbers and
the behaviour random stream it is given, so renaming the parties changes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from enum import Enum
from random import Random

import attrs

__all__ = ["TRAITS", "PartyAgent", "Style", "StyleTraits", "draw_valuations"]


class Style(str, Enum):
    """Thomas–Kilmann conflict modes (assertiveness × cooperativeness).

    Source: K. W. Thomas and R. H. Kilmann, *Thomas–Kilmann Conflict Mode Instrument*,
    1974.
    """

    COMPETING = "competing"
    """Assertive, uncooperative: concedes late, reads the others poorly."""
    COLLABORATING = "collaborating"
    """Assertive and cooperative: looks for packages good for everyone."""
    COMPROMISING = "compromising"
    """In the middle: concedes steadily, splits differences."""
    AVOIDING = "avoiding"
    """Neither: speaks little, declines caucuses, withdraws when pressed."""
    ACCOMMODATING = "accommodating"
    """Cooperative, unassertive: concedes early."""


@attrs.frozen(kw_only=True)
class StyleTraits:
    """How a style behaves; every figure is a plain number so it can be tuned.

    Attributes:
        talk_seconds: Mean length of a statement in joint session, in seconds.
        restate_accuracy: Probability that a calm party's restatement is accurate.
        concession: Exponent ``e`` of the time-dependent concession curve
            ``a(t) = 1 - (1 - r) * (t / T) ** (1 / e)`` (Faratin, Sierra and Jennings,
            1998): below 1 concedes late (Boulware), above 1 early (Conceder).
        model_noise: How badly it reads the others' interests: the standard deviation
            of its estimate of their valuations, as a share of their range.
        caucus_acceptance: Probability of accepting an offered caucus.
        suggestion_request: Probability of asking for an evaluative suggestion.
        fairness_bonus: How much below its aspiration it accepts a suggestion computed
            by a published fair-division procedure (procedural justice).
        temper: Emotion added when one of its proposals is rejected.
        withdraw_risk: Probability of withdrawing when very upset.
        escalate_risk: Probability of asking for escalation at an impasse.
    """

    talk_seconds: float
    restate_accuracy: float
    concession: float
    model_noise: float
    caucus_acceptance: float
    suggestion_request: float
    fairness_bonus: float
    temper: float
    withdraw_risk: float
    escalate_risk: float


TRAITS: Mapping[Style, StyleTraits] = {
    Style.COMPETING: StyleTraits(
        talk_seconds=200.0,
        restate_accuracy=0.55,
        concession=0.35,
        model_noise=0.5,
        caucus_acceptance=0.6,
        suggestion_request=0.6,
        fairness_bonus=0.0,
        temper=0.12,
        withdraw_risk=0.10,
        escalate_risk=0.5,
    ),
    Style.COLLABORATING: StyleTraits(
        talk_seconds=150.0,
        restate_accuracy=0.9,
        concession=0.8,
        model_noise=0.15,
        caucus_acceptance=0.9,
        suggestion_request=0.95,
        fairness_bonus=0.05,
        temper=0.04,
        withdraw_risk=0.02,
        escalate_risk=0.1,
    ),
    Style.COMPROMISING: StyleTraits(
        talk_seconds=130.0,
        restate_accuracy=0.8,
        concession=1.0,
        model_noise=0.3,
        caucus_acceptance=0.8,
        suggestion_request=0.9,
        fairness_bonus=0.05,
        temper=0.06,
        withdraw_risk=0.04,
        escalate_risk=0.15,
    ),
    Style.AVOIDING: StyleTraits(
        talk_seconds=70.0,
        restate_accuracy=0.65,
        concession=0.6,
        model_noise=0.45,
        caucus_acceptance=0.5,
        suggestion_request=0.8,
        fairness_bonus=0.03,
        temper=0.08,
        withdraw_risk=0.25,
        escalate_risk=0.05,
    ),
    Style.ACCOMMODATING: StyleTraits(
        talk_seconds=100.0,
        restate_accuracy=0.85,
        concession=2.5,
        model_noise=0.3,
        caucus_acceptance=0.9,
        suggestion_request=0.95,
        fairness_bonus=0.05,
        temper=0.03,
        withdraw_risk=0.03,
        escalate_risk=0.05,
    ),
}
"""The default traits of each style."""

Package = tuple[int, ...]
"""One option index per issue, in issue order."""


def draw_valuations(
    parties: int, options: Sequence[int], opposition: float, rng: Random
) -> list[tuple[list[int], list[list[int]]]]:
    """Draw every party's hidden integer valuations.

    Each party gets an integer weight in ``[1, 100]`` per issue and an integer score in
    ``[0, 100]`` per option. ``opposition`` mixes independent scores (0) with positional
    ones (1): options sit on a circle and each party's ideal point is spread evenly
    around it by its seat, so with two parties one's best option is the other's worst.

    Args:
        parties: How many parties.
        options: The number of options of each issue.
        opposition: In ``[0, 1]``.
        rng: The profile random stream of the mediation.

    Returns:
        Per party, in seat order: ``(weights, scores)`` with ``scores[issue][option]``.
    """
    draw = rng.random
    positions = [[draw() for _ in range(count)] for count in options]
    independent = 1.0 - opposition
    drawn: list[tuple[list[int], list[list[int]]]] = []
    for seat in range(parties):
        weights = [1 + int(draw() * 100) % 100 for _ in options]
        scores = []
        around = seat / parties
        for placed in positions:
            ideal = (around + rng.uniform(-0.1, 0.1)) % 1.0
            row = []
            for position in placed:
                gap = abs(position - ideal)
                around_the_back = 1.0 - gap
                shorter = gap if gap <= around_the_back else around_the_back  # as min()
                value = independent * draw() + opposition * (1.0 - 2.0 * shorter)
                row.append(round(100 * value))
            scores.append(row)
        drawn.append((weights, scores))
    return drawn


class PartyAgent:
    """One simulated party (mutable: its emotion and its reading of the others change).

    Args:
        party_id: The party's id in the case.
        seat: Its position at the table (0-based), used for turn order, never its id.
        style: Its conflict style.
        batna: Its reservation value on its own normalised scale, in ``[0, 1]``.
        emotion: Its starting emotion level, in ``[0, 1]``.
        weights: Integer importance of each issue.
        scores: Integer score of each option of each issue.
        noise: Standard normal draws, one per issue and option, that perturb its
            estimate of the others' valuations.
        traits: Behaviour parameters; default: :data:`TRAITS` of ``style``.
    """

    __slots__ = (
        "batna",
        "emotion",
        "favourite",
        "id",
        "insight",
        "noise",
        "points",
        "seat",
        "spans",
        "style",
        "traits",
        "values",
    )

    def __init__(
        self,
        party_id: str,
        seat: int,
        style: Style,
        batna: float,
        emotion: float,
        weights: Sequence[int],
        scores: Sequence[Sequence[int]],
        noise: Sequence[Sequence[float]],
        traits: StyleTraits | None = None,
    ) -> None:
        self.id = party_id
        self.seat = seat
        self.style = style
        self.traits = traits if traits is not None else TRAITS[style]
        self.batna = batna
        self.emotion = emotion
        self.noise = [list(row) for row in noise]
        self.insight = 1.0
        """Multiplier of the model noise: perspective swap and caucuses lower it."""
        lows = [min(row) for row in scores]
        spans = [w * (max(row) - low) for w, row, low in zip(weights, scores, lows, strict=True)]
        self.spans = spans
        total = sum(spans) or 1
        self.values: list[list[float]] = [
            [w * (s - low) / total for s in row]
            for w, row, low in zip(weights, scores, lows, strict=True)
        ]
        """``values[issue][option]``: its additive utility, normalised to [0, 1] overall."""
        self.points: list[int] = [1 + span for span in spans]
        """What each issue is worth to it, as integer points (given in caucus)."""
        self.favourite: list[int] = [row.index(max(row)) for row in self.values]

    def __repr__(self) -> str:
        return f"<PartyAgent {self.id} {self.style.value} batna={self.batna:.2f}>"

    def utility(self, package: Sequence[int]) -> float:
        """What a package (one option per issue) is worth to the agent, in [0, 1]."""
        values = self.values
        total = 0.0
        for issue, option in enumerate(package):
            total += values[issue][option]
        return total

    def speak_seconds(self, rng: Random) -> float:
        """How long it speaks when invited (seconds, a whole number)."""
        return float(round(self.traits.talk_seconds * (0.5 + rng.random())))

    def restates_accurately(self, rng: Random, help_given: float = 0.0) -> bool:
        """Whether its next restatement of another's view is accurate."""
        chance = self.traits.restate_accuracy - 0.3 * self.emotion + help_given
        return rng.random() < chance

    def upset(self, amount: float) -> None:
        """Raise its emotion (capped at 1)."""
        self.emotion = min(1.0, self.emotion + amount)

    def calm(self, factor: float) -> None:
        """Lower its emotion by ``factor`` (e.g. 0.6 keeps 60 %)."""
        self.emotion *= factor

    def aspiration(self, round_: int, horizon: int, best: float) -> float:
        """The utility it insists on in compromise round ``round_`` of ``horizon``.

        Starts at ``best`` (its best package given what is already agreed) and falls to
        its BATNA at the horizon along its style's concession curve; emotion slows it.
        """
        reserve = min(self.batna, best)
        progress: float = min(1.0, round_ / max(horizon, 1)) ** (1.0 / self.traits.concession)
        wanted = best - (best - reserve) * progress
        return min(best, wanted + 0.1 * self.emotion * (best - reserve))

    def accepts(self, value: float, wanted: float, *, suggested: bool) -> bool:
        """Whether it accepts terms worth ``value`` to it when it insists on ``wanted``.

        A suggestion computed by a fair-division procedure earns its ``fairness_bonus``;
        nothing below its BATNA is ever accepted.
        """
        bonus = self.traits.fairness_bonus if suggested else 0.0
        return value >= self.batna and value >= wanted - bonus

    def model(self, others: Sequence[PartyAgent]) -> list[list[float]]:
        """Its estimate of what each option is worth to the others together."""
        sigma = self.traits.model_noise * self.insight
        rows = []
        for issue, noise_row in enumerate(self.noise):
            row = [0.0] * len(noise_row)
            for other in others:
                values = other.values[issue]
                spread = sigma * values[other.favourite[issue]]
                row = [
                    total + (value + spread * noise)
                    for total, value, noise in zip(row, values, noise_row, strict=True)
                ]
            rows.append(row)
        return rows

    def plan(
        self, others: Sequence[PartyAgent], fixed: Mapping[int, int], steps: int = 0
    ) -> list[tuple[Package, float]]:
        """Its concession path: packages from its favourite towards what it believes the
        others want, each step giving up the least of its own utility per unit of the
        others' estimated gain (integrative bargaining with additive utilities).

        Args:
            others: The other parties taking part.
            fixed: Issue index → option index already agreed (common ground).
            steps: Most moves to plan; default: four per issue.

        Returns:
            ``(package, own utility)`` pairs, starting with its favourite.
        """
        estimate = self.model(others)
        package = [fixed.get(issue, best) for issue, best in enumerate(self.favourite)]
        values = self.values
        path = [(tuple(package), self.utility(package))]
        # An issue's best move depends on nothing but that issue's current option, so each
        # issue's is kept and worked out again only for the issue that moved: the move
        # taken is the one a scan of every issue and option would take (the highest score,
        # the first in issue and then option order among equal ones).
        moves = [
            None if issue in fixed else _best_move(values[issue], estimate[issue], current)
            for issue, current in enumerate(package)
        ]
        for _ in range(steps or 4 * len(package)):
            best_score = -math.inf
            moved = -1
            for issue, move in enumerate(moves):
                if move is not None and move[0] > best_score:
                    best_score, moved = move[0], issue
            if moved < 0:
                break
            option = package[moved] = moves[moved][1]  # type: ignore[index]
            moves[moved] = _best_move(values[moved], estimate[moved], option)
            path.append((tuple(package), self.utility(package)))
        return path


def _best_move(
    own_row: Sequence[float], their_row: Sequence[float], current: int
) -> tuple[float, int] | None:
    """The option of one issue that gives up the least of one's own utility per unit of
    the others' estimated gain, moving from ``current``, with its score (None when no
    option gains them anything); the first of equal ones."""
    own_now, their_now = own_row[current], their_row[current]
    best_score = -math.inf
    best: int | None = None
    for option, their_value in enumerate(their_row):
        gain = their_value - their_now
        if gain <= 1e-12:
            continue
        loss = own_now - own_row[option]
        score = gain / loss if loss > 1e-12 else math.inf
        if score > best_score:
            best_score, best = score, option
    return None if best is None else (best_score, best)
