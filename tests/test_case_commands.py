"""The command API: a JSON Schema per action, generated; ``execute`` by action name."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta, timezone
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediation import rules
from mediation._case.commands import ID_PATTERN, validate_arguments
from mediation.case import action_schema
from mediation.errors import CommandRefused, InvalidInput, NotAuthorized
from mediation.model import Issue, Mediator, Outcome, Relation, RelationKind, ScreeningDomain
from mediation.policy import Limits, Policy
from mediation.process import DEFAULT_DEFINITION
from mediation.testing._drive import STAGES_IN_ORDER
from tests.refusal import nothing_recorded
from tests.sample_case import PEOPLE, case_at, new_case

# -- the schemas ----------------------------------------------------------------------------


def test_every_action_in_the_rules_table_has_a_valid_json_schema() -> None:
    schemas = new_case().action_schemas()
    assert list(schemas) == list(rules.ACTIONS)
    for name, schema in schemas.items():
        jsonschema.Draft202012Validator.check_schema(schema)
        assert json.loads(json.dumps(schema)) == schema  # a host can send it as it is
        assert schema["title"] == name and schema["description"]
        assert set(schema["required"]) <= set(schema["properties"])


def test_schemas_follow_the_policy_and_the_process() -> None:
    tight = Policy(limits=Limits(statement_bytes=100, max_duration_seconds=60))
    speak = action_schema("speak", tight)["properties"]
    assert speak["text"]["maxLength"] == 100
    assert speak["seconds"] == {"type": "number", "minimum": 0, "maximum": 60}
    advance = new_case().action_schema("advance")["properties"]["to"]["anyOf"][0]
    assert advance["enum"][:2] == ["intake", "listening"]
    escalate = new_case().action_schema("escalate")["properties"]["authority"]
    assert escalate["enum"] == sorted(Policy.default().authorities)
    with pytest.raises(InvalidInput, match="unknown action"):
        action_schema("format_disk")


# schema-valid values, drawn from the schema itself


def _from_schema(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    if "anyOf" in schema:
        return st.one_of([_from_schema(option) for option in schema["anyOf"]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema["type"]
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.integers(-(10**6), 10**6)
    if kind == "number":
        low, high = schema.get("minimum"), schema.get("maximum")
        return st.one_of(
            st.floats(low, high, allow_nan=False), st.integers(int(low or 0), int(high or 10))
        )
    if kind == "string":
        if schema.get("format") == "date-time":
            return st.builds(
                lambda day, moment, hours: datetime.combine(
                    day, moment, timezone(timedelta(hours=hours))
                ).isoformat(),
                st.dates(
                    date.fromisoformat(schema["formatMinimum"]) + timedelta(days=1),
                    date.fromisoformat(schema["formatMaximum"]) - timedelta(days=1),
                ),
                st.times(),
                st.integers(-12, 12),
            )
        if schema.get("pattern") == ID_PATTERN:
            return st.from_regex(re.compile(ID_PATTERN[:-1] + r"\Z"))
        text = st.text(max_size=40) | st.sampled_from(PEOPLE)
        if "pattern" in schema:
            text = text.filter(lambda value: value.strip() != "")
        return text
    if kind == "array":
        return st.lists(
            _from_schema(schema["items"]), min_size=schema.get("minItems", 0), max_size=3
        )
    if "if" in schema:  # a constraint between arguments: draw, then keep what fits
        plain = {key: value for key, value in schema.items() if key not in {"if", "then"}}
        return _from_schema(plain).filter(
            lambda value: jsonschema.Draft202012Validator(schema).is_valid(value)
        )
    if "properties" in schema:
        required = set(schema["required"])
        return st.fixed_dictionaries(
            {
                key: _from_schema(value)
                for key, value in schema["properties"].items()
                if key in required
            },
            optional={
                key: _from_schema(value)
                for key, value in schema["properties"].items()
                if key not in required
            },
        )
    return st.dictionaries(
        _from_schema({"type": "string", **schema["propertyNames"]}),
        _from_schema(schema["additionalProperties"]),
        min_size=schema.get("minProperties", 0),
        max_size=3,
    )


# What a command may still refuse with InvalidInput for schema-valid arguments: facts of
# the case no schema can know (ids already taken, items the parties did not value, a
# relation naming someone not in the case, a second disclosure of the same tie...), and
# a reason the schema leaves optional that one outcome needs (close as terminated by the
# mediator without saying why).
_CASE_FACTS = re.compile(
    r"already|not in the case|not a party|unknown|no such|duplicate|differ|same items|"
    r"does not involve the mediator|the mediator's own relationships|nothing blocks with|"
    r"not a disqualifying relationship|at least one item must be worth something|"
    r"^reason must not be empty",
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stage=st.sampled_from(STAGES_IN_ORDER), data=st.data())
def test_schema_valid_arguments_are_accepted(stage: str, data: st.DataObject) -> None:
    case = case_at(stage)
    name = data.draw(st.sampled_from(list(rules.ACTIONS)), label="action")
    schema = case.action_schema(name)
    arguments = data.draw(_from_schema(schema), label="arguments")
    jsonschema.validate(arguments, schema)  # the test's strategy agrees with the schema
    validate_arguments(schema, arguments)  # and so does the library's validator
    actor = data.draw(st.sampled_from(PEOPLE), label="actor")
    version = case.version
    refusal: InvalidInput | None = None
    try:
        case.execute(name, actor, **arguments)
    except (CommandRefused, NotAuthorized):
        assert case.version == version
    except InvalidInput as error:
        refusal = error
    if refusal is not None:
        assert case.version == version
        assert _CASE_FACTS.search(str(refusal)), f"{name}{arguments}: {refusal}"


# -- execute ----------------------------------------------------------------------------


def test_execute_does_what_the_command_does() -> None:
    by_name, direct = new_case(), new_case()
    by_name.execute("disclose", "chen", statement="No ties.", relationships=[])
    direct.disclose("chen", "No ties.", [])
    by_name.execute("consent", "lin")
    direct.consent("lin")
    due = "2026-03-09T17:00:00+01:00"
    by_name.execute("set_deadline", "chen", stage="listening", due=due)
    direct.set_deadline("chen", "listening", datetime.fromisoformat(due))
    by_name.execute(
        "raise_issue", "zhao", issue={"id": "leave", "title": "Leave", "flags": ["urgent"]}
    )
    direct.raise_issue("zhao", Issue("leave", "Leave", frozenset({"urgent"})))
    assert by_name.events == direct.events


@pytest.mark.parametrize(
    ("name", "arguments", "named"),
    [
        ("teleport", {}, "unknown action 'teleport'"),
        ("speak", {"seconds": 3}, "^missing text$"),
        ("consent", {"why": "x"}, "unexpected argument 'why'"),
        ("consent", {"self": 1}, "unexpected argument 'self'"),  # found by the long fuzz
        ("speak", {"text": "Hi", "seconds": 3, "name": "x"}, "unexpected argument .name."),
        ("speak", {"text": "Hi", "seconds": "3"}, "seconds must be a number"),
        ("speak", {"text": "Hi", "seconds": 10**9}, "seconds must be between"),
        ("speak", {"text": "  ", "seconds": 3}, "text must not be empty"),
        ("set_deadline", {"stage": "listening", "due": "tomorrow"}, "due must be an ISO"),
        ("set_deadline", {"stage": "listening", "due": "2026-03-09T17:00"}, "UTC offset"),
        ("set_deadline", {"stage": "lunch", "due": "2026-03-09T17:00Z"}, "stage must be one"),
        ("assent", {"item_id": "no spaces"}, "item_id must be an identifier"),
        ("raise_issue", {"issue": {"id": "x"}}, "issue: missing title"),
        ("raise_issue", {"issue": {"id": "x", "title": "X", "size": 1}}, "unexpected argument"),
        ("close", {"outcome": "won"}, "outcome must be one of"),
        ("close", {"outcome": "terminated_by_mediator"}, "^missing reason$"),
        ("close", {"outcome": "terminated_by_mediator", "reason": " "}, "reason must not be"),
        ("give_valuations", {"valuations": {"car": float("nan")}}, r"valuations\['car'\]"),
    ],
)
def test_bad_arguments_are_invalid_input_naming_them(
    name: str, arguments: dict[str, Any], named: str
) -> None:
    case = case_at("listening")
    with pytest.raises(InvalidInput, match=named):
        case.execute(name, "lin", **arguments)
    assert case.version == case_at("listening").version


def test_the_close_schema_says_a_termination_needs_a_reason() -> None:
    schema = case_at("listening").action_schema("close")
    valid = jsonschema.Draft202012Validator(schema).is_valid
    assert not valid({"outcome": "terminated_by_mediator"})
    assert not valid({"outcome": "terminated_by_mediator", "reason": "  "})
    assert valid({"outcome": "terminated_by_mediator", "reason": "a safety concern"})
    assert valid({"outcome": "impasse"})


def test_refusals_through_execute_keep_their_reason_codes_and_record_nothing() -> None:
    case = new_case()
    with nothing_recorded(case, CommandRefused) as refused:
        case.execute("consent", "lin")
    assert [reason.code for reason in refused.value.reasons] == ["disclosure_missing"]
    with nothing_recorded(case, NotAuthorized):
        case.execute("disclose", "lin", statement="I am not the mediator.")
    assert case.version == 1


def test_every_name_allowed_actions_reports_has_a_schema_and_runs() -> None:
    case = case_at("listening")
    names = {status.name for actor in PEOPLE for status in case.allowed_actions(actor)}
    assert names == set(rules.ACTIONS)
    for name in names:
        assert case.action_schema(name)["title"] == name
    event = case.execute("speak", "lin", text="Hello.", seconds=5)
    assert event.type_name == "statement_made" and case.version == event.seq


# -- the generated schemas, parameter by parameter (what the module promises) ----------------

_ID = {"type": "string", "pattern": ID_PATTERN}


def _text(limit: int, *, may_be_empty: bool = False) -> dict[str, Any]:
    return {"type": "string", "maxLength": limit} | ({} if may_be_empty else {"pattern": r"\S"})


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _relation(limit: int) -> dict[str, Any]:
    return {
        "type": "object",
        "title": "Relation",
        "properties": {
            "kind": {"type": "string", "enum": [kind.value for kind in RelationKind]},
            "source": _ID,
            "target": _ID,
            "note": _text(limit, may_be_empty=True),
        },
        "required": ["kind", "source", "target"],
        "additionalProperties": False,
    }


def _arguments(schema: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    return schema["properties"], schema["required"]


def test_each_kind_of_parameter_gets_the_schema_the_module_promises() -> None:
    """Ids get check_id's pattern; text the policy's size and, without an empty default,
    something other than whitespace; durations and amounts the policy's bounds; optional
    arguments may be null; stages, outcomes, severities, authorities and procedures are
    enumerations; models are objects from their fields' validators."""
    limits = Limits(statement_bytes=500, max_duration_seconds=90, max_amount=5000)
    policy = Policy(limits=limits)

    def schema(name: str) -> tuple[dict[str, Any], list[str]]:
        return _arguments(action_schema(name, policy))

    assert schema("speak") == (
        {"text": _text(500), "seconds": {"type": "number", "minimum": 0, "maximum": 90}},
        ["text", "seconds"],
    )
    assert schema("review_restatement") == (
        {
            "restatement_id": _ID,
            "accurate": {"type": "boolean"},
            "comment": _text(500, may_be_empty=True),
        },
        ["restatement_id", "accurate"],
    )
    assert schema("restate") == (
        {"about": _ID, "text": _text(500), "restatement_id": _nullable(_ID)},
        ["about", "text"],
    )
    assert schema("screen")[0]["party"] == _ID
    assert schema("screen")[0]["answers"] == {
        "type": "object",
        "properties": {domain.value: {"type": "boolean"} for domain in ScreeningDomain},
        "required": [domain.value for domain in ScreeningDomain],
        "additionalProperties": False,
    }
    assert schema("flag_issue") == ({"issue_id": _ID, "flag": _ID}, ["issue_id", "flag"])
    assert schema("reserve_difference")[0]["severity"] == {
        "type": "string",
        "enum": ["major", "minor"],
    }
    assert schema("escalate_difference")[0]["authority"] == {
        "type": "string",
        "enum": sorted(policy.authorities),
    }
    assert schema("suggest_settlement") == (
        {
            "procedure": {"type": "string", "enum": ["adjusted_winner", "knaster"]},
            "proposal_id": _nullable(_ID),
            "settles": {"type": "array", "items": _ID},
        },
        [],
    )
    assert schema("override") == (
        {"codes": {"type": "array", "minItems": 1, "items": _ID}, "reason": _text(500)},
        ["codes", "reason"],
    )
    assert schema("give_valuations") == (
        {
            "valuations": {
                "type": "object",
                "minProperties": 1,
                "propertyNames": {"pattern": ID_PATTERN},
                "additionalProperties": {"type": "number", "minimum": 0, "maximum": 5000},
            }
        },
        ["valuations"],
    )
    assert schema("disclose") == (
        {
            "statement": _text(500),
            "relationships": _nullable({"type": "array", "items": _relation(500)}),
        },
        ["statement"],
    )
    assert schema("waive_conflict") == (
        {"relation": _relation(500), "statement": _text(500)},
        ["relation", "statement"],
    )
    assert schema("raise_issue") == (
        {
            "issue": {
                "type": "object",
                "title": "Issue",
                "properties": {
                    "id": _ID,
                    "title": _text(500),
                    "flags": {"type": "array", "items": _ID},
                },
                "required": ["id", "title"],
                "additionalProperties": False,
            }
        },
        ["issue"],
    )
    assert schema("reassign_mediator") == (
        {
            "mediator": {
                "type": "object",
                "title": "Mediator",
                "properties": {
                    "id": _ID,
                    "name": _text(500),
                    "relationships": {"type": "array", "items": _relation(500)},
                },
                "required": ["id", "name"],
                "additionalProperties": False,
            },
            "reason": _text(500),
        },
        ["mediator", "reason"],
    )
    assert schema("consent") == ({}, [])
    assert schema("withdraw") == ({"reason": _text(500, may_be_empty=True)}, [])


