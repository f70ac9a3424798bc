"""The audit trail: the hash chain, the export file format and reader views.

Three rooms, each importable on its own:

- :mod:`mediation.audit.chain` — canonical bytes, salted commitments, the SHA-256 hash
  chain, erasure, anchors and verification. Pure: no I/O, no store, no randomness of its
  own (salts are drawn from a source the caller gives).
- :mod:`mediation.audit.exports` — the JSON Lines export format, written and read.
- :mod:`mediation.audit.views` — what each reader may see (:func:`view`,
  :func:`export_view`), the outside-authority report, and the read-log record.

This package never imports :mod:`mediation.store`; the helpers that take a store
(:func:`mediation.store.verify_case`, :func:`mediation.store.export_store`,
:func:`mediation.store.import_export`) live with the stores. ``docs/audit.md`` specifies
the chain and the file format.
"""

from mediation.audit._personal import (
    NESTED_PATHS,
    PERSONAL_LEAVES,
    erased_value,
    personal_slots,
)
from mediation.audit.chain import (
    CANONICAL_VERSION,
    CHAIN_PREFIX,
    CONTENT_FIELDS,
    MAPPING_FIELDS,
    SALT_BYTES,
    ChainBreak,
    ChainHead,
    ErasedSpan,
    RecordedEvent,
    SaltSource,
    Verification,
    canonical_bytes,
    chain_hash,
    commitment,
    decode_records,
    decode_stored,
    erase_fields,
    genesis,
    record_events,
    reseal,
    unseal,
    verified_events,
    verify,
    verify_stored,
)
from mediation.audit.exports import (
    EXPORT_FORMAT,
    EXPORT_VERSION,
    ExportedCase,
    export_case,
    iter_export,
    read_export,
    verify_export,
    verify_export_anchored,
)
from mediation.audit.governance import DataPolicy, RetentionRule, due_spans
from mediation.audit.signing import (
    ANCHORS_FORMAT,
    SignedHeads,
    Signer,
    Verifier,
    read_anchors,
    sign_heads,
    sign_trailer,
)
from mediation.audit.views import (
    Attendee,
    AuthorityReport,
    CaseView,
    ReaderRole,
    ReadRecord,
    authority_report,
    chain_read,
    export_view,
    read_genesis,
    verify_reads,
    view,
)

__all__ = [
    "ANCHORS_FORMAT",
    "CANONICAL_VERSION",
    "CHAIN_PREFIX",
    "CONTENT_FIELDS",
    "EXPORT_FORMAT",
    "EXPORT_VERSION",
    "MAPPING_FIELDS",
    "NESTED_PATHS",
    "PERSONAL_LEAVES",
    "SALT_BYTES",
    "Attendee",
    "AuthorityReport",
    "CaseView",
    "ChainBreak",
    "ChainHead",
    "DataPolicy",
    "ErasedSpan",
    "ExportedCase",
    "ReadRecord",
    "ReaderRole",
    "RecordedEvent",
    "RetentionRule",
    "SaltSource",
    "SignedHeads",
    "Signer",
    "Verification",
    "Verifier",
    "authority_report",
    "canonical_bytes",
    "chain_hash",
    "chain_read",
    "commitment",
    "decode_records",
    "decode_stored",
    "due_spans",
    "erase_fields",
    "erased_value",
    "export_case",
    "export_view",
    "genesis",
    "iter_export",
    "personal_slots",
    "read_anchors",
    "read_export",
    "read_genesis",
    "record_events",
    "reseal",
    "sign_heads",
    "sign_trailer",
    "unseal",
    "verified_events",
    "verify",
    "verify_export",
    "verify_export_anchored",
    "verify_reads",
    "verify_stored",
    "view",
]
