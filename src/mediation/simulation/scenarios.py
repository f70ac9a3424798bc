"""Scenarios: who is in the dispute, what it is about, and the rules in force — as data.

A scenario is a TOML document (or the same data as a dict): the parties with their style
mix, BATNA and emotion ranges and who manages whom; the issues and their options; how
opposed the parties' valuations are; screening rates for non-mediable issues; the
mediator, its relationships and its :class:`~mediation.simulation.MediatorStrategy`; and
the :class:`~mediation.Policy`. Unknown keys are refused, every error names the key and
the bad value, and nothing in a scenario is imported, evaluated or executed.

Built-in scenarios from workplace settings are listed in :data:`BUILTIN_SCENARIOS`.
"""

from __future__ import annotations

import copy
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from mediation._catalogs import N_, Phrase
from mediation._strict import DEFAULT_MAX_DEPTH, check_nesting, load_toml
from mediation.errors import InvalidInput
from mediation.model import Issue, Mediator, Party, Relation, RelationKind, check_id
from mediation.policy import Policy
from mediation.simulation.agents import Style
from mediation.simulation.strategies import MediatorStrategy

__all__ = [
    "BUILTIN_SCENARIOS",
    "IssueSpec",
    "MediatorSpec",
    "PartySpec",
    "Scenario",
    "ScenarioError",
    "builtin",
    "load_scenario",
]


class ScenarioError(InvalidInput):
    """A scenario is malformed; the message names where and what."""


Range = tuple[float, float]


@attrs.frozen
class PartySpec:
    """A party of the scenario; its profile is drawn anew for each mediation.

    Attributes:
        id: The party's id in every simulated case.
        name: Display name.
        role: Free-text role.
        styles: Style → probability of being drawn (sums to 1).
        batna: Range ``(low, high)`` its BATNA is drawn from uniformly, in ``[0, 1]``.
        emotion: Range its starting emotion is drawn from, in ``[0, 1]``.
        manages: Ids of parties it manages.
    """

    id: str
    name: str
    role: str
    styles: Mapping[Style, float] = attrs.field(hash=False)
    batna: Range
    emotion: Range
    manages: tuple[str, ...] = ()


@attrs.frozen
class IssueSpec:
    """An issue on the table and its options.

    Attributes:
        id: The issue's id.
        title: Short description.
        options: Names of the options (at least two).
    """

    id: str
    title: str
    options: tuple[str, ...]


@attrs.frozen
class MediatorSpec:
    """The mediator and its relationships to parties.

    Attributes:
        id: The mediator's id.
        name: Display name.
        relationships: ``(kind, party id)`` pairs, each a relation from the mediator.
    """

    id: str
    name: str
    relationships: tuple[tuple[RelationKind, str], ...] = ()

    def mediator(self) -> Mediator:
        """The :class:`~mediation.Mediator` value for a case."""
        return Mediator(
            self.id,
            self.name,
            relationships=[Relation(kind, self.id, party) for kind, party in self.relationships],
        )


