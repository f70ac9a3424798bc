"""A small web service over a SQLite store: cases as JSON over HTTP (Starlette, ASGI).

Who calls is the ``X-User`` header (a real service takes it from its sign-in session).
Every read and command is authorised by the case itself: a user sees only the cases
they take part in, and only the actions their role allows now.

``POST /cases``
    Open a case: ``{"case_id", "parties": [{"id", "name"}], "mediator": {"id", "name"}}``
    (the caller must be the mediator). 201 with the case.
``GET /cases/{case_id}``
    The case as the caller may see it: stage, version, and the caller's actions, each
    with whether it is allowed now and, if not, the reason codes.
``GET /cases/{case_id}/actions/{name}``
    The JSON Schema of the action's arguments (to render a form).
``POST /cases/{case_id}/actions/{name}``
    Run the action with the JSON body as its arguments (``Repository.apply``, so it is
    saved, retried on conflicts, and answered without loading the case again). 200 with
    the event, the new version and stage, and the caller's actions now.

Errors are JSON ``{"error": ..., "message": ...}``: 422 for arguments that do not fit the
action's schema (``InvalidInput``, named), 409 for a refusal with its reason codes
(``CommandRefused``) or a conflict that outlasted the retries, 403 for someone who takes
no part or may not act, 404 for an unknown case, 503 when the store is unavailable.

A refusal's reasons are told in the caller's language, chosen per request: ``?lang=zh``,
or the ``Accept-Language`` header (``zh-CN`` → Chinese), else English. Nothing is set
globally: two requests in two languages can be served at once.

Run it: ``uvicorn --factory mediation_web:main`` from this directory (``pip install uvicorn``), or
see ``test_mediation_web.py`` for the whole exchange through Starlette's test client.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from mediation import Mediation, Mediator, Party
from mediation.case import Clock
from mediation.clocks import system_clock
from mediation.errors import (
    CaseNotFound,
    CommandRefused,
    ConcurrencyError,
    InvalidInput,
    MediationError,
    NotAuthorized,
    StoreUnavailable,
)
from mediation.i18n import LANGUAGES, translator
from mediation.store import Repository
from mediation.store.sql import SQLStore

Handler = Callable[[Request], Awaitable[JSONResponse]]


def _actions(case: Mediation, user: str) -> list[dict[str, Any]]:
    return [
        {
            "name": status.name,
            "allowed": status.allowed,
            "reasons": [reason.code for reason in status.reasons],
        }
        for status in case.allowed_actions(user)
    ]


def _error(status: int, error: str, message: str, **more: Any) -> JSONResponse:
    return JSONResponse({"error": error, "message": message, **more}, status_code=status)


def _language(request: Request) -> str:
    """The language a request asks for: ``?lang=``, else the first ``Accept-Language``
    tag the library has a catalog for, else English."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    for tag in request.headers.get("accept-language", "").split(","):
        primary = tag.split(";")[0].strip().split("-")[0].lower()
        if primary in LANGUAGES:
            return primary
    return "en"


def _answers_errors(handler: Handler) -> Handler:
    """Turn the library's typed errors into HTTP answers (the order matters: the most
    specific first)."""

    async def answered(request: Request) -> JSONResponse:
        try:
            return await handler(request)
        except CommandRefused as refused:
            lang = _language(request)
            reasons = [{"code": r.code, "message": r.message_in(lang)} for r in refused.reasons]
            message = translator(lang).gettext("; ").join(r["message"] for r in reasons)
            return _error(409, "refused", message, reasons=reasons)
        except ConcurrencyError as conflict:
            return _error(409, "conflict", str(conflict))
        except NotAuthorized as refused:
            return _error(403, "not_authorized", str(refused))
        except CaseNotFound as missing:
            return _error(404, "not_found", f"no case {missing}")
        except InvalidInput as invalid:
            return _error(422, "invalid", str(invalid))
        except StoreUnavailable as down:
            return _error(503, "unavailable", str(down))
        except MediationError as other:
            return _error(400, type(other).__name__, str(other))

    return answered


def _user(request: Request) -> str:
    user = request.headers.get("x-user", "")
    if not user:
        raise NotAuthorized("say who you are in the X-User header")
    return user


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise InvalidInput("the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise InvalidInput("the body must be a JSON object")
    return body


def create_app(database: str, *, clock: Clock = system_clock) -> Starlette:
    """The service over the SQLite file (or any store URL) ``database``.

    Args:
        database: Where the cases are kept.
        clock: The time commands are recorded at.

    Returns:
        The ASGI application; its store is closed when the application shuts down.
    """
    store = SQLStore(database)
    repository = Repository(store, clock=clock)

    @_answers_errors
    async def open_case(request: Request) -> JSONResponse:
        user, body = _user(request), await _body(request)
        mediator = body.get("mediator")
        parties = body.get("parties")
        if not isinstance(mediator, dict) or not isinstance(parties, list):
            raise InvalidInput("give parties (a list) and mediator (an object)")
        if mediator.get("id") != user:
            raise NotAuthorized("a case is opened by its mediator")
        if not all(isinstance(party, dict) for party in parties):
            raise InvalidInput("each party is an object with an id and a name")
        try:
            people = [Party(**party) for party in parties]
            the_mediator = Mediator(**mediator)
        except TypeError as error:  # an unknown or missing field
            raise InvalidInput(str(error)) from None
        case = repository.open(str(body.get("case_id")), people, the_mediator)
        return JSONResponse(
            {"case_id": case.case_id, "stage": case.stage, "version": case.version},
            status_code=201,
        )

    @_answers_errors
    async def show_case(request: Request) -> JSONResponse:
        user = _user(request)
        case = repository.load(request.path_params["case_id"], reader=user, purpose="web")
        return JSONResponse(
            {
                "case_id": case.case_id,
                "stage": case.stage,
                "version": case.version,
                "actions": _actions(case, user),
            }
        )

    @_answers_errors
    async def action_schema(request: Request) -> JSONResponse:
        user = _user(request)
        case = repository.load(request.path_params["case_id"], reader=user, purpose="web")
        return JSONResponse(case.action_schema(request.path_params["name"]))

    @_answers_errors
    async def run_action(request: Request) -> JSONResponse:
        user, arguments = _user(request), await _body(request)
        name = request.path_params["name"]

        def command(case: Mediation) -> tuple[Any, list[dict[str, Any]]]:
            event = case.execute(name, user, **arguments)
            return event, _actions(case, user)

        updated = repository.apply(request.path_params["case_id"], command, reader=user)
        event, actions = updated.result
        events = event if isinstance(event, tuple) else (event,)
        return JSONResponse(
            {
                "events": [{"type": e.type_name, "seq": e.seq} for e in events],
                "version": updated.version,
                "stage": updated.stage,
                "actions": actions,
            }
        )

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        store.close()

    return Starlette(
        routes=[
            Route("/cases", open_case, methods=["POST"]),
            Route("/cases/{case_id}", show_case, methods=["GET"]),
            Route("/cases/{case_id}/actions/{name}", action_schema, methods=["GET"]),
            Route("/cases/{case_id}/actions/{name}", run_action, methods=["POST"]),
        ],
        lifespan=lifespan,
    )


def main() -> Starlette:
    """The service on ``$MEDIATION_WEB_DATABASE`` (default ``mediation-web.db``), for
    ``uvicorn --factory mediation_web:main``."""
    return create_app(os.environ.get("MEDIATION_WEB_DATABASE", "mediation-web.db"))
