"""End to end through HTTP: the web example's service with Starlette's test client."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from mediation_web import create_app

with warnings.catch_warnings():
    # Starlette 1.x warns that its test client will move from httpx to a fork; httpx is
    # what the web extra installs, and it works.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

from mediation.clocks import ManualClock
from mediation.model import ScreeningDomain
from mediation.store.sql import SQLStore

CASE = {
    "case_id": "hr-21",
    "parties": [{"id": "ana", "name": "Ana"}, {"id": "ben", "name": "Ben"}],
    "mediator": {"id": "mo", "name": "Mo"},
}


@pytest.fixture
def database(tmp_path: Path) -> str:
    return str(tmp_path / "web.db")


@pytest.fixture
def client(database: str) -> Iterator[TestClient]:
    clock = ManualClock(datetime(2026, 3, 2, 9, tzinfo=timezone.utc), tick=timedelta(minutes=1))
    with TestClient(create_app(database, clock=clock)) as test_client:
        yield test_client


def act(client: TestClient, user: str, name: str, **arguments: Any) -> Any:
    return client.post(f"/cases/hr-21/actions/{name}", json=arguments, headers={"X-User": user})


def test_a_case_through_http_from_opening_to_listening(client: TestClient, database: str) -> None:
    opened = client.post("/cases", json=CASE, headers={"X-User": "mo"})
    assert opened.status_code == 201 and opened.json()["stage"] == "intake"

    shown = client.get("/cases/hr-21", headers={"X-User": "ana"}).json()
    consent = next(action for action in shown["actions"] if action["name"] == "consent")
    assert consent == {"name": "consent", "allowed": False, "reasons": ["disclosure_missing"]}

    refused = act(client, "ana", "consent")
    assert refused.status_code == 409
    assert refused.json()["error"] == "refused"
    assert [reason["code"] for reason in refused.json()["reasons"]] == ["disclosure_missing"]
    assert refused.json()["message"] == "the mediator must disclose before anyone can consent"
    in_chinese = client.post(
        "/cases/hr-21/actions/consent",
        json={},
        headers={"X-User": "ana", "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"},
    )
    assert in_chinese.json()["message"] == "调解员须先作出披露，当事人才能表示同意"
    asked = client.post("/cases/hr-21/actions/consent?lang=zh", json={}, headers={"X-User": "ana"})
    assert asked.json()["reasons"][0]["message"] == "调解员须先作出披露，当事人才能表示同意"

    schema = client.get("/cases/hr-21/actions/disclose", headers={"X-User": "mo"}).json()
    assert schema["required"] == ["statement"]
    done = act(client, "mo", "disclose", statement="I know neither of you.", relationships=[])
    assert done.status_code == 200
    assert done.json()["events"] == [{"type": "disclosure_made", "seq": 2}]
    assert done.json()["version"] == 2 and done.json()["stage"] == "intake"

    no_concerns = dict.fromkeys(ScreeningDomain, False)
    for party in ("ana", "ben"):
        assert act(client, "mo", "screen", party=party, answers=no_concerns).status_code == 200
        assert act(client, party, "consent").status_code == 200
    moved = act(client, "mo", "advance")
    assert moved.status_code == 200 and moved.json()["stage"] == "listening"
    spoke = act(client, "ben", "speak", text="My leave was refused twice.", seconds=90)
    assert spoke.json()["version"] == 8
    allowed = {action["name"] for action in spoke.json()["actions"] if action["allowed"]}
    assert "speak" in allowed  # the caller's actions after the command, without a reload
    with SQLStore(database, read_only=True) as store:  # saved, and the chain verifies
        assert [event.type_name for event in store.load("hr-21")][-1] == "statement_made"


def test_bad_input_is_422_naming_the_argument(client: TestClient) -> None:
    client.post("/cases", json=CASE, headers={"X-User": "mo"})
    for arguments, named in (
        ({}, "missing statement"),
        ({"statement": "x", "colour": "red"}, "unexpected argument 'colour'"),
        ({"statement": 5}, "statement must be a JSON string"),
    ):
        answer = act(client, "mo", "disclose", **arguments)
        assert answer.status_code == 422, answer.json()
        assert named in answer.json()["message"]
    unknown = act(client, "mo", "teleport")
    assert unknown.status_code == 422 and "unknown action" in unknown.json()["message"]
    not_json = client.post(
        "/cases/hr-21/actions/consent", content=b"[1, 2", headers={"X-User": "ana"}
    )
    assert not_json.status_code == 422
    shown = client.get("/cases/hr-21", headers={"X-User": "mo"}).json()
    assert shown["version"] == 1  # nothing recorded by any of it


def test_strangers_and_unknown_cases(client: TestClient) -> None:
    client.post("/cases", json=CASE, headers={"X-User": "mo"})
    assert client.get("/cases/hr-21", headers={"X-User": "eve"}).status_code == 403
    assert act(client, "eve", "consent").status_code == 403
    assert client.get("/cases/hr-21").status_code == 403  # nobody said who they are
    assert client.get("/cases/nope", headers={"X-User": "mo"}).status_code == 404
    assert client.post("/cases", json=CASE, headers={"X-User": "ana"}).status_code == 403
    again = client.post("/cases", json=CASE, headers={"X-User": "mo"})
    assert again.status_code == 409 and again.json()["error"] == "conflict"