@attrs.frozen(eq=False)
class Scenario:
    """A validated scenario. Build one with :meth:`from_dict`, :meth:`from_toml`,
    :func:`load_scenario` or :func:`builtin`.

    Attributes:
        name: The scenario's name (an identifier; case ids derive from it).
        description: One paragraph for people.
        parties: The parties, in seat order.
        issues: The issues, in order.
        mediator: The mediator.
        strategy: How the mediator works.
        policy: The policy every simulated case runs under.
        opposition: How opposed the parties' valuations are, in ``[0, 1]``.
        screening: Issue flag → probability that screening finds it in a case.
        escalate_to: The authority a party's escalation request (or an unfixable block,
            when the strategy says so) goes to.
        supervisor: Id of the supervisor who may override blocks.
        data: The plain data the scenario was built from (used by sweeps).
    """

    name: str
    description: str
    parties: tuple[PartySpec, ...]
    issues: tuple[IssueSpec, ...]
    mediator: MediatorSpec
    strategy: MediatorStrategy
    policy: Policy
    opposition: float
    screening: Mapping[str, float]
    escalate_to: str
    supervisor: str
    data: Mapping[str, Any]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Scenario):
            return NotImplemented
        return self.data == other.data

    def __hash__(self) -> int:
        return hash(self.name)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "scenario") -> Scenario:
        """Validate plain data (as read from TOML) and build the scenario.

        Args:
            data: The scenario's tables and values.
            source: Where the data came from, for error messages (e.g. a file name).

        Raises:
            ScenarioError: an unknown key, a missing one, or a bad value; the message
                names the key path and the value.
        """
        try:
            check_nesting(data, DEFAULT_MAX_DEPTH, "scenario")
            return _build(data)
        except ScenarioError as error:
            raise ScenarioError.of(
                "invalid_scenario", N_("{source}: {error}"), source=source, error=error
            ) from None
        except InvalidInput as error:
            raise ScenarioError.of(
                "invalid_scenario", N_("{source}: {error}"), source=source, error=error
            ) from None

    @classmethod
    def from_toml(cls, text: str, source: str = "scenario") -> Scenario:
        """Parse TOML text and build the scenario.

        Raises:
            ScenarioError: the text is not TOML (or is nested too deeply), or the
                scenario is invalid.
        """
        try:
            data = load_toml(text, source)
        except InvalidInput as error:
            raise ScenarioError.of("invalid_scenario", N_("{error}"), error=error) from None
        return cls.from_dict(data, source)

    def with_values(self, values: Mapping[str, Any]) -> Scenario:
        """A copy with some settings replaced, each named by a dotted path into the data.

        ``"policy.voice_balance.max_ratio"``, ``"strategy.approach"`` and
        ``"parties.1.style"`` (list items by index) are examples.

        Raises:
            ScenarioError: a path that does not lead into the data, or an invalid result.
        """
        data = copy.deepcopy(dict(self.data))
        for path, value in values.items():
            _set_path(data, path, value)
        source = Phrase(N_("{name} with {values}"), name=self.name, values=dict(values))
        return Scenario.from_dict(data, source)

    def party_ids(self) -> tuple[str, ...]:
        """The parties' ids in seat order."""
        return tuple(party.id for party in self.parties)

    def case_parties(self) -> list[Party]:
        """:class:`~mediation.Party` values for a case."""
        return [Party(spec.id, spec.name, role=spec.role) for spec in self.parties]

    def case_issues(self) -> list[Issue]:
        """:class:`~mediation.Issue` values for a case."""
        return [Issue(spec.id, spec.title) for spec in self.issues]

    def relations(self) -> list[Relation]:
        """The ``manages`` relations between parties."""
        return [
            Relation(RelationKind.MANAGES, spec.id, junior)
            for spec in self.parties
            for junior in spec.manages
        ]


def _set_path(data: dict[str, Any], path: str, value: Any) -> None:
    if not isinstance(path, str) or not path:
        raise ScenarioError.of(
            "setting_path_dotted",
            N_("a setting path must be a dotted name; got {path!r}"),
            path=path,
        )
    parts = path.split(".")
    node: Any = data
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        where = ".".join(parts[: depth + 1])
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise ScenarioError.of(
                    "no_item_list",
                    N_("{where}: no item {part!r} in a list of {count}"),
                    where=where,
                    part=part,
                    count=len(node),
                )
            if last:
                node[int(part)] = value
            else:
                node = node[int(part)]
        elif isinstance(node, dict):
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, {})
        else:
            raise ScenarioError.of(
                "not_a_table",
                N_("{where}: {depth} is not a table"),
                where=where,
                depth=".".join(parts[:depth]),
            )


# -- validation ------------------------------------------------------------------------------

_TOP = {
    "name",
    "description",
    "parties",
    "issues",
    "mediator",
    "strategy",
    "policy",
    "valuations",
    "screening",
    "escalate_to",
    "supervisor",
}


def _table(
    value: object, where: str, known: set[str], required: Sequence[str] = ()
) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise ScenarioError.of(
            "not_a_table", N_("{where} must be a table; got {value!r}"), where=where, value=value
        )
    unknown = sorted(set(value) - known)
    if unknown:
        raise ScenarioError.of(
            "unknown_keys_known",
            N_("{where}: unknown keys {unknown}; known: {known}"),
            where=where,
            unknown=unknown,
            known=sorted(known),
        )
    missing = [key for key in required if key not in value]
    if missing:
        raise ScenarioError.of(
            "missing_keys", N_("{where}: missing {missing}"), where=where, missing=missing
        )
    return dict(value)