def test_stage_outcome_and_deadline_schemas_leave_out_what_the_command_refuses() -> None:
    stages = [stage.name for stage in DEFAULT_DEFINITION.stages]
    advance = _arguments(action_schema("advance"))
    assert advance == ({"to": _nullable({"type": "string", "enum": stages})}, [])
    assert stages[-1] == "closed"
    deadline = _arguments(action_schema("set_deadline"))
    assert deadline == (
        {
            "stage": {"type": "string", "enum": stages[:-1]},  # never the terminal stage
            "due": {
                "type": "string",
                "format": "date-time",
                "formatMinimum": "1970-01-01",
                "formatMaximum": "2999-12-31",
            },
        },
        ["stage", "due"],
    )
    close = _arguments(action_schema("close"))
    outcomes = [outcome.value for outcome in Outcome if outcome is not Outcome.WITHDRAWN]
    assert close[0]["outcome"] == {"type": "string", "enum": outcomes}
    assert close[1] == ["outcome"]
    assert "if" not in action_schema("speak")
    # apply_safeguard applies the shuttle format only: the schema offers nothing else
    assert _arguments(action_schema("apply_safeguard")) == (
        {
            "party": _ID,
            "safeguard": {"type": "string", "enum": ["shuttle"]},
            "reason": _text(65_536, may_be_empty=True),
        },
        ["party", "safeguard"],
    )
    case = case_at("intake")
    with nothing_recorded(case, InvalidInput):
        case.execute("apply_safeguard", "chen", party="lin", safeguard="support_person")
    case.execute("apply_safeguard", "chen", party="lin", safeguard="shuttle")


