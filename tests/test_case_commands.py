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
from mediation.model import Issue
from mediation.policy import Limits, Policy
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