def _text(value: object, where: str, default: str | None = None) -> str:
    if value is None and default is not None:
        return default
    if not isinstance(value, str) or not value.strip():
        raise ScenarioError.of(
            "non_empty_text",
            N_("{where} must be non-empty text; got {value!r}"),
            where=where,
            value=value,
        )
    return value.strip()


def _plain_text(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise ScenarioError.of(
            "not_text",
            N_("{where} must be text; got {value!r} ({kind})"),
            where=where,
            value=value,
            kind=type(value).__name__,
        )
    return value


def _ident(value: object, where: str) -> str:
    try:
        return check_id(value, where)
    except InvalidInput as error:
        raise ScenarioError.of("invalid_scenario", N_("{error}"), error=error) from None


def _unit(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ScenarioError.of(
            "not_a_probability",
            N_("{where} must be a number in [0, 1]; got {value!r}"),
            where=where,
            value=value,
        )
    return float(value)


def _range(value: object, where: str) -> Range:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        single = _unit(value, where)
        return (single, single)
    if not isinstance(value, list) or len(value) != 2:
        raise ScenarioError.of(
            "number_low_high",
            N_("{where} must be a number or [low, high] in [0, 1]; got {value!r}"),
            where=where,
            value=value,
        )
    low, high = _unit(value[0], f"{where}[0]"), _unit(value[1], f"{where}[1]")
    if low > high:
        raise ScenarioError.of(
            "low_above_high",
            N_("{where}: low {low} is above high {high}"),
            where=where,
            low=low,
            high=high,
        )
    return (low, high)


def _styles(value: object, where: str) -> dict[Style, float]:
    known = [style.value for style in Style]
    if isinstance(value, str):
        value = {value: 1}
    if not isinstance(value, Mapping) or not value:
        raise ScenarioError.of(
            "style_name_table",
            N_("{where} must be a style name or a table style -> weight; got {value!r}"),
            where=where,
            value=value,
        )
    weights: dict[Style, float] = {}
    for name, weight in value.items():
        if name not in known:
            raise ScenarioError.of(
                "unknown_style",
                N_("{where}: unknown style {name!r}; one of {known}"),
                where=where,
                name=name,
                known=known,
            )
        if (
            isinstance(weight, bool)
            or not isinstance(weight, (int, float))
            or not math.isfinite(weight)
            or weight < 0
        ):
            raise ScenarioError.of(
                "finite_weight",
                N_("{where}.{name} must be a finite weight >= 0; got {weight!r}"),
                where=where,
                name=name,
                weight=weight,
            )
        weights[Style(name)] = float(weight)
    total = sum(weights.values())
    if total <= 0:
        raise ScenarioError.of(
            "least_style_needs",
            N_("{where}: at least one style needs a positive weight"),
            where=where,
        )
    return {style: weight / total for style, weight in weights.items() if weight > 0}


def _list(value: object, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise ScenarioError.of(
            "not_a_list", N_("{where} must be a list; got {value!r}"), where=where, value=value
        )
    return value


def _party(value: object, where: str) -> PartySpec:
    table = _table(
        value,
        where,
        {"id", "name", "role", "style", "batna", "emotion", "manages"},
        required=("id",),
    )
    party_id = _ident(table["id"], f"{where}.id")
    manages = tuple(
        _ident(item, f"{where}.manages[{k}]")
        for k, item in enumerate(_list(table.get("manages", []), f"{where}.manages"))
    )
    return PartySpec(
        id=party_id,
        name=_text(table.get("name"), f"{where}.name", default=party_id),
        role=_plain_text(table.get("role", ""), f"{where}.role"),
        styles=_styles(table.get("style", "compromising"), f"{where}.style"),
        batna=_range(table.get("batna", [0.1, 0.4]), f"{where}.batna"),
        emotion=_range(table.get("emotion", [0.0, 0.3]), f"{where}.emotion"),
        manages=manages,
    )


def _issue(value: object, where: str) -> IssueSpec:
    table = _table(value, where, {"id", "title", "options"}, required=("id",))
    issue_id = _ident(table["id"], f"{where}.id")
    options = table.get("options", 5)
    if isinstance(options, int) and not isinstance(options, bool):
        if not 2 <= options <= 50:
            raise ScenarioError.of(
                "options_options",
                N_("{where}.options must be 2 to 50 options; got {options}"),
                where=where,
                options=options,
            )
        names = tuple(f"option {k + 1}" for k in range(options))
    else:
        listed = _list(options, f"{where}.options")
        if not 2 <= len(listed) <= 50:
            raise ScenarioError.of(
                "options_list_options",
                N_("{where}.options must list 2 to 50 options; got {count}"),
                where=where,
                count=len(listed),
            )
        names = tuple(_text(item, f"{where}.options[{k}]") for k, item in enumerate(listed))
    return IssueSpec(
        id=issue_id,
        title=_text(table.get("title"), f"{where}.title", default=issue_id),
        options=names,
    )


def _mediator(value: object) -> MediatorSpec:
    table = _table(value, "mediator", {"id", "name", "relationships"})
    relationships = []
    for k, item in enumerate(_list(table.get("relationships", []), "mediator.relationships")):
        where = f"mediator.relationships[{k}]"
        rel = _table(item, where, {"kind", "party"}, required=("kind", "party"))
        kinds = [kind.value for kind in RelationKind]
        if rel["kind"] not in kinds:
            raise ScenarioError.of(
                "kind_unknown",
                N_("{where}.kind: unknown {kind!r}; one of {kinds}"),
                where=where,
                kind=rel["kind"],
                kinds=kinds,
            )
        relationships.append((RelationKind(rel["kind"]), _ident(rel["party"], f"{where}.party")))
    mediator_id = _ident(table.get("id", "mediator"), "mediator.id")
    return MediatorSpec(
        id=mediator_id,
        name=_text(table.get("name"), "mediator.name", default="Mediator"),
        relationships=tuple(relationships),
    )


def _build(data: Mapping[str, Any]) -> Scenario:
    table = _table(data, "scenario", _TOP, required=("name", "parties", "issues"))
    name = _ident(table["name"], "name")
    parties = tuple(
        _party(item, f"parties[{k}]") for k, item in enumerate(_list(table["parties"], "parties"))
    )
    if len(parties) < 2:
        raise ScenarioError.of(
            "parties_mediation_needs",
            N_("parties: a mediation needs at least two; got {count}"),
            count=len(parties),
        )
    issues = tuple(
        _issue(item, f"issues[{k}]") for k, item in enumerate(_list(table["issues"], "issues"))
    )
    if not issues:
        raise ScenarioError.of("issues_least_issue", N_("issues: at least one issue is needed"))
    mediator = _mediator(table.get("mediator", {}))
    supervisor = _ident(table.get("supervisor", "supervisor"), "supervisor")
    ids = [party.id for party in parties]
    everyone = [*ids, mediator.id, supervisor]
    if len(set(everyone)) != len(everyone):
        raise ScenarioError.of(
            "party_mediator_supervisor",
            N_("party, mediator and supervisor ids must be distinct; got {everyone}"),
            everyone=everyone,
        )
    if len({issue.id for issue in issues}) != len(issues):
        raise ScenarioError.of(
            "issue_ids_distinct",
            N_("issue ids must be distinct; got {issues}"),
            issues=[i.id for i in issues],
        )
    for k, party in enumerate(parties):
        for junior in party.manages:
            if junior not in ids or junior == party.id:
                raise ScenarioError.of(
                    "parties_manages_another",
                    N_("parties[{k}].manages: {junior!r} is not another party"),
                    k=k,
                    junior=junior,
                )
    for k, (_kind, party_id) in enumerate(mediator.relationships):
        if party_id not in ids:
            raise ScenarioError.of(
                "mediator_relationships_party",
                N_("mediator.relationships[{k}].party: {party_id!r} is not a party"),
                k=k,
                party_id=party_id,
            )
    policy_data = table.get("policy", {})
    if not isinstance(policy_data, Mapping):
        raise ScenarioError.of(
            "policy_table",
            N_("policy must be a table; got {policy_data!r}"),
            policy_data=policy_data,
        )
    policy = Policy.from_dict(policy_data)
    strategy = MediatorStrategy.from_dict(table.get("strategy", {}))
    if strategy.procedure == "adjusted_winner" and len(parties) != 2:
        raise ScenarioError.of(
            "strategy_procedure_adjusted",
            N_(
                "strategy.procedure: adjusted_winner divides between two parties; this scenario "
                "has {count} (use knaster or auto)"
            ),
            count=len(parties),
        )
    if strategy.favour and strategy.favour not in ids:
        raise ScenarioError.of(
            "strategy_favour_party",
            N_("strategy.favour: {favour!r} is not a party"),
            favour=strategy.favour,
        )
    valuations = _table(table.get("valuations", {}), "valuations", {"opposition"})
    screening_table = table.get("screening", {})
    if not isinstance(screening_table, Mapping):
        raise ScenarioError.of(
            "screening_table_flag",
            N_("screening must be a table flag -> probability; got {screening_table!r}"),
            screening_table=screening_table,
        )
    screening = {
        _ident(flag, "screening flag"): _unit(rate, f"screening.{flag}")
        for flag, rate in screening_table.items()
    }
    escalate_to = _ident(table.get("escalate_to", "hr"), "escalate_to")
    if escalate_to not in policy.authorities:
        raise ScenarioError.of(
            "unknown_authority",
            N_("escalate_to: {escalate_to!r} is not one of the policy's authorities {authorities}"),
            escalate_to=escalate_to,
            authorities=list(policy.authorities),
        )
    return Scenario(
        name=name,
        description=_plain_text(table.get("description", ""), "description").strip(),
        parties=parties,
        issues=issues,
        mediator=mediator,
        strategy=strategy,
        policy=policy,
        opposition=_unit(valuations.get("opposition", 0.5), "valuations.opposition"),
        screening=screening,
        escalate_to=escalate_to,
        supervisor=supervisor,
        data=copy.deepcopy(dict(data)),
    )


# -- loading and built-ins --------------------------------------------------------------------


def load_scenario(source: str | os.PathLike[str]) -> Scenario:
    """A scenario from a TOML file, or a built-in one by name.

    A path that exists (or ends in ``.toml``) is read as a file; otherwise ``source``
    must name a built-in scenario.

    Raises:
        ScenarioError: the file is missing, unreadable or invalid, or the name is unknown.
    """
    text = os.fspath(source)
    path = Path(text)
    if path.exists() or text.endswith(".toml"):
        try:
            content = path.read_text(encoding="utf-8")
        except OSError as error:
            raise ScenarioError.of(
                "cannot_read_scenario",
                N_("{text}: cannot read the scenario file: {strerror}"),
                text=text,
                strerror=error.strerror,
            ) from None
        except UnicodeDecodeError:
            raise ScenarioError.of(
                "scenario_file_utf", N_("{text}: the scenario file is not UTF-8 text"), text=text
            ) from None
        return Scenario.from_toml(content, text)
    return builtin(text)


def builtin(name: str) -> Scenario:
    """A built-in scenario by name (see :data:`BUILTIN_SCENARIOS`).

    Raises:
        ScenarioError: no built-in scenario has that name.
    """
    text = BUILTIN_SCENARIOS.get(name)
    if text is None:
        raise ScenarioError.of(
            "unknown_scenario",
            N_("{name!r} is neither a scenario file nor a built-in scenario; built-in: {known}"),
            name=name,
            known=sorted(BUILTIN_SCENARIOS),
        )
    return Scenario.from_toml(text, f"built-in {name}")


_LEADER_SUBORDINATE = """
name = "leader_subordinate"
description = '''A department head and an analyst who reports to her disagree about
workload and deadlines. The office secretary mediates; she reports to the head and
discloses it. The policy asks for both power-imbalance safeguards.'''
escalate_to = "hr"

[mediator]
id = "secretary"
name = "Office secretary"
relationships = [{ kind = "reports_to", party = "head" }]

[[parties]]
id = "head"
name = "Department head"
role = "head of department"
style = { competing = 0.5, compromising = 0.3, collaborating = 0.2 }
batna = [0.2, 0.5]
emotion = [0.0, 0.3]
manages = ["analyst"]

[[parties]]
id = "analyst"
name = "Analyst"
role = "analyst"
style = { avoiding = 0.4, accommodating = 0.3, compromising = 0.3 }
batna = [0.1, 0.4]
emotion = [0.1, 0.5]

[[issues]]
id = "workload"
title = "Workload"
options = ["as now", "shift one report", "shift two reports", "temporary help"]

[[issues]]
id = "deadlines"
title = "Deadlines"
options = ["as promised", "one week later", "two weeks later", "renegotiated"]

[[issues]]
id = "planning"
title = "How work is assigned"
options = ["ad hoc", "weekly meeting", "monthly plan"]

[[issues]]
id = "overtime"
title = "Overtime"
options = ["unpaid", "time off in lieu", "paid"]

[valuations]
opposition = 0.6

[screening]
harassment = 0.02

[strategy]
approach = "facilitative"
caucus = true
safeguards = true

[policy.power_imbalance]
safeguards = ["caucus_offer", "subordinate_speaks_first"]
"""

_TWO_COLLEAGUES = """
name = "two_colleagues"
description = '''Two colleagues on the same team disagree about a shared office, the
schedule, credit for a joint project and tools. A mediator from another team, with no
relationship to either, runs a facilitative mediation.'''
escalate_to = "line_manager"

[mediator]
name = "Mediator from another team"

[[parties]]
id = "ana"
name = "Ana"
role = "engineer"
style = { competing = 1, collaborating = 1, compromising = 1, avoiding = 1, accommodating = 1 }
batna = [0.1, 0.4]
emotion = [0.0, 0.4]

[[parties]]
id = "ben"
name = "Ben"
role = "engineer"
style = { competing = 1, collaborating = 1, compromising = 1, avoiding = 1, accommodating = 1 }
batna = [0.1, 0.4]
emotion = [0.0, 0.4]

[[issues]]
id = "office"
title = "The shared office"
options = ["as now", "swap desks", "quiet hours", "separate rooms"]

[[issues]]
id = "schedule"
title = "Working hours"
options = ["fixed", "flexible", "alternating"]

[[issues]]
id = "credit"
title = "Credit for the joint project"
options = ["lead and support", "joint authors", "split by part"]

[[issues]]
id = "tools"
title = "Tools and budget"
options = 4

[valuations]
opposition = 0.5

[screening]
harassment = 0.005
"""

_TWO_DEPARTMENTS = """
name = "two_departments"
description = '''The heads of sales and operations disagree about budget, headcount, a
delivery timeline, the service level and reporting. An HR business partner who works
with both mediates, discloses it, and uses caucuses.'''
escalate_to = "line_manager"

[mediator]
id = "hrbp"
name = "HR business partner"
relationships = [
  { kind = "colleague", party = "sales" },
  { kind = "colleague", party = "operations" },
]

[[parties]]
id = "sales"
name = "Head of sales"
role = "department head"
style = { competing = 0.4, collaborating = 0.3, compromising = 0.3 }
batna = [0.2, 0.45]
emotion = [0.0, 0.3]

[[parties]]
id = "operations"
name = "Head of operations"
role = "department head"
style = { competing = 0.3, collaborating = 0.3, compromising = 0.4 }
batna = [0.2, 0.45]
emotion = [0.0, 0.3]

[[issues]]
id = "budget"
title = "Budget split"
options = 5

[[issues]]
id = "headcount"
title = "Headcount"
options = 4

[[issues]]
id = "timeline"
title = "Delivery timeline"
options = 4

[[issues]]
id = "sla"
title = "Service level"
options = 3

[[issues]]
id = "reporting"
title = "Reporting line for the joint team"
options = 3

[valuations]
opposition = 0.65

[strategy]
approach = "facilitative"
caucus = true
patience = 12
"""

_SECRETARY_CLIENT = """
name = "secretary_client"
description = '''An outside client complains about how the office secretary handled a
booking. The office manager, who manages the secretary, mediates and discloses it.
Screening sometimes finds abusive conduct that must go to HR.'''
escalate_to = "hr"

[mediator]
id = "office_manager"
name = "Office manager"
relationships = [{ kind = "manages", party = "secretary" }]

[[parties]]
id = "secretary"
name = "Office secretary"
role = "secretary"
style = { accommodating = 0.4, compromising = 0.4, avoiding = 0.2 }
batna = [0.2, 0.5]
emotion = [0.1, 0.4]

[[parties]]
id = "client"
name = "Outside client"
role = "client"
style = { competing = 0.6, compromising = 0.3, collaborating = 0.1 }
batna = [0.15, 0.45]
emotion = [0.2, 0.6]

[[issues]]
id = "refund"
title = "Refund"
options = ["none", "partial", "full", "voucher"]

[[issues]]
id = "apology"
title = "Apology"
options = ["none", "spoken", "written"]

[[issues]]
id = "service"
title = "Future service"
options = ["as before", "named contact", "priority booking"]

[valuations]
opposition = 0.55

[screening]
harassment = 0.03

[strategy]
approach = "evaluative"
procedure = "adjusted_winner"
caucus = true
patience = 8
"""

_DEPARTMENT_THREE_PARTY = """
name = "three_departments"
description = '''Finance, IT and facilities dispute the cost and timing of a server-room
move. An ombuds officer with no ties to anyone mediates; when all three ask, she suggests
terms computed by Knaster's sealed-bid procedure.'''
escalate_to = "line_manager"

[mediator]
id = "ombuds"
name = "Ombuds officer"

[[parties]]
id = "finance"
name = "Finance"
style = { competing = 0.3, compromising = 0.4, collaborating = 0.3 }
batna = [0.1, 0.35]
emotion = [0.0, 0.3]

[[parties]]
id = "it"
name = "IT"
style = { competing = 0.3, compromising = 0.3, collaborating = 0.2, avoiding = 0.2 }
batna = [0.1, 0.35]
emotion = [0.0, 0.3]

[[parties]]
id = "facilities"
name = "Facilities"
style = { accommodating = 0.3, compromising = 0.4, avoiding = 0.3 }
batna = [0.1, 0.35]
emotion = [0.0, 0.3]

[[issues]]
id = "cost_split"
title = "Cost split"
options = 5

[[issues]]
id = "move_date"
title = "Move date"
options = 4

[[issues]]
id = "downtime"
title = "Downtime window"
options = 3

[[issues]]
id = "staffing"
title = "Who staffs the move"
options = 3

[valuations]
opposition = 0.5

[strategy]
approach = "evaluative"
procedure = "knaster"
caucus = true
patience = 12
"""

_PLAIN_5X5 = """
name = "plain_5x5"
description = '''A plain two-party negotiation over 5 issues with 5 options each, random
additive valuations and a uniform style mix, for comparisons with other negotiation
simulators. A lean facilitative mediator: one listening round, no caucuses.'''
escalate_to = "hr"

[[parties]]
id = "a"
name = "Party A"
style = { competing = 1, collaborating = 1, compromising = 1, avoiding = 1, accommodating = 1 }
batna = [0.0, 0.4]
emotion = [0.0, 0.3]

[[parties]]
id = "b"
name = "Party B"
style = { competing = 1, collaborating = 1, compromising = 1, avoiding = 1, accommodating = 1 }
batna = [0.0, 0.4]
emotion = [0.0, 0.3]

[[issues]]
id = "i1"
options = 5

[[issues]]
id = "i2"
options = 5

[[issues]]
id = "i3"
options = 5

[[issues]]
id = "i4"
options = 5

[[issues]]
id = "i5"
options = 5

[valuations]
opposition = 0.5

[strategy]
approach = "facilitative"
caucus = false
listening_rounds = 1
paraphrase = 0.0
patience = 10
"""

BUILTIN_SCENARIOS: Mapping[str, str] = {
    "leader_subordinate": _LEADER_SUBORDINATE,
    "two_colleagues": _TWO_COLLEAGUES,
    "two_departments": _TWO_DEPARTMENTS,
    "secretary_client": _SECRETARY_CLIENT,
    "three_departments": _DEPARTMENT_THREE_PARTY,
    "plain_5x5": _PLAIN_5X5,
}
"""Built-in scenario name → its TOML text."""
