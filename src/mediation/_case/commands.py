"""The command API for hosts that speak JSON: a JSON Schema per action, generated from the
commands' signatures and the model's validators, and ``execute`` by action name.

A web host renders a form from :meth:`CommandAPI.action_schema`, posts the form's JSON
back, and calls :meth:`CommandAPI.execute` with the action's name (one that
:meth:`~mediation.case.Mediation.allowed_actions` reports), the actor and the arguments.
The arguments are checked against the schema first (a mismatch is
:class:`~mediation.errors.InvalidInput` naming the argument), turned into the values the
command takes (times from ISO 8601 text, relations, issues and mediators from objects),
and the command runs as if called directly: a refusal is still
:class:`~mediation.errors.CommandRefused` with its reason codes, and records nothing.

The schemas are JSON Schema (draft 2020-12). They are generated, not written by hand:
each parameter's declared type gives the JSON type (an enumeration's values for
``Outcome | str`` and the like); identifiers get the pattern of
:func:`mediation.model.check_id`; text gets the policy's size limit and, when the
parameter has no empty default, must hold something other than whitespace; durations
and amounts get the policy's bounds; stages, outcomes, severities, relation kinds, the
policy's escalation authorities and the settlement procedures are enumerations. The
validator here understands exactly the keywords the generator emits.
"""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from enum import Enum
from typing import Any

import attrs

from mediation import rules
from mediation._case.caucus import Caucus
from mediation._case.conduct import Conduct
from mediation._case.core import CaseCore
from mediation._case.intake import Intake
from mediation._case.joint import JointSession
from mediation._case.stages import StageMoves
from mediation._case.suggestion import Suggestion
from mediation.errors import InvalidInput
from mediation.i18n import N_, Term
from mediation.model import (
    Issue,
    Mediator,
    Outcome,
    Relation,
    RelationKind,
    ScreeningDomain,
    _validate_id,
    _validate_optional_text,
    _validate_text,
    shown,
)
from mediation.policy import Limits, Policy
from mediation.process import DEFAULT_DEFINITION, StageKind, StageSpec

__all__ = ["ID_PATTERN", "CommandAPI", "action_schema", "validate_arguments"]

ID_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$"
"""The JSON Schema pattern of an identifier (as :func:`mediation.model.check_id`)."""

_NOT_BLANK = r"\S"
_DIALECT = "https://json-schema.org/draft/2020-12/schema"

# Parameters that name something by its id (a party, an item, a proposal, ...).
_ID_PARAMETERS = frozenset({"party", "about", "issue_id", "flag"})
_PROCEDURES = ("adjusted_winner", "knaster")
# Values of a parameter's type that its command refuses whatever the case: a withdrawal is
# recorded by ``withdraw``, never by ``close``; ``apply_safeguard`` applies the shuttle
# format only (a support person joins with ``add_support_person``, a caucus is offered
# with ``offer_caucus``, and the subordinate speaking first is the policy's to require).
_REFUSED_VALUES: dict[tuple[str, str], frozenset[str]] = {
    ("close", "outcome"): frozenset({"withdrawn"}),
    ("apply_safeguard", "safeguard"): frozenset(
        {"caucus_offer", "subordinate_speaks_first", "support_person"}
    ),
}
# Mappings whose keys are the members of an enumeration, each to be answered.
_KEYED_BY: dict[tuple[str, str], type[Enum]] = {("screen", "answers"): ScreeningDomain}
_MODELS: dict[str, type[Any]] = {"Issue": Issue, "Mediator": Mediator, "Relation": Relation}


def _is_id(name: str) -> bool:
    return name in _ID_PARAMETERS or name.endswith("_id")


def _text_schema(limits: Limits, *, may_be_empty: bool) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "maxLength": limits.statement_bytes}
    if not may_be_empty:
        schema["pattern"] = _NOT_BLANK
    return schema


def _alternatives(annotation: str) -> list[str]:
    """The members of a union as written (``a | Mapping[str, b | c]``: two), outside
    brackets only."""
    parts, depth, current = [], 0, ""
    for char in annotation:
        depth += {"[": 1, "]": -1}.get(char, 0)
        if char == "|" and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return parts


def _type_name(annotation: object) -> str:
    """A declared type as written in the source (``tuple[Relation, ...]``)."""
    if isinstance(annotation, str):
        return annotation
    origin, arguments = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is None:
        return getattr(annotation, "__name__", str(annotation))
    names = ["..." if argument is Ellipsis else _type_name(argument) for argument in arguments]
    return f"{origin.__name__}[{', '.join(names)}]"