def test_a_schema_is_described_by_the_first_paragraph_of_its_command() -> None:
    described = action_schema("waive_conflict")["description"]
    assert described.startswith("A party waives, in writing, a disqualifying relationship")
    assert described.endswith("a strict policy allows no waiver.")
    assert "\n" not in described and "Raises" not in described
    assert action_schema("sign")["description"] == (
        "A party signs the agreement (the proposal every party accepted)."
    )


# -- the validator, at its boundaries -------------------------------------------------------


def test_numbers_at_the_schema_bounds_are_accepted_and_beyond_them_refused() -> None:
    schema = action_schema("speak", Policy(limits=Limits(max_duration_seconds=60)))
    for seconds in (0, 0.5, 60):
        validate_arguments(schema, {"text": "Hi", "seconds": seconds})
    for seconds in (-0.001, 60.001, float("nan")):
        with pytest.raises(InvalidInput, match=r"seconds must be between 0 and 60\.0"):
            validate_arguments(schema, {"text": "Hi", "seconds": seconds})
    for wrong in (True, "3", None):
        with pytest.raises(InvalidInput, match="seconds must be a number"):
            validate_arguments(schema, {"text": "Hi", "seconds": wrong})


def test_text_at_the_schema_length_is_accepted_and_one_more_refused() -> None:
    schema = action_schema("speak", Policy(limits=Limits(statement_bytes=5)))
    validate_arguments(schema, {"text": "abcde", "seconds": 1})
    with pytest.raises(InvalidInput, match="text is longer than 5 characters"):
        validate_arguments(schema, {"text": "abcdef", "seconds": 1})
    with pytest.raises(InvalidInput, match="text must be a JSON string; got int"):
        validate_arguments(schema, {"text": 5, "seconds": 1})


