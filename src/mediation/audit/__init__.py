"""The audit trail: the hash chain, the export file format and reader views.

Three rooms, each importable on its own:

- :mod:`mediation.audit.chain` — canonical bytes, the SHA-256 hash chain, anchors and
  verification. Pure: no I/O, no store.
- :mod:`mediation.audit.exports` — the JSON Lines export format, written and read.
- :mod:`mediation.audit.views` — what each reader may see (:func:`view`,
  :func:`export_view`), the outside-authority report, and the read-log record.

This package never imports :mod:`mediation.store`; the helpers that take a store
(:func:`mediation.store.verify_case`, :func:`mediation.store.export_store`,
:func:`mediation.store.import_export`) live with the stores. ``docs/audit.md`` specifies
the chain and the file format.
"""

from mediation.audit.chain import (
    CHAIN_PREFIX,
    ChainBreak,
    ChainHead,
    RecordedEvent,
    Verification,
    canonical_bytes,
    chain_hash,
    genesis,
    record_events,
    verify,
)
from mediation.audit.exports import (
    EXPORT_FORMAT,
    ExportedCase,
    export_case,
    read_export,
    verify_export,
)
from mediation.audit.views import (
    Attendee,
    AuthorityReport,
    CaseView,
    ReaderRole,
    ReadRecord,
    authority_report,
    export_view,
    view,
)

__all__ = [
    "CHAIN_PREFIX",
    "EXPORT_FORMAT",
    "Attendee",
    "AuthorityReport",
    "CaseView",
    "ChainBreak",
    "ChainHead",
    "ExportedCase",
    "ReadRecord",
    "ReaderRole",
    "RecordedEvent",
    "Verification",
    "authority_report",
    "canonical_bytes",
    "chain_hash",
    "export_case",
    "export_view",
    "genesis",
    "read_export",
    "record_events",
    "verify",
    "verify_export",
    "view",
]