def _model_schema(cls: type[Any], limits: Limits) -> dict[str, Any]:
    """An object schema for an attrs model class, from its fields' types and validators."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    for field in attrs.fields(cls):
        annotation = _type_name(field.type)
        validator = field.validator
        if validator is _validate_id:
            schema: dict[str, Any] = {"type": "string", "pattern": ID_PATTERN}
        elif validator is _validate_text:
            schema = _text_schema(limits, may_be_empty=False)
        elif validator is _validate_optional_text:
            schema = _text_schema(limits, may_be_empty=True)
        elif annotation == "RelationKind":
            schema = {"type": "string", "enum": [kind.value for kind in RelationKind]}
        elif annotation == "tuple[Relation, ...]":
            schema = {"type": "array", "items": _model_schema(Relation, limits)}
        elif annotation == "frozenset[str]":
            schema = {"type": "array", "items": {"type": "string", "pattern": ID_PATTERN}}
        else:  # pragma: no cover - a new model field must be given a schema here
            raise TypeError(f"no schema for {cls.__name__}.{field.name}: {annotation}")
        properties[field.name] = schema
        if field.default is attrs.NOTHING:
            required.append(field.name)
    return {
        "type": "object",
        "title": cls.__name__,
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def _parameter_schema(
    command: str,
    parameter: inspect.Parameter,
    policy: Policy,
    stages: Sequence[StageSpec],
    namespace: Mapping[str, Any],
) -> dict[str, Any]:
    """The schema of one command parameter, from its declared type (names resolved in the
    command's module ``namespace``), its name and the policy."""
    limits = policy.limits
    name = parameter.name
    annotation = str(parameter.annotation)
    kinds = _alternatives(annotation)
    nullable = "None" in kinds
    kinds = [kind for kind in kinds if kind != "None"]
    schema: dict[str, Any]
    named = namespace.get(kinds[0]) if len(kinds) == 2 and kinds[1] == "str" else None
    if isinstance(named, type) and issubclass(named, Enum):  # Outcome | str, Severity | str
        refused = _REFUSED_VALUES.get((command, name), frozenset())
        schema = {
            "type": "string",
            "enum": [member.value for member in named if member.value not in refused],
        }
    elif kinds == ["str"] and name == "to":
        schema = {"type": "string", "enum": [stage.name for stage in stages]}
    elif kinds == ["str"] and name == "stage":  # a deadline: never for the terminal stage
        schema = {
            "type": "string",
            "enum": [stage.name for stage in stages if stage.kind is not StageKind.TERMINAL],
        }
    elif kinds == ["str"] and name == "authority":
        schema = {"type": "string", "enum": sorted(policy.authorities)}
    elif kinds == ["str"] and name == "procedure":
        schema = {"type": "string", "enum": list(_PROCEDURES)}
    elif kinds == ["str"] and _is_id(name):
        schema = {"type": "string", "pattern": ID_PATTERN}
    elif kinds == ["str"]:
        schema = _text_schema(limits, may_be_empty=parameter.default == "")
    elif kinds == ["float"]:
        if name == "seconds":
            schema = {"type": "number", "minimum": 0, "maximum": limits.max_duration_seconds}
        else:
            schema = {"type": "number", "minimum": -limits.max_amount, "maximum": limits.max_amount}
    elif kinds == ["bool"]:
        schema = {"type": "boolean"}
    elif kinds == ["int"]:
        schema = {"type": "integer"}
    elif kinds == ["datetime"]:
        schema = {
            "type": "string",
            "format": "date-time",
            "formatMinimum": limits.earliest_date.isoformat(),
            "formatMaximum": limits.latest_date.isoformat(),
        }
    elif kinds == ["Iterable[str]"]:
        schema = {"type": "array", "items": {"type": "string", "pattern": ID_PATTERN}}
        # A required list (override's codes) names at least one; an optional one
        # (settles=()) may be given empty, which means the same as leaving it out.
        if parameter.default is inspect.Parameter.empty:
            schema["minItems"] = 1
    elif len(kinds) == 1 and kinds[0].startswith("Iterable[") and kinds[0][9:-1] in _MODELS:
        schema = {"type": "array", "items": _model_schema(_MODELS[kinds[0][9:-1]], limits)}
    elif len(kinds) == 1 and kinds[0] in _MODELS:
        schema = _model_schema(_MODELS[kinds[0]], limits)
    elif (command, name) in _KEYED_BY:  # a mapping answering each member of an enumeration
        keys = [member.value for member in _KEYED_BY[(command, name)]]
        schema = {
            "type": "object",
            "properties": {key: {"type": "boolean"} for key in keys},
            "required": keys,
            "additionalProperties": False,
        }
    elif len(kinds) == 1 and kinds[0].startswith("Mapping[str,"):
        schema = {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"pattern": ID_PATTERN},
            "additionalProperties": {  # what each item is worth: not negative
                "type": "number",
                "minimum": 0,
                "maximum": limits.max_amount,
            },
        }
    else:  # pragma: no cover - a new command parameter must be given a schema here
        raise TypeError(f"no schema for parameter {name}: {annotation}")
    if nullable:
        schema = {"anyOf": [schema, {"type": "null"}]}
    return schema