def test_a_whole_number_is_required_where_the_schema_says_integer() -> None:
    """The validator understands every keyword the generator emits, ``integer`` included."""
    schema = {
        "type": "object",
        "properties": {"count": {"type": "integer"}},
        "required": ["count"],
        "additionalProperties": False,
    }
    validate_arguments(schema, {"count": 3})
    with pytest.raises(InvalidInput, match=r"count must be a whole number; got 3\.0"):
        validate_arguments(schema, {"count": 3.0})
    with pytest.raises(InvalidInput, match="count must be a integer; got True"):
        validate_arguments(schema, {"count": True})


def test_lists_and_mappings_at_their_least_size_are_accepted() -> None:
    override = action_schema("override")
    validate_arguments(override, {"codes": ["one"], "reason": "needed"})
    with pytest.raises(InvalidInput, match="codes must name at least 1"):
        validate_arguments(override, {"codes": [], "reason": "needed"})
    with pytest.raises(InvalidInput, match=r"codes\[1\] must be an identifier"):
        validate_arguments(override, {"codes": ["one", "no spaces"], "reason": "needed"})
    with pytest.raises(InvalidInput, match="codes must be a JSON array; got str"):
        validate_arguments(override, {"codes": "one", "reason": "needed"})
    valuations = action_schema("give_valuations")
    validate_arguments(valuations, {"valuations": {"car": 0}})
    with pytest.raises(InvalidInput, match="valuations must not be empty"):
        validate_arguments(valuations, {"valuations": {}})
    with pytest.raises(InvalidInput, match=r"valuations: key 'a car' must be an identifier"):
        validate_arguments(valuations, {"valuations": {"a car": 1}})
    with pytest.raises(InvalidInput, match=r"valuations\['car'\] must be between 0 and"):
        validate_arguments(valuations, {"valuations": {"car": -1}})
    with pytest.raises(InvalidInput, match="valuations: keys must be strings; got 5"):
        validate_arguments(valuations, {"valuations": {5: 1}})


