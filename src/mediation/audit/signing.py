"""Signed heads: anchors kept outside the store, so a rewrite of the whole store shows.

The idea is Certificate Transparency's signed tree head (RFC 6962): whoever runs the
store signs, now and then, the head of every case with an Ed25519 key whose private half
the store's writers cannot reach, and keeps the signed file elsewhere (sent to HR, to an
auditor, printed). Verifying the store against such a file detects what its own head
cannot: a chain rewritten consistently from the start, a truncated chain, a dropped
case. An export can also carry a signature of each case's trailer.

An *anchors file* is one line of canonical JSON::

    {"format":"mediation-anchors","heads":[{"case_id":"<id>","count":<n>,"head":"<hex>"},...],
     "public_key":"<64 hex>","signature":"<128 hex>","store":"<store id>","version":1}

where ``signature`` is the Ed25519 signature of the same object's canonical JSON without
the ``signature`` key. An export trailer's ``signature`` signs the canonical JSON
``{"case_id":…,"count":…,"head":…}`` prefixed with ``mediation-export-head-v1:``.

Signing and checking need the ``signing`` extra (``pip install 'mediation[signing]'``,
the ``cryptography`` package); keys are PEM files (PKCS #8 private, SubjectPublicKeyInfo
public). Making a key needs randomness, so it is done at the edge
(``mediation keygen``), not here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from mediation._canonical import json_text
from mediation.audit.chain import ChainHead
from mediation.errors import AnchorsMalformed, MissingExtra, SignatureInvalid

__all__ = [
    "ANCHORS_FORMAT",
    "SignedHeads",
    "Signer",
    "Verifier",
    "read_anchors",
    "sign_heads",
    "sign_trailer",
    "trailer_payload",
    "unsigned_or_bad",
]

ANCHORS_FORMAT = "mediation-anchors"
"""Value of the ``format`` key of an anchors file."""

_ANCHORS_VERSION = 1
_TRAILER_PREFIX = b"mediation-export-head-v1:"


def _crypto() -> Any:
    try:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ed25519
    except ImportError as error:  # pragma: no cover - the extra is in dev
        raise MissingExtra(
            "signing",
            "signed heads need the cryptography package: pip install 'mediation[signing]'",
        ) from error
    return serialization, ed25519


class Signer:
    """An Ed25519 private key that signs heads.

    Args:
        pem: The private key, PEM (PKCS #8, unencrypted).

    Raises:
        InvalidInput: the PEM is not an Ed25519 private key (:class:`AnchorsMalformed`).
        MissingExtra: ``cryptography`` is not installed.
    """

    def __init__(self, pem: bytes) -> None:
        serialization, ed25519 = _crypto()
        try:
            key = serialization.load_pem_private_key(pem, password=None)
        except (ValueError, TypeError) as error:
            raise AnchorsMalformed(f"not a PEM private key: {error}") from error
        if not isinstance(key, ed25519.Ed25519PrivateKey):
            raise AnchorsMalformed("the private key is not an Ed25519 key")
        self._key = key
        raw = key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.public_key: str = raw.hex()
        """The public key, 64 hex digits (raw Ed25519)."""

    def sign(self, payload: bytes) -> str:
        """The signature of ``payload``, 128 hex digits."""
        signature: bytes = self._key.sign(payload)
        return signature.hex()

    def public_pem(self) -> bytes:
        """The public key as PEM (SubjectPublicKeyInfo)."""
        serialization, _ = _crypto()
        pem: bytes = self._key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return pem


class Verifier:
    """An Ed25519 public key that checks signed heads.

    Args:
        pem: The public key, PEM (SubjectPublicKeyInfo).

    Raises:
        AnchorsMalformed: the PEM is not an Ed25519 public key.
        MissingExtra: ``cryptography`` is not installed.
    """

    def __init__(self, pem: bytes) -> None:
        serialization, ed25519 = _crypto()
        try:
            key = serialization.load_pem_public_key(pem)
        except (ValueError, TypeError) as error:
            raise AnchorsMalformed(f"not a PEM public key: {error}") from error
        if not isinstance(key, ed25519.Ed25519PublicKey):
            raise AnchorsMalformed("the public key is not an Ed25519 key")
        self._key = key
        self.public_key: str = key.public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        ).hex()

    def check(self, payload: bytes, signature: str) -> bool:
        """Whether ``signature`` (hex) is this key's signature of ``payload``."""
        from cryptography.exceptions import InvalidSignature

        try:
            self._key.verify(bytes.fromhex(signature), payload)
        except (InvalidSignature, ValueError):
            return False
        return True


@attrs.frozen
class SignedHeads:
    """The content of an anchors file, its signature checked.

    Attributes:
        store_id: The store the heads were taken from.
        heads: One head per case.
        public_key: The key that signed them (hex).
    """

    store_id: str
    heads: tuple[ChainHead, ...]
    public_key: str


def sign_heads(store_id: str, heads: Iterable[ChainHead], signer: Signer) -> bytes:
    """Write an anchors file: the heads of a store's cases, signed.

    Args:
        store_id: The store's id (:attr:`mediation.store.ManagedStore.store_id`).
        heads: The heads to sign (one per case).
        signer: The private key.

    Returns:
        The file's bytes (one line of canonical JSON).
    """
    document: dict[str, Any] = {
        "format": ANCHORS_FORMAT,
        "heads": [
            {"case_id": head.case_id, "count": head.version, "head": head.head}
            for head in sorted(heads, key=lambda head: head.case_id)
        ],
        "public_key": signer.public_key,
        "store": store_id,
        "version": _ANCHORS_VERSION,
    }
    document["signature"] = signer.sign(json_text(document).encode("utf-8"))
    return json_text(document).encode("utf-8") + b"\n"


def read_anchors(data: bytes, verifier: Verifier, *, store_id: str | None = None) -> SignedHeads:
    """Read an anchors file and check its signature.

    Args:
        data: The file's bytes.
        verifier: The public key it must be signed with.
        store_id: The store it must belong to, when known.

    Returns:
        The signed heads.

    Raises:
        AnchorsMalformed: the file is not in the documented form, or is for another
            store.
        SignatureInvalid: the signature does not verify under ``verifier`` (a wrong key,
            or an altered file).
    """
    try:
        document = json.loads(data)
    except ValueError as error:
        raise AnchorsMalformed(f"the anchors file is not JSON: {error}") from error
    if (
        not isinstance(document, dict)
        or set(document) != {"format", "heads", "public_key", "signature", "store", "version"}
        or document["format"] != ANCHORS_FORMAT
        or document["version"] != _ANCHORS_VERSION
        or not isinstance(document["store"], str)
        or not isinstance(document["signature"], str)
        or not isinstance(document["heads"], list)
    ):
        raise AnchorsMalformed("the file is not a mediation anchors file (version 1)")
    heads: list[ChainHead] = []
    for entry in document["heads"]:
        if (
            not isinstance(entry, dict)
            or set(entry) != {"case_id", "count", "head"}
            or not isinstance(entry["case_id"], str)
            or type(entry["count"]) is not int
            or entry["count"] < 0
            or not isinstance(entry["head"], str)
        ):
            raise AnchorsMalformed(f"the anchors file holds a malformed head: {entry!r}")
        heads.append(ChainHead(entry["case_id"], entry["count"], entry["head"]))
    signature = document.pop("signature")
    if not verifier.check(json_text(document).encode("utf-8"), signature):
        raise SignatureInvalid(
            "the anchors file's signature does not verify under the public key given: "
            "a wrong key, or the file was altered"
        )
    if store_id is not None and document["store"] != store_id:
        raise AnchorsMalformed(
            f"the anchors are for store {document['store']!r}, not this store ({store_id!r})"
        )
    return SignedHeads(document["store"], tuple(heads), str(document["public_key"]))


def trailer_payload(anchor: ChainHead) -> bytes:
    """The bytes an export trailer's signature signs."""
    return _TRAILER_PREFIX + json_text(
        {"case_id": anchor.case_id, "count": anchor.version, "head": anchor.head}
    ).encode("utf-8")


def sign_trailer(anchor: ChainHead, signer: Signer) -> str:
    """The signature of an export trailer (hex)."""
    return signer.sign(trailer_payload(anchor))


def unsigned_or_bad(
    anchors: Sequence[tuple[ChainHead, str | None]], verifier: Verifier
) -> list[str]:
    """The case ids whose trailer is unsigned or not signed by ``verifier``'s key."""
    return [
        anchor.case_id
        for anchor, signature in anchors
        if signature is None or not verifier.check(trailer_payload(anchor), signature)
    ]