# The mixins that define the commands (the case aggregate is made of them and this one).
_COMMAND_MIXINS: tuple[type, ...] = (Intake, JointSession, Caucus, Suggestion, Conduct, StageMoves)


def _method(name: str) -> Any:
    """The command's function as written (unwrapped), from the mixin that defines it."""
    for mixin in _COMMAND_MIXINS:
        for cls in mixin.__mro__:
            if name in vars(cls):
                return inspect.unwrap(vars(cls)[name])
    raise InvalidInput(f"unknown action {shown(name)}")  # pragma: no cover - table drift


def _parameters(name: str) -> list[inspect.Parameter]:
    return [
        parameter
        for parameter in inspect.signature(_method(name)).parameters.values()
        if parameter.name not in {"self", "actor"}
    ]


def action_schema(
    name: str, policy: Policy | None = None, stages: Sequence[StageSpec] | None = None
) -> dict[str, Any]:
    """The JSON Schema of the arguments of action ``name`` (the actor aside).

    Args:
        name: An action of :data:`mediation.rules.ACTIONS`.
        policy: The policy whose limits and authorities bound the arguments (default:
            :meth:`Policy.default`).
        stages: The stages ``advance``'s ``to`` and ``set_deadline``'s ``stage`` may
            name (default: the default process's; a case gives its own process's).

    Returns:
        A JSON-serialisable JSON Schema (draft 2020-12) of an object of arguments.

    Raises:
        InvalidInput: ``name`` is not an action.
    """
    if not isinstance(name, str) or name not in rules.ACTIONS:
        raise InvalidInput.of(
            "unknown_action",
            N_("unknown action {action}; the actions are {actions}"),
            action=shown(name),
            actions=", ".join(rules.ACTIONS),
        )
    policy = policy if policy is not None else Policy.default()
    stages = stages if stages is not None else DEFAULT_DEFINITION.stages
    doc = inspect.getdoc(_method(name)) or ""
    properties: dict[str, Any] = {}
    required: list[str] = []
    namespace = _method(name).__globals__
    for parameter in _parameters(name):
        properties[parameter.name] = _parameter_schema(name, parameter, policy, stages, namespace)
        if parameter.default is inspect.Parameter.empty:
            required.append(parameter.name)
    schema: dict[str, Any] = {
        "$schema": _DIALECT,
        "title": name,
        "description": doc.split("\n\n", 1)[0].replace("\n", " "),
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }
    if name in _CONDITIONAL:
        schema.update(_CONDITIONAL[name](policy))
    return schema


def _close_needs_a_reason(policy: Policy) -> dict[str, Any]:
    """Ending a case as ``terminated_by_mediator`` needs a reason (a mediator who ends a
    mediation says why); every other outcome takes one optionally."""
    return {
        "if": {
            "properties": {"outcome": {"const": Outcome.TERMINATED_BY_MEDIATOR.value}},
            "required": ["outcome"],
        },
        "then": {
            "properties": {"reason": _text_schema(policy.limits, may_be_empty=False)},
            "required": ["reason"],
        },
    }


# Constraints between arguments, as JSON Schema ``if``/``then``.
_CONDITIONAL: dict[str, Callable[[Policy], dict[str, Any]]] = {"close": _close_needs_a_reason}


# The JSON types' names, for the catalogs: messages show them as words (数字, 字符串...).
_JSON_TYPE_NAMES = (
    N_("number"),
    N_("integer"),
    N_("string"),
    N_("boolean"),
    N_("object"),
    N_("array"),
    N_("null"),
)
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "boolean": (bool,),
    "object": (Mapping,),
    "array": (list, tuple),
    "null": (type(None),),
}