def test_an_optional_list_given_empty_means_what_leaving_it_out_means() -> None:
    # propose(settles=[]) is accepted by a direct call (its default is empty); the JSON
    # path must agree, while a required list (override's codes) keeps needing one member.
    for name in ("propose", "suggest_settlement"):
        settles = action_schema(name)["properties"]["settles"]
        assert "minItems" not in settles
    validate_arguments(action_schema("propose"), {"text": "Terms", "settles": []})
    validate_arguments(action_schema("suggest_settlement"), {"settles": []})
    assert action_schema("override")["properties"]["codes"]["minItems"] == 1


def test_a_nullable_argument_reports_what_is_wrong_with_its_value_not_that_it_is_not_null() -> None:
    schema = action_schema("propose")
    validate_arguments(schema, {"text": "Terms", "proposal_id": None})
    with pytest.raises(InvalidInput, match=r"^proposal_id must be a JSON string; got int$"):
        validate_arguments(schema, {"text": "Terms", "proposal_id": 5})


def test_an_unexpected_argument_is_named_with_what_was_expected() -> None:
    with pytest.raises(InvalidInput, match=r"^unexpected argument 'why'; expected none$"):
        validate_arguments(action_schema("consent"), {"why": "x"})
    with pytest.raises(
        InvalidInput, match=r"^unexpected argument 'volume'; expected text, seconds$"
    ):
        validate_arguments(action_schema("speak"), {"text": "Hi", "seconds": 1, "volume": 3})
    issue = {"id": "pay", "title": "Pay", "size": 1}
    with pytest.raises(
        InvalidInput, match=r"^issue: unexpected argument 'size'; expected id, title, flags$"
    ):
        validate_arguments(action_schema("raise_issue"), {"issue": issue})


def test_an_unknown_action_is_refused_naming_the_actions() -> None:
    for name in ("format_disk", 5, None):
        with pytest.raises(InvalidInput, match="the actions are disclose, consent, raise_issue"):
            action_schema(name)  # type: ignore[arg-type]
    with nothing_recorded(case := new_case(), InvalidInput):
        case.execute("format_disk", "chen")


def test_execute_converts_relationships_inside_lists_and_mediators() -> None:
    by_name, direct = new_case(), new_case()
    tie = {"kind": "colleague", "source": "chen", "target": "lin", "note": "same team"}
    by_name.execute("disclose", "chen", statement="One tie.", relationships=[tie])
    direct.disclose(
        "chen", "One tie.", [Relation(RelationKind.COLLEAGUE, "chen", "lin", "same team")]
    )
    assert by_name.events == direct.events
    new = {"id": "wu", "name": "Wu Fang", "relationships": [tie | {"source": "wu"}]}
    by_name.execute("reassign_mediator", "hr-lead", mediator=new, reason="Chen is away.")
    direct.reassign_mediator(
        "hr-lead",
        Mediator("wu", "Wu Fang", (Relation(RelationKind.COLLEAGUE, "wu", "lin", "same team"),)),
        "Chen is away.",
    )
    assert by_name.events == direct.events
    assert by_name.state.mediator.relationships[0].target == "lin"
