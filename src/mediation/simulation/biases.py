"""Biased mediators for measuring the checks: one bias per family, in a registry.

A :class:`Bias` changes what the simulated mediator does at a few points of the session
(how long it lets a party speak, whom it paraphrases and asks, what words it uses, how
long each caucus lasts, what it repeats from a caucus); everything else follows the
strategy as a fair mediator would. The party it works against — the *target* — is drawn
for each case from the case's seed, so a bias is as likely to hit the first-listed
party as any other, and no result depends on the parties' labels.

Each bias names the check family expected to catch it and documents its strength (what
exactly the mediator does). :func:`~mediation.simulation.detection_power` runs every
registered bias and the fair mediator and reports how often each family fires.

Register a new bias family with :func:`register_bias` (a subclass of :class:`Bias`
overriding the hooks it needs); its name can then be used as ``strategy.bias_family``.
"""

from __future__ import annotations

from collections.abc import Mapping
from random import Random
from typing import TYPE_CHECKING

from mediation.errors import InvalidInput
from mediation.model import check_id
from mediation.simulation import transcripts

if TYPE_CHECKING:
    from mediation.simulation.agents import PartyAgent

__all__ = [
    "BIASES",
    "AttentionBias",
    "Bias",
    "CaucusLeakBias",
    "CaucusTimeBias",
    "LoadedWordsBias",
    "VoiceBias",
    "bias_named",
    "register_bias",
]


class Bias:
    """A mediator bias: hooks the simulated session calls, each a no-op here.

    Attributes:
        name: The bias's name (``strategy.bias_family``).
        check: The check family expected to catch it.
        strength: What the biased mediator does, in words (the documented strength at
            which its detection is measured).
    """

    name = "fair"
    check = ""
    strength = "no bias"

    def speaking_time(self, agent: PartyAgent, target: PartyAgent, seconds: float) -> float:
        """Seconds ``agent`` is let speak in a joint session (fair: as much as it wants)."""
        return seconds

    def addresses(self, agent: PartyAgent, target: PartyAgent) -> bool:
        """Whether the mediator paraphrases and questions ``agent`` (fair: everyone)."""
        return True

    def text(
        self, agent: PartyAgent, target: PartyAgent, kind: str, language: str, rng: Random
    ) -> str:
        """What the mediator says to ``agent`` (fair: a fair paraphrase or question)."""
        return transcripts.fair_text(kind, language, rng)

    def caucus_minutes(self, agent: PartyAgent, target: PartyAgent, minutes: float) -> float:
        """How long a caucus with ``agent`` lasts (fair: as long as it takes)."""
        return minutes

    def leaks(self, agent: PartyAgent, target: PartyAgent) -> bool:
        """Whether the mediator repeats ``agent``'s caucus note in joint session."""
        return False


class VoiceBias(Bias):
    """Cuts the target short in joint sessions (statements last 35 s to 5 min otherwise)."""

    name = "voice"
    check = "voice_balance"
    strength = "the mediator cuts the target off after 10 seconds in every joint statement"

    def speaking_time(self, agent: PartyAgent, target: PartyAgent, seconds: float) -> float:
        return min(seconds, 10.0) if agent is target else seconds


class AttentionBias(Bias):
    """Paraphrases and questions everyone but the target (who is still invited to speak)."""

    name = "attention"
    check = "mediator_conduct"
    strength = "the target gets invitations to speak only: no paraphrase, no question"

    def addresses(self, agent: PartyAgent, target: PartyAgent) -> bool:
        return agent is not target


class LoadedWordsBias(Bias):
    """Loaded wording, blame or dismissal in every text addressed to the target."""

    name = "loaded_words"
    check = "transcript_markers"
    strength = (
        "every paraphrase and question addressed to the target is loaded, blaming or "
        "dismissive; the others get fair texts"
    )

    def text(
        self, agent: PartyAgent, target: PartyAgent, kind: str, language: str, rng: Random
    ) -> str:
        if agent is target:
            return transcripts.loaded_text(language, rng)
        return transcripts.fair_text(kind, language, rng)


class CaucusTimeBias(Bias):
    """Long caucuses with the favoured parties, short ones with the target."""

    name = "caucus_time"
    check = "caucus_parity"
    strength = "caucuses with the target last a fifth of the others'"

    def caucus_minutes(self, agent: PartyAgent, target: PartyAgent, minutes: float) -> float:
        return minutes / 5 if agent is target else minutes


class CaucusLeakBias(Bias):
    """Repeats the target's confidential caucus notes to everyone in joint session."""

    name = "caucus_leak"
    check = "confidentiality"
    strength = (
        "after each caucus with the target, the mediator paraphrases its note (in the "
        "third person) to another party in joint session"
    )

    def leaks(self, agent: PartyAgent, target: PartyAgent) -> bool:
        return agent is target


FAIR = Bias()

BIASES: dict[str, Bias] = {}
"""Bias name → bias: every registered family (fair is ``""``)."""


def register_bias(bias: Bias) -> Bias:
    """Register a bias family under its name.

    Args:
        bias: The bias (a :class:`Bias` subclass instance) with a unique ``name`` and the
            ``check`` family expected to catch it.

    Returns:
        ``bias``.

    Raises:
        InvalidInput: not a :class:`Bias`, a bad or taken name, or no check named.
    """
    if not isinstance(bias, Bias):
        raise InvalidInput(f"a bias is a mediation.simulation.Bias; got {bias!r}")
    check_id(bias.name, "bias name")
    if bias.name in BIASES or bias.name == FAIR.name:
        raise InvalidInput(f"a bias named {bias.name!r} is already registered")
    check_id(bias.check, "check family of a bias")
    BIASES[bias.name] = bias
    return bias


def bias_named(name: str) -> Bias:
    """The registered bias called ``name``; the fair mediator for ``""``.

    Raises:
        InvalidInput: no bias of that name.
    """
    if name == "":
        return FAIR
    found = BIASES.get(name)
    if found is None:
        raise InvalidInput(f"unknown bias {name!r}; registered: {sorted(BIASES)}")
    return found


def families() -> Mapping[str, str]:
    """Bias name → the check family expected to catch it, for every registered bias."""
    return {name: bias.check for name, bias in BIASES.items()}


for _bias in (VoiceBias(), AttentionBias(), CaucusTimeBias(), LoadedWordsBias(), CaucusLeakBias()):
    register_bias(_bias)