def _check(schema: Mapping[str, Any], value: object, where: str) -> None:
    """Check ``value`` against the subset of JSON Schema the generator emits."""
    if "anyOf" in schema:
        problems: list[InvalidInput] = []
        for option in schema["anyOf"]:
            try:
                _check(option, value, where)
            except InvalidInput as problem:
                problems.append(problem)
            else:
                return
        raise problems[0]
    kind = schema.get("type")
    if kind == "number" or kind == "integer":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InvalidInput.of(
                "argument_type",
                N_("{where} must be a {kind}; got {value}"),
                where=where,
                kind=Term(kind),
                value=shown(value),
            )
        if kind == "integer" and not isinstance(value, int):
            raise InvalidInput.of(
                "argument_not_whole",
                N_("{where} must be a whole number; got {value}"),
                where=where,
                value=shown(value),
            )
        if value != value or not (
            schema.get("minimum", -float("inf")) <= value <= schema.get("maximum", float("inf"))
        ):
            raise InvalidInput.of(
                "argument_out_of_range",
                N_("{where} must be between {low} and {high}; got {value}"),
                where=where,
                low=str(schema.get("minimum")),
                high=str(schema.get("maximum")),
                value=shown(value),
            )
        return
    if kind is not None and not isinstance(value, _JSON_TYPES[kind]):
        raise InvalidInput.of(
            "argument_json_type",
            N_("{where} must be a JSON {kind}; got {got}"),
            where=where,
            kind=Term(kind),
            got=type(value).__name__,
        )
    if "const" in schema and value != schema["const"]:
        raise InvalidInput.of(
            "argument_not_const",
            N_("{where} must be {expected}; got {value}"),
            where=where,
            expected=shown(schema["const"]),
            value=shown(value),
        )
    if "enum" in schema and value not in schema["enum"]:
        raise InvalidInput.of(
            "argument_not_one_of",
            N_("{where} must be one of {known}; got {value}"),
            where=where,
            known=str(schema["enum"]),
            value=shown(value),
        )
    if isinstance(value, str):
        _check_text(schema, value, where)
    elif isinstance(value, Mapping):
        _check_object(schema, value, where)
    elif isinstance(value, (list, tuple)) and "items" in schema:
        if len(value) < schema.get("minItems", 0):
            raise InvalidInput.of(
                "argument_too_few",
                N_("{where} must name at least {count}"),
                where=where,
                count=str(schema["minItems"]),
            )
        for index, item in enumerate(value):
            _check(schema["items"], item, f"{where}[{index}]")


def _check_text(schema: Mapping[str, Any], value: str, where: str) -> None:
    if len(value) > schema.get("maxLength", len(value)):
        raise InvalidInput.of(
            "argument_too_long",
            N_("{where} is longer than {limit} characters"),
            where=where,
            limit=str(schema["maxLength"]),
        )
    pattern = schema.get("pattern")
    if pattern is not None and re.search(pattern, value) is None:
        if pattern == ID_PATTERN:
            raise InvalidInput.of(
                "argument_not_id",
                N_(
                    "{where} must be an identifier: 1-128 letters, digits and _.:@- "
                    "starting with a letter or digit; got {value}"
                ),
                where=where,
                value=shown(value),
            )
        raise InvalidInput.of(
            "argument_blank", N_("{where} must not be empty or whitespace"), where=where
        )
    if schema.get("format") == "date-time":
        _moment(value, where)


def _check_object(schema: Mapping[str, Any], value: Mapping[Any, Any], where: str) -> None:
    properties: Mapping[str, Any] = schema.get("properties", {})
    if len(value) < schema.get("minProperties", 0):
        raise InvalidInput.of("argument_empty", N_("{where} must not be empty"), where=where)
    for key in schema.get("required", ()):
        if key not in value:
            if where:
                raise InvalidInput.of(
                    "argument_missing", N_("{where}: missing {key}"), where=where, key=key
                )
            raise InvalidInput.of("argument_missing", N_("missing {key}"), key=key)
    for key, item in value.items():
        if not isinstance(key, str):
            raise InvalidInput.of(
                "argument_key_type",
                N_("{where}: keys must be strings; got {key}"),
                where=where,
                key=shown(key),
            )
        names = schema.get("propertyNames")
        if names is not None:
            _check(names | {"type": "string"}, key, f"{where}: key {shown(key)}")
        if key in properties:
            _check(properties[key], item, f"{where}.{key}" if where else key)
        elif schema.get("additionalProperties") is False:
            prefix = where + ": " if where else ""
            if not properties:
                raise InvalidInput.of(
                    "argument_unexpected",
                    N_("{where}unexpected argument {key}; expected none"),
                    where=prefix,
                    key=shown(key),
                )
            raise InvalidInput.of(
                "argument_unexpected",
                N_("{where}unexpected argument {key}; expected {expected}"),
                where=prefix,
                key=shown(key),
                expected=", ".join(properties),
            )
        elif isinstance(schema.get("additionalProperties"), Mapping):
            _check(schema["additionalProperties"], item, f"{where}[{shown(key)}]")
    if "if" in schema:
        try:
            _check_object(schema["if"], value, where)
        except InvalidInput:
            return
        _check_object(schema["then"], value, where)


