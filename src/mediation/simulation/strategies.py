"""Mediator strategies: how the simulated mediator runs the process.

A :class:`MediatorStrategy` is data: the approach (facilitative — proposals come from
the parties — or evaluative — the mediator proposes through a fair-division procedure
once every party asked for it), whether it uses caucuses, which procedure, how patient it
is before declaring an impasse, how it listens, and what it does when a neutrality check
blocks a move it cannot fix. The simulated mediation (:mod:`mediation.simulation.session`)
follows it through the real :class:`~mediation.Mediation`.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any

import attrs

from mediation.errors import InvalidInput

__all__ = ["Approach", "MediatorStrategy", "OnBlock"]


class Approach(str, Enum):
    """Where proposals come from in the compromise stage."""

    FACILITATIVE = "facilitative"
    """The parties make the proposals; the mediator runs the process."""
    EVALUATIVE = "evaluative"
    """Once every party asks, the mediator suggests terms computed by a procedure from
    the valuations each party gives in caucus; the parties still decide."""


class OnBlock(str, Enum):
    """What the mediator does when a blocking neutrality finding cannot be fixed."""

    OVERRIDE = "override"
    """Ask the supervisor to override it (recorded with a reason)."""
    ESCALATE = "escalate"
    """Escalate the case to the scenario's authority."""
    TERMINATE = "terminate"
    """End the mediation (``terminated_by_mediator``)."""


_PROCEDURES = ("auto", "adjusted_winner", "knaster")


def _member(kind: type[Enum], name: str, value: object) -> Any:
    try:
        return kind(value)
    except ValueError:
        raise InvalidInput(
            f"{name} must be one of {[member.value for member in kind]}; got {value!r}"
        ) from None


def _to_approach(value: object) -> Approach:
    return _member(Approach, "approach", value)  # type: ignore[no-any-return]


def _to_on_block(value: object) -> OnBlock:
    return _member(OnBlock, "on_block", value)  # type: ignore[no-any-return]


def _whole(low: int, high: int) -> Any:
    def check(_instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InvalidInput(
                f"{attribute.name} must be a whole number in [{low}, {high}]; got {value!r}"
            )

    return check


def _share(_instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise InvalidInput(f"{attribute.name} must be a number in [0, 1]; got {value!r}")


def _flag(_instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, bool):
        raise InvalidInput(f"{attribute.name} must be true or false; got {value!r}")


def _text(_instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        raise InvalidInput(f"{attribute.name} must be a party id (text); got {value!r}")


def _bias(_instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    from mediation.simulation.biases import bias_named

    if not isinstance(value, str):
        raise InvalidInput(f"bias_family must be the name of a registered bias; got {value!r}")
    bias_named(value)


def _language(_instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if value not in _LANGUAGES:
        raise InvalidInput(f"language must be one of {list(_LANGUAGES)}; got {value!r}")


_LANGUAGES = ("en", "zh", "mixed")


def _procedure(_instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if value not in _PROCEDURES:
        raise InvalidInput(f"procedure must be one of {list(_PROCEDURES)}; got {value!r}")


@attrs.frozen(kw_only=True)
class MediatorStrategy:
    """How the simulated mediator works.

    Attributes:
        approach: ``facilitative`` or ``evaluative`` (see :class:`Approach`).
        procedure: For evaluative suggestions: ``adjusted_winner`` (two parties),
            ``knaster`` (any number, with money) or ``auto`` (Adjusted Winner for two
            parties, Knaster otherwise).
        caucus: Whether the mediator holds caucuses: offered to every party before the
            compromise stage and again half-way through it.
        patience: Compromise rounds before the mediator declares an impasse.
        listening_rounds: Rounds in which every party is invited to speak.
        paraphrase: Probability that the mediator paraphrases a statement.
        safeguards: Whether the mediator observes the power-imbalance safeguards of its
            own accord (the subordinate speaks first, is offered a caucus); otherwise
            it reacts only when a check blocks.
        block_retries: Attempts to fix what a blocking finding names before ``on_block``.
        on_block: What it does with a block it cannot fix (see :class:`OnBlock`).
        restate_attempts: Restatements per party before the mediator gives up on the
            perspective swap and declares an impasse.
        max_pauses: Cooling-off pauses allowed before upset parties may withdraw.
        favour: Id of a party the mediator favours (``""``: none; a fair mediator).
        bias: How strongly it favours that party, from 0 (not at all) to 1: the
            favoured party is paraphrased more and the others less, invited to speak
            again, and given the first word in more compromise rounds; the others are
            pressed harder and upset faster. For testing audits and checks.
        questions: Probability that the mediator asks a party a question after its
            statement in listening (default 0).
        language: What the mediator and the parties say their texts in: ``en``, ``zh``,
            or ``mixed`` (drawn per case).
        bias_family: ``""`` for a fair mediator, or the name of a registered bias
            (:mod:`mediation.simulation.biases`) whose target is drawn per case.
    """

    approach: Approach = attrs.field(default=Approach.FACILITATIVE, converter=_to_approach)
    procedure: str = attrs.field(default="auto", validator=_procedure)
    caucus: bool = attrs.field(default=True, validator=_flag)
    patience: int = attrs.field(default=10, validator=_whole(1, 1000))
    listening_rounds: int = attrs.field(default=2, validator=_whole(1, 100))
    paraphrase: float = attrs.field(default=0.3, validator=_share)
    safeguards: bool = attrs.field(default=True, validator=_flag)
    block_retries: int = attrs.field(default=2, validator=_whole(0, 100))
    on_block: OnBlock = attrs.field(default=OnBlock.OVERRIDE, converter=_to_on_block)
    restate_attempts: int = attrs.field(default=3, validator=_whole(1, 100))
    max_pauses: int = attrs.field(default=2, validator=_whole(0, 100))
    favour: str = attrs.field(default="", validator=_text)
    bias: float = attrs.field(default=0.0, validator=_share)
    questions: float = attrs.field(default=0.0, validator=_share)
    language: str = attrs.field(default="en", validator=_language)
    bias_family: str = attrs.field(default="", validator=_bias)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str = "strategy") -> MediatorStrategy:
        """Build a strategy from plain data (a TOML table); unknown keys are refused.

        Args:
            data: Setting name → value.
            where: Where the table is, for error messages.

        Raises:
            InvalidInput: an unknown key or a bad value, naming both.
        """
        if not isinstance(data, Mapping):
            raise InvalidInput(f"{where} must be a table; got {data!r}")
        known = {field.name for field in attrs.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InvalidInput(f"{where}: unknown keys {unknown}; known: {sorted(known)}")
        try:
            return cls(**dict(data))
        except InvalidInput as error:
            raise InvalidInput(f"{where}: {error}") from None

    def to_dict(self) -> dict[str, Any]:
        """The strategy as plain data (the inverse of :meth:`from_dict`)."""
        return {
            name: (value.value if isinstance(value, Enum) else value)
            for name, value in attrs.asdict(self, recurse=False).items()
        }
