"""Upgrading recorded events of an older sealed form: the one place old forms are read.

Version 2 of the sealed form committed the top-level content fields (what people said)
but kept personal data nested in an event in the clear — the parties' and mediator's
names and roles in ``case_opened``, relationship notes, issue titles — and a finding's
message (which names people) as header. None of it could be erased. Version 3
(:data:`~mediation.audit.CANONICAL_VERSION`) commits each of those values on its own.

:func:`upgrade_v2` turns a verified version-2 case into version 3: every value version 3
commits that a body still holds in the clear is committed with a fresh salt and its
content kept beside the body; commitments already there (and erased content, with its
erasure events) are kept as they are; the chain is then computed anew. The hash
construction is the same in both versions, so a version-2 chain is verified with
:func:`~mediation.audit.verify` before it is upgraded. Pure: the salts come from the
caller.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import attrs

from mediation._canonical import json_text
from mediation.audit._personal import is_commitment, personal_slots
from mediation.audit.chain import (
    SALT_BYTES,
    ChainHead,
    RecordedEvent,
    SaltSource,
    chain_hash,
    commitment,
    genesis,
    verify,
)
from mediation.errors import InvalidInput

__all__ = ["FROM_VERSION", "upgrade_v2"]

FROM_VERSION = 2
"""The sealed form :func:`upgrade_v2` reads."""


def upgrade_v2(
    case_id: str,
    records: Sequence[RecordedEvent],
    *,
    anchor: ChainHead | None = None,
    salts: SaltSource,
) -> tuple[RecordedEvent, ...]:
    """Verify a case recorded in sealed form 2 and return it in sealed form 3.

    Args:
        case_id: The case.
        records: Its records, in order, as version 2 wrote them.
        anchor: The head they must end at (a store's own head); checked when given.
        salts: Where the new salts come from (:func:`secrets.token_bytes` in a store).

    Returns:
        The records in version 3: same sequence numbers, bodies with every personal value
        committed, content beside them, new hashes (the head changes).

    Raises:
        ChainBroken: the version-2 chain does not verify (nothing is returned).
        InvalidInput: a body is not a JSON object, or the salt source gave the wrong
            number of bytes.
    """
    verify(records, case_id=case_id, anchor=anchor).raise_if_broken()
    head = genesis(case_id)
    upgraded: list[RecordedEvent] = []
    for record in records:
        body, content = _sealed_anew(record, salts)
        head = chain_hash(head, body)
        upgraded.append(attrs.evolve(record, hash=head, body=body, content=content))
    return tuple(upgraded)


def _sealed_anew(record: RecordedEvent, salts: SaltSource) -> tuple[bytes, bytes | None]:
    """The record's body and content with every personal value in the clear committed."""
    data = record.envelope()
    places = [
        (path, container, key)
        for path, container, key in personal_slots(data)
        if container[key] and not is_commitment(container[key])
    ]
    if not places:
        return record.body, record.content
    drawn = salts(SALT_BYTES * len(places))
    if not isinstance(drawn, bytes) or len(drawn) != SALT_BYTES * len(places):
        raise InvalidInput("the salt source must give the number of random bytes asked for")
    held: dict[str, Any] = json.loads(record.content) if record.content is not None else {}
    for index, (path, container, key) in enumerate(places):
        salt = drawn[index * SALT_BYTES : (index + 1) * SALT_BYTES]
        value = container[key]
        held[path] = {"salt": salt.hex(), "value": value}
        container[key] = {"commitment": commitment(path, salt, json_text(value))}
    return json_text(data).encode("utf-8"), json_text(held).encode("utf-8")