def _moment(value: str, where: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput.of(
            "argument_not_moment",
            N_("{where} must be an ISO 8601 date-time; got {value}"),
            where=where,
            value=shown(value),
        ) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInput.of(
            "argument_naive_moment",
            N_("{where} must carry a UTC offset; got {value}"),
            where=where,
            value=shown(value),
        )
    return moment


def validate_arguments(schema: Mapping[str, Any], arguments: Mapping[str, Any]) -> None:
    """Check ``arguments`` against an action's schema.

    Raises:
        InvalidInput: an argument is missing, unexpected or does not fit (named).
    """
    _check(schema, arguments, "")


def _from_json(schema: Mapping[str, Any], annotation: str, value: Any) -> Any:
    """The value a command takes for a schema-valid JSON value."""
    if value is None:
        return None
    kinds = [part for part in _alternatives(annotation) if part != "None"]
    kind = kinds[0] if len(kinds) == 1 else ""
    if kind == "datetime":
        return _moment(value, "")
    if kind in _MODELS:
        return _model(_MODELS[kind], value)
    if kind.startswith("Iterable[") and kind[9:-1] in _MODELS:
        return [_model(_MODELS[kind[9:-1]], item) for item in value]
    return value


def _model(cls: type[Any], value: Mapping[str, Any]) -> Any:
    fields = dict(value)
    if cls is Mediator and "relationships" in fields:
        fields["relationships"] = [_model(Relation, item) for item in fields["relationships"]]
    return cls(**fields)


class CommandAPI(CaseCore):
    """Commands by name, with JSON Schemas of their arguments (a mixin of the case)."""

    __slots__ = ()

    def action_schema(self, name: str) -> dict[str, Any]:
        """The JSON Schema of action ``name``'s arguments, under this case's policy.

        Args:
            name: A name :meth:`allowed_actions` reports.

        Returns:
            A JSON Schema (draft 2020-12) of the object of arguments (the actor aside),
            bounded by the case policy's limits, with the process's stage names.

        Raises:
            InvalidInput: ``name`` is not an action.
        """
        return action_schema(name, self._state.policy, self._process.definition.stages)

    def action_schemas(self) -> dict[str, dict[str, Any]]:
        """The JSON Schema of every action's arguments, by action name (see
        :meth:`action_schema`)."""
        stages = self._process.definition.stages
        return {name: action_schema(name, self._state.policy, stages) for name in rules.ACTIONS}

    def execute(self, name: str, actor: str, /, **arguments: Any) -> Any:
        """Run action ``name`` for ``actor`` with JSON-shaped ``arguments``.

        The arguments are checked against :meth:`action_schema` (times as ISO 8601 text
        with an offset; relations, issues and mediators as objects), converted, and the
        command runs as if called directly.

        Args:
            name: A name :meth:`allowed_actions` reports.
            actor: Who acts.
            **arguments: The action's arguments, as JSON would carry them.

        Returns:
            What the command returns (the event it recorded; for ``review_deadlines``,
            the events).

        Raises:
            InvalidInput: an unknown action, or an argument missing, unexpected or not
                fitting the schema (named); nothing recorded.
            CommandRefused: the rules refuse it now (reason codes; nothing recorded).
            NotAuthorized: the actor may not issue it.
        """
        schema = self.action_schema(name)
        validate_arguments(schema, arguments)
        converted = {
            parameter.name: _from_json(
                schema["properties"][parameter.name],
                str(parameter.annotation),
                arguments[parameter.name],
            )
            for parameter in _parameters(name)
            if parameter.name in arguments
        }
        return getattr(self, name)(actor, **converted)
