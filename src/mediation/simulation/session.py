"""One simulated mediation, run through the real :class:`~mediation.Mediation`.

:func:`simulate` draws the parties' hidden profiles for one mediation of a scenario,
opens a real case with the scenario's policy, and lets the simulated mediator (following
the scenario's :class:`~mediation.simulation.MediatorStrategy`) and the party agents
drive it command by command — disclosure and consent, listening, perspective swap,
common ground, compromise, agreement — with cooling-off, caucuses, withdrawal and
escalation. Every refusal the real case raises (a neutrality check blocking a move)
is handled as a mediator would: fix what the finding names, or follow the strategy's
``on_block``. Nothing is short-cut: the case's events are the record.

Randomness comes only from three :class:`random.Random` streams seeded from the run seed
and the mediation's index (:func:`derive_seed`): ``profile`` (valuations, BATNAs,
styles, emotions, screening), ``seats`` (the order in which the mediator takes the
parties: who is invited to open, who restates first, who proposes first — a uniformly
drawn order, so that being listed first in a scenario is no advantage), ``bias``
(the party a biased mediator works against, and the language of a ``mixed`` case),
``texts`` (the words said) and ``behaviour`` (what the agents do). Two scenarios that
differ only in policy or strategy therefore present the same disputes (common random
numbers). Time comes from a :class:`~mediation.clocks.ManualClock`.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from random import Random

from mediation import events as ev
from mediation.case import Mediation
from mediation.clocks import ManualClock
from mediation.errors import TransitionRefused
from mediation.model import NO_CONCERNS
from mediation.neutrality import Finding, disqualifying_relations
from mediation.process import DEFAULT_DEFINITION
from mediation.simulation import transcripts
from mediation.simulation.agents import Package, PartyAgent, Style, draw_valuations
from mediation.simulation.biases import bias_named
from mediation.simulation.metrics import MediationResult, envy, equitability_gap, nash_point
from mediation.simulation.scenarios import Scenario
from mediation.simulation.strategies import Approach, OnBlock

__all__ = ["START", "SimulationError", "derive_seed", "simulate"]

START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
"""When every simulated case opens (simulated time only moves by its own clock)."""

_STAGES = DEFAULT_DEFINITION.active_stages
_RANK = {stage: rank for rank, stage in enumerate(_STAGES)}
_AUTHORITY_FOR_FLAG = {
    "harassment": "hr",
    "discrimination": "hr",
    "violence": "hr",
    "safety": "hr",
    "legal_violation": "legal",
}
_PAUSE_AT = 0.75
_UPSET = 0.85


class SimulationError(RuntimeError):
    """The simulated mediator met a refusal it has no answer for (a bug to report)."""


class _Ended(Exception):
    """The case closed; unwind the session."""


def derive_seed(seed: int, index: int, stream: str) -> int:
    """The seed of one random stream of one mediation.

    A hash of the run seed, the mediation's index and the stream's name: independent of
    how mediations are spread over workers and of the order they finish in.

    Args:
        seed: The run's seed.
        index: The mediation's index in the run.
        stream: The stream's name (``"profile"`` or ``"behaviour"``).

    Returns:
        A 64-bit integer seed.
    """
    text = f"mediation.simulation:{seed}:{index}:{stream}"
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def _pick(weights: Sequence[tuple[Style, float]], rng: Random) -> Style:
    draw = rng.random()
    running = 0.0
    for style, weight in weights:
        running += weight
        if draw < running:
            return style
    return weights[-1][0]


class _Setting:
    """What every simulated case of one scenario starts from, built once per scenario and
    shared: the case's inputs (immutable values, validated again by
    :meth:`Mediation.open <mediation.Mediation.open>` for each case, as for any host) and
    the figures the session reads from the scenario."""

    __slots__ = (
        "issues",
        "juniors",
        "mediator",
        "options",
        "parties",
        "relations",
        "scenario",
        "styles",
        "supervisors",
        "ties",
    )

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.parties = tuple(scenario.case_parties())
        self.mediator = scenario.mediator.mediator()
        self.supervisors = (scenario.supervisor,)
        self.relations = tuple(scenario.relations())
        self.issues = tuple(scenario.case_issues())
        self.options = tuple(len(issue.options) for issue in scenario.issues)
        self.styles = tuple(tuple(spec.styles.items()) for spec in scenario.parties)
        self.juniors = frozenset(
            spec.id
            for spec in scenario.parties
            if any(spec.id in p.manages for p in scenario.parties)
        )
        self.ties = frozenset(target for _, target in scenario.mediator.relationships)


_SETTINGS: dict[int, _Setting] = {}


def _setting(scenario: Scenario) -> _Setting:
    """The scenario's :class:`_Setting`, made on its first case (kept by identity: a
    scenario is immutable; an equal scenario that is another object gets its own)."""
    setting = _SETTINGS.get(id(scenario))
    if setting is not None and setting.scenario is scenario:
        return setting
    setting = _Setting(scenario)
    if len(_SETTINGS) > 64:
        _SETTINGS.clear()
    _SETTINGS[id(scenario)] = setting
    return setting


class _Session:
    """The mediator's and the parties' side of one simulated case."""

    def __init__(self, scenario: Scenario, index: int, seed: int) -> None:
        setting = _setting(scenario)
        self.scenario = scenario
        self.strategy = scenario.strategy
        self.index = index
        profile = Random(derive_seed(seed, index, "profile"))
        self.rng = Random(derive_seed(seed, index, "behaviour"))
        options = setting.options
        drawn = draw_valuations(len(scenario.parties), options, scenario.opposition, profile)
        gauss = profile.gauss
        self.agents: list[PartyAgent] = []
        for seat, (spec, styles, (weights, scores)) in enumerate(
            zip(scenario.parties, setting.styles, drawn, strict=True)
        ):
            style = _pick(styles, profile)
            batna = profile.uniform(*spec.batna)
            emotion = profile.uniform(*spec.emotion)
            noise = [[gauss(0.0, 1.0) for _ in range(count)] for count in options]
            self.agents.append(
                PartyAgent(spec.id, seat, style, batna, emotion, weights, scores, noise)
            )
        self.flags = [
            (flag, scenario.issues[profile.randrange(len(scenario.issues))].id)
            for flag, rate in scenario.screening.items()
            if profile.random() < rate
        ]
        # Seat-blind: the mediator takes the parties in an order drawn for this case, not
        # in the order the scenario lists them (the first-listed party used to open and to
        # propose first in every case, and came out ahead on identical specs).
        self.seating = list(self.agents)
        Random(derive_seed(seed, index, "seats")).shuffle(self.seating)
        self.hooks = bias_named(self.strategy.bias_family)
        drawn_for_bias = Random(derive_seed(seed, index, "bias"))
        self.target = drawn_for_bias.choice(self.agents)
        language = self.strategy.language
        self.language = (
            drawn_for_bias.choice(transcripts.LANGUAGES) if language == "mixed" else language
        )
        self.texts = Random(derive_seed(seed, index, "texts"))
        self.by_id = {agent.id: agent for agent in self.agents}
        self.juniors = [agent for agent in self.agents if agent.id in setting.juniors]
        self.ties = setting.ties
        self.clock = ManualClock(START, tick=timedelta(seconds=20))
        self.mediator = scenario.mediator.id
        self.case = Mediation.open(
            f"{scenario.name}-{index}",
            setting.parties,
            setting.mediator,
            clock=self.clock,
            supervisors=setting.supervisors,
            relations=setting.relations,
            issues=setting.issues,
            policy=scenario.policy,
        )
        self.fixed: dict[int, int] = {}
        self.terms: dict[str, tuple[Package, dict[str, float]]] = {}
        self.blocks: dict[str, int] = {}
        self.flagged: dict[str, int] = {}
        self.withdrew: list[str] = []
        self.escalation = ""
        self.settled_by = ""
        self.rounds = self.caucuses = self.pauses = self.overrides = 0
        self.suggested = False
        favoured = self.strategy.favour if self.strategy.bias > 0 else ""
        self.favoured = self.by_id.get(favoured)
        """The party a biased mediator favours (None for a fair one)."""

    # -- helpers --------------------------------------------------------------------------

    def active(self) -> list[PartyAgent]:
        """The parties taking part, in this case's seating order."""
        state = self.case.state.active
        return [agent for agent in self.seating if agent.id in state]

    def speak(self, agent: PartyAgent, boost: float = 1.0) -> None:
        seconds = self.hooks.speaking_time(
            agent, self.target, agent.speak_seconds(self.rng) * boost
        )
        self.case.speak(agent.id, "My side of it.", seconds)
        self.clock.advance(timedelta(seconds=seconds))

    def caucus(self, agent: PartyAgent, minutes: float, items: Sequence[int] = ()) -> None:
        case = self.case
        case.open_caucus(self.mediator, agent.id)
        note = transcripts.caucus_note(self.language, self.texts)
        case.caucus_note(agent.id, note)
        self.clock.advance(
            timedelta(minutes=self.hooks.caucus_minutes(agent, self.target, minutes))
        )
        if items:
            case.give_valuations(
                agent.id, {self.scenario.issues[i].id: agent.points[i] for i in items}
            )
        case.close_caucus(self.mediator)
        self.caucuses += 1
        agent.calm(0.8)
        agent.insight *= 0.8
        if self.hooks.leaks(agent, self.target):
            others = [other for other in self.active() if other is not agent]
            if others:
                leaked = transcripts.leaked_text(note, self.language, self.texts)
                case.paraphrase(self.mediator, others[0].id, leaked)

    def address(self, agent: PartyAgent, kind: str) -> None:
        """The mediator paraphrases or questions ``agent`` (unless its bias skips it)."""
        if not self.hooks.addresses(agent, self.target):
            return
        text = self.hooks.text(agent, self.target, kind, self.language, self.texts)
        if kind == "paraphrase":
            self.case.paraphrase(self.mediator, agent.id, text)
        else:
            self.case.ask(self.mediator, agent.id, text)

    def offer_caucus(self, agent: PartyAgent) -> None:
        if agent.id not in self.case.state.caucus_offered:
            self.case.offer_caucus(self.mediator, agent.id)
        if self.rng.random() < agent.traits.caucus_acceptance:
            self.caucus(agent, self.rng.uniform(10.0, 20.0))

    def cool_down(self) -> None:
        """Pause when someone is very upset, as long as pauses remain."""
        if self.pauses >= self.strategy.max_pauses:
            return
        for agent in self.active():
            if agent.emotion >= _PAUSE_AT:
                self.case.pause(agent.id, "I need a break.")
                self.clock.advance(timedelta(minutes=15))
                self.case.resume(self.mediator)
                self.pauses += 1
                for other in self.agents:
                    other.calm(0.6)
                return

    def withdraw(self, agent: PartyAgent, reason: str) -> None:
        self.case.withdraw(agent.id, reason)
        self.withdrew.append(agent.id)
        if self.case.is_closed:
            raise _Ended

    def maybe_withdraw(self) -> bool:
        """Very upset parties may withdraw once no pause is left; True if one did."""
        if self.pauses < self.strategy.max_pauses:
            return False
        for agent in self.active():
            if agent.emotion >= _UPSET and self.rng.random() < agent.traits.withdraw_risk:
                self.withdraw(agent, "I do not want to go on.")
                return True
        return False

    def escalate(self, authority: str, category: str, reason: str) -> None:
        self.case.escalate(self.mediator, authority, reason)
        self.escalation = category
        self.case.close(self.mediator, "escalated", "handed over")
        raise _Ended

    def end(self, outcome: str, reason: str) -> None:
        self.case.close(self.mediator, outcome, reason)
        raise _Ended

    # -- moving on ------------------------------------------------------------------------

    def move(self, step: Callable[[], object]) -> None:
        """Try a checked move; fix what blocks it or follow the strategy's ``on_block``."""
        attempts = 0
        deadlines = bool(self.scenario.policy.deadlines)
        while True:
            if deadlines:
                self.review_deadlines()
            try:
                step()
                return
            except TransitionRefused as refused:
                reasons = refused.reasons
            for reason in reasons:
                self.blocks[reason.code] = self.blocks.get(reason.code, 0) + 1
            findings = [reason for reason in reasons if isinstance(reason, Finding)]
            for finding in findings:
                self.flagged[finding.check] = self.flagged.get(finding.check, 0) + 1
            if len(findings) != len(reasons):
                raise SimulationError(
                    f"{self.case.case_id}: unexpected refusal in {self.case.stage}: "
                    + "; ".join(f"{r.code}: {r.message}" for r in reasons)
                )
            if attempts < self.strategy.block_retries and self.fix(findings):
                attempts += 1
                continue
            self.unfixable(findings)

    def review_deadlines(self) -> None:
        self.case.review_deadlines(self.mediator)
        if self.case.stage == "escalated":
            self.escalation = "deadline"
            self.case.close(self.mediator, "escalated", "handed over")
            raise _Ended

    def fix(self, findings: Sequence[Finding]) -> bool:
        case, state = self.case, self.case.state
        done = False
        for finding in findings:
            code = finding.code
            parties = [self.by_id[p] for p in finding.parties if p in state.active]
            if code in ("airtime_imbalance", "turns_imbalance"):
                for agent in parties:
                    case.invite_to_speak(self.mediator, agent.id)
                    self.speak(agent, boost=1.5)
                    done = True
            elif code in (
                "caucus_not_offered",
                "subordinate_caucus_not_offered",
                "relation_caucus_not_offered",
            ):
                for agent in parties:
                    if agent.id not in state.caucus_offered:
                        self.offer_caucus(agent)
                        done = True
            elif code == "caucus_time_imbalance":
                longest = max(state.caucus_seconds.values())
                for agent in parties:
                    missing = longest - state.caucus_seconds.get(agent.id, 0.0)
                    self.caucus(agent, missing / 60.0 + 1.0)
                    done = True
            elif code == "support_person_missing":
                for agent in parties:
                    case.add_support_person(agent.id, agent.id, "A trusted colleague")
                    done = True
            elif code == "mediator_attention_imbalance":
                for agent in parties:
                    if self.hooks.addresses(agent, self.target):
                        self.address(agent, "question")
                        done = True
        return done

    def unfixable(self, findings: Sequence[Finding]) -> None:
        codes = list(dict.fromkeys(f.code for f in findings if f.blocking))
        on_block = self.strategy.on_block
        if on_block is OnBlock.OVERRIDE and self.overrides < 5:
            self.case.override(self.scenario.supervisor, codes, "Proceed; noted for review.")
            self.overrides += 1
        elif on_block is OnBlock.ESCALATE:
            self.escalate(
                self.scenario.escalate_to, "neutrality_block", "Blocked: " + ", ".join(codes)
            )
        else:
            self.end("terminated_by_mediator", "Cannot proceed: " + ", ".join(codes))

    def advance(self) -> None:
        self.move(lambda: self.case.advance(self.mediator))

    # -- the stages -----------------------------------------------------------------------

    def intake(self) -> None:
        case, scenario = self.case, self.scenario
        case.disclose(self.mediator, "These are my relationships with the people here.")
        for agent in self.active():
            case.screen(self.mediator, agent.id, NO_CONCERNS)
        if scenario.policy.conflict_of_interest.allow_waiver:
            for relation in disqualifying_relations(case.state):
                for agent in self.active():
                    case.waive_conflict(
                        agent.id, relation, "I was told of this tie and accept this mediator."
                    )
        for flag, issue_id in self.flags:
            case.flag_issue(self.mediator, issue_id, flag)
        blocked = case.state.non_mediable_issues()
        if blocked:
            flag = min(next(iter(blocked.values())))
            authority = _AUTHORITY_FOR_FLAG.get(flag, scenario.escalate_to)
            if authority not in scenario.policy.authorities:
                authority = scenario.escalate_to
            self.escalate(authority, f"non_mediable:{flag}", "Screening: outside mediation.")
        for agent in self.active():
            distrust = 0.03 if any(tie != agent.id for tie in self.ties) else 0.0
            if agent.style in (Style.COMPETING, Style.AVOIDING):
                distrust *= 2
            if self.rng.random() < distrust:
                self.withdraw(agent, "I do not accept this mediator.")
            else:
                case.consent(agent.id)
        self.advance()

    def paraphrase_chance(self, agent: PartyAgent) -> float:
        """How likely the mediator paraphrases ``agent``: the strategy's rate, moved
        towards 1 for a favoured party and towards 0 for the others by the bias."""
        chance = self.strategy.paraphrase
        if self.favoured is None:
            return chance
        bias = self.strategy.bias
        if agent is self.favoured:
            return chance + bias * (1 - chance)
        return chance * (1 - bias)

    def speaking_order(self, round_: int) -> list[PartyAgent]:
        active = self.active()
        shift = round_ % len(active)
        order = active[shift:] + active[:shift]
        if self.strategy.safeguards and self.juniors:
            first = [agent for agent in order if agent in self.juniors]
            order = first + [agent for agent in order if agent not in first]
        return order

    def listening(self) -> None:
        case, rng = self.case, self.rng
        for round_ in range(self.strategy.listening_rounds):
            for agent in self.speaking_order(round_):
                case.invite_to_speak(self.mediator, agent.id)
                self.speak(agent)
                if rng.random() < self.paraphrase_chance(agent):
                    self.address(agent, "paraphrase")
                if self.strategy.questions and rng.random() < self.strategy.questions:
                    self.address(agent, "question")
        self.advance()

    def perspective_swap(self) -> None:
        case = self.case
        active = self.active()
        for position, agent in enumerate(active):
            about = active[(position + 1) % len(active)]
            helped = 0.0
            for _ in range(self.strategy.restate_attempts):
                accurate = agent.restates_accurately(self.rng, helped)
                made = case.restate(agent.id, about.id, "As I understand your view ...")
                case.review_restatement(about.id, made.restatement_id, accurate=accurate)
                if accurate:
                    agent.insight *= 0.6
                    break
                about.upset(0.05)
                helped += 0.15
                self.cool_down()
            else:
                self.end("impasse", "The parties could not restate each other's views.")
        self.advance()

    def common_ground(self) -> None:
        case, scenario = self.case, self.scenario
        active = self.active()
        issues = scenario.issues
        for index, issue in enumerate(issues):
            favourites = [agent.favourite[index] for agent in active]
            if all(option == favourites[0] for option in favourites):
                item = case.propose_common_ground(
                    self.mediator, f"{issue.title}: {issue.options[favourites[0]]}"
                )
                for agent in active:
                    case.assent(agent.id, item.item_id)
                self.fixed[index] = favourites[0]
        general = case.propose_common_ground(self.mediator, "Everyone wants this resolved.")
        holdouts = []
        for agent in active:
            if agent.emotion < 0.8:
                case.assent(agent.id, general.item_id)
            else:
                holdouts.append(agent)
        threshold = 1.0 / len(issues)
        for index, issue in enumerate(issues):
            if index in self.fixed:
                continue
            weights = [agent.values[index][agent.favourite[index]] for agent in active]
            strongest = max(weights)
            holder = active[weights.index(strongest)]
            severity = "major" if strongest >= threshold else "minor"
            made = case.reserve_difference(holder.id, issue.title, severity)
            if severity == "minor":
                case.park_difference(self.mediator, made.difference_id)
        if holdouts:
            self.cool_down()
            for agent in holdouts:
                if agent.emotion < 0.8:
                    case.assent(agent.id, general.item_id)
            state = case.state
            if not all(p in state.common_ground[general.item_id].assents for p in state.active):
                if not state.differences:
                    self.end("impasse", "No common ground and nothing left to negotiate.")
                for agent in self.active():
                    case.confirm_differences(agent.id)
        if (self.strategy.safeguards and self.juniors) or self.strategy.caucus:
            for agent in self.active():
                self.offer_caucus(agent)
        self.advance()

    def open_differences(self) -> list[str]:
        """The reserved differences not parked: a package decides every issue, so its
        terms settle them all."""
        return [d for d, diff in self.case.state.differences.items() if not diff.parked]

    def wanted(self, agent: PartyAgent, round_: int, best: float) -> float:
        return agent.aspiration(round_, self.strategy.patience, best)

    def describe(self, package: Package) -> str:
        issues = self.scenario.issues
        return "; ".join(
            f"{issues[i].title}: {issues[i].options[option]}" for i, option in enumerate(package)
        )

    def plans(self) -> dict[str, list[tuple[Package, float]]]:
        active = self.active()
        return {
            agent.id: agent.plan([other for other in active if other is not agent], self.fixed)
            for agent in active
        }

    def suggest(self, round_: int, plans: dict[str, list[tuple[Package, float]]]) -> bool:
        """Evaluative: a suggestion by a procedure once every party asked for one."""
        case, state = self.case, self.case.state
        active = self.active()
        free = [i for i in range(len(self.scenario.issues)) if i not in self.fixed]
        if not free:
            return False
        for agent in active:
            if agent.id not in state.suggestion_requests:
                if self.rng.random() >= agent.traits.suggestion_request:
                    return False
                case.request_suggestion(agent.id)
        for agent in active:
            self.caucus(agent, self.rng.uniform(10.0, 20.0), free)
        procedure = self.strategy.procedure
        if procedure == "auto" or (procedure == "adjusted_winner" and len(active) != 2):
            procedure = "adjusted_winner" if len(active) == 2 else "knaster"
        made = case.suggest_settlement(self.mediator, procedure, settles=self.open_differences())
        self.suggested = True
        package, money = self.settle_terms(made, free, active)
        self.terms[made.proposal_id] = (package, money)
        agreed = True
        for agent in active:
            value = agent.utility(package) + money[agent.id]
            accept = agent.accepts(
                value, self.wanted(agent, round_, plans[agent.id][0][1]), suggested=True
            )
            case.answer_proposal(agent.id, made.proposal_id, accept=accept)
            agreed = agreed and accept
        if agreed:
            self.settled_by = "suggestion"
        return agreed

    def settle_terms(
        self, made: ev.ProposalMade, free: Sequence[int], active: Sequence[PartyAgent]
    ) -> tuple[Package, dict[str, float]]:
        """The package and money (on each party's scale) a suggestion amounts to."""
        package = [self.fixed.get(i, 0) for i in range(len(self.scenario.issues))]
        for index in free:
            item = self.scenario.issues[index].id
            holders = [
                (agent, float(made.shares[agent.id][item]))
                for agent in active
                if made.shares[agent.id][item] > 0
            ]
            if len(holders) == 1:
                package[index] = holders[0][0].favourite[index]
                continue
            best_option, best_score = 0, -math.inf
            for option in range(len(self.scenario.issues[index].options)):
                score = 0.0
                for agent, share in holders:
                    top = agent.values[index][agent.favourite[index]]
                    if top > 0:
                        score += share * agent.values[index][option] / top
                if score > best_score + 1e-12:
                    best_option, best_score = option, score
            package[index] = best_option
        money = {
            agent.id: float(made.payments.get(agent.id, 0)) / (sum(agent.spans) or 1)
            for agent in active
        }
        return tuple(package), money

    def compromise(self) -> None:
        case, strategy = self.case, self.strategy
        plans = self.plans()
        evaluative = strategy.approach is Approach.EVALUATIVE
        suggest_at = (max(1, strategy.patience // 3), max(1, 2 * strategy.patience // 3))
        for round_ in range(1, strategy.patience + 1):
            self.rounds = round_
            active = self.active()
            proposer = active[(round_ - 1) % len(active)]
            favoured = self.favoured
            if (
                favoured is not None
                and favoured in active
                and self.rng.random() < self.strategy.bias
            ):
                proposer = favoured
            path = plans[proposer.id]
            wanted = self.wanted(proposer, round_, path[0][1])
            package = path[0][0]
            for candidate, value in path:
                if value >= wanted:
                    package = candidate
            made = case.propose(
                proposer.id, self.describe(package), settles=self.open_differences()
            )
            self.terms[made.proposal_id] = (package, {})
            agreed = True
            for agent in active:
                if agent is proposer:
                    continue
                value = agent.utility(package)
                accept = agent.accepts(
                    value, self.wanted(agent, round_, plans[agent.id][0][1]), suggested=False
                )
                case.answer_proposal(agent.id, made.proposal_id, accept=accept)
                if not accept:
                    agreed = False
                    proposer.upset(proposer.traits.temper)
            if agreed:
                self.settled_by = "parties"
                return
            if evaluative and not self.suggested and round_ in suggest_at:
                if self.suggest(round_, plans):
                    return
                active = self.active()
            for agent in active:
                pressed = self.favoured is not None and agent is not self.favoured
                agent.upset(0.02 + (0.05 * self.strategy.bias if pressed else 0.0))
            self.cool_down()
            changed = self.maybe_withdraw()
            if strategy.caucus and round_ == max(1, strategy.patience // 2):
                for agent in self.active():
                    self.caucus(agent, self.rng.uniform(10.0, 20.0))
                changed = True
            if changed:
                plans = self.plans()
        for agent in self.active():
            if self.rng.random() < agent.traits.escalate_risk * 0.5:
                self.escalate(
                    self.scenario.escalate_to, "party_request", "A party asks to escalate."
                )
        self.end("impasse", "No agreement within the mediator's patience.")

    def agreement(self) -> None:
        self.advance()
        state = self.case.state
        agreed = state.agreed_proposal()
        if agreed is not None and state.proposals[agreed].by_mediator:
            # The parties take the reflection period the policy gives them before signing
            # a solution the mediator proposed (EU Directive 2013/11/EU Art. 9(2)).
            self.clock.advance(state.policy.pressure.reflection)
        for agent in self.active():
            self.case.sign(agent.id)
        self.move(lambda: self.case.close(self.mediator, "settled"))

    # -- the record -----------------------------------------------------------------------

    def run(self) -> MediationResult:
        try:
            self.intake()
            self.listening()
            self.perspective_swap()
            self.common_ground()
            self.compromise()
            self.agreement()
        except _Ended:
            pass
        return self.result()

    def result(self) -> MediationResult:
        case = self.case
        state = case.state
        reached = 0
        for event in case.events:
            if isinstance(event, ev.StageChanged):
                reached = max(reached, _RANK.get(event.dest, 0))
        findings: dict[str, int] = {}
        flagged = dict(self.flagged)
        for finding in state.findings:
            findings[finding.code] = findings.get(finding.code, 0) + 1
            flagged[finding.check] = flagged.get(finding.check, 0) + 1
        outcome = state.outcome.value if state.outcome is not None else "open"
        settled = outcome == "settled"
        batna = {agent.id: agent.batna for agent in self.agents}
        utility = dict(batna)
        gap = envy_figure = distance = None
        party_envy: dict[str, float] = {}
        everyone = nash_point([a.values for a in self.agents], [a.batna for a in self.agents])
        agreed: str | None = None
        if settled:
            agreed = state.agreed_proposal()
            assert agreed is not None
            package, money = self.terms[agreed]
            signers = self.active()
            for agent in signers:
                utility[agent.id] = agent.utility(package) + money.get(agent.id, 0.0)
            reached_values = [utility[agent.id] for agent in signers]
            gap = equitability_gap(reached_values)
            envies = envy(
                [agent.values for agent in signers],
                package,
                [money.get(agent.id, 0.0) for agent in signers],
            )
            party_envy = {agent.id: value for agent, value in zip(signers, envies, strict=True)}
            envy_figure = max(envies)
            point = (
                everyone
                if len(signers) == len(self.agents)
                else nash_point([a.values for a in signers], [a.batna for a in signers])
            )
            if point is not None:
                distance = math.sqrt(
                    sum((u - n) ** 2 for u, n in zip(reached_values, point, strict=True))
                )
        return MediationResult(
            index=self.index,
            outcome=outcome,
            stage_reached=_STAGES[reached],
            settled=settled,
            settled_by=self.settled_by if settled else "",
            rounds=self.rounds,
            events=case.version,
            proposals=len(state.proposals),
            caucuses=self.caucuses,
            pauses=self.pauses,
            zopa=everyone is not None,
            equitability_gap=gap,
            envy=envy_figure,
            nash_distance=distance,
            escalation=self.escalation,
            findings=findings,
            blocks=dict(self.blocks),
            withdrew=tuple(self.withdrew),
            styles={agent.id: agent.style.value for agent in self.agents},
            batna=batna,
            utility=utility,
            airtime={agent.id: float(state.airtime.get(agent.id, 0.0)) for agent in self.agents},
            party_envy=party_envy,
            agreed_by=state.proposals[agreed].by if settled and agreed is not None else "",
            attention={
                agent.id: sum(state.interventions.get(agent.id, {}).values())
                for agent in self.agents
            },
            hours_to_close=(
                (state.last_at - state.opened_at).total_seconds() / 3600
                if state.outcome is not None
                else None
            ),
            seating=tuple(agent.id for agent in self.seating),
            flagged=flagged,
        )


def simulate(scenario: Scenario, index: int, seed: int) -> MediationResult:
    """Run mediation number ``index`` of ``scenario`` under run seed ``seed``.

    The result depends on nothing but the three arguments.

    Args:
        scenario: The scenario.
        index: The mediation's index in the run (>= 0).
        seed: The run's seed.

    Returns:
        The mediation's :class:`~mediation.simulation.MediationResult`.

    Raises:
        SimulationError: the simulated mediator met a refusal it cannot handle.
    """
    return _Session(scenario, index, seed).run()
