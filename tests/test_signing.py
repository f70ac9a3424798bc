"""Signed heads and signed export trailers (mediation.audit.signing)."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from mediation import audit
from mediation.audit import Signer, Verifier
from mediation.cli import cli
from mediation.errors import AnchorsMalformed, SignatureInvalid
from mediation.store import InMemoryStore, anchor_store, export_store, verify_anchors
from mediation.store.sql import SQLStore
from mediation.testing import scripted_case


def _pem() -> bytes:
    key = ed25519.Ed25519PrivateKey.generate()
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _store() -> InMemoryStore:
    store = InMemoryStore()
    for case_id in ("a-1", "a-2"):
        case = scripted_case(case_id)
        store.append(case.case_id, case.events, 0)
    return store


def test_anchors_round_trip_and_name_the_store() -> None:
    store = _store()
    signer = Signer(_pem())
    data = anchor_store(store, signer)
    document = json.loads(data)
    assert document["store"] == store.store_id and document["public_key"] == signer.public_key
    signed = audit.read_anchors(data, Verifier(signer.public_pem()), store_id=store.store_id)
    assert [(h.case_id, h.version) for h in signed.heads] == [("a-1", 38), ("a-2", 38)]


def test_bad_input_is_refused_with_typed_errors() -> None:
    store = _store()
    signer = Signer(_pem())
    data = anchor_store(store, signer)
    right = Verifier(signer.public_pem())
    wrong = Verifier(Signer(_pem()).public_pem())
    with pytest.raises(SignatureInvalid):
        verify_anchors(store, data, wrong)
    altered = data.replace(b'"count":38', b'"count":30', 1)
    with pytest.raises(SignatureInvalid):
        verify_anchors(store, altered, right)
    for malformed in (b"", b"not json", b"[]", b'{"format":"other"}', data[:-20]):
        with pytest.raises(AnchorsMalformed):
            verify_anchors(store, malformed, right)
    with pytest.raises(AnchorsMalformed, match="not this store"):
        verify_anchors(_store(), data, right)
    with pytest.raises(AnchorsMalformed):
        Verifier(b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    with pytest.raises(AnchorsMalformed):
        Signer(signer.public_pem())


def test_a_signed_export_requires_valid_trailers() -> None:
    store = _store()
    signer = Signer(_pem())
    verifier = Verifier(signer.public_pem())
    out = io.BytesIO()
    export_store(store, out, signer=signer)
    data = out.getvalue()
    assert data.count(b'"signature":"') == 2
    assert all(r.ok for r in audit.verify_export(io.BytesIO(data), verifier=verifier))
    assert all(r.ok for r in audit.verify_export(io.BytesIO(data)))  # without a key: the chain
    wrong = Verifier(Signer(_pem()).public_pem())
    assert [
        r.broken.code for r in audit.verify_export(io.BytesIO(data), verifier=wrong) if r.broken
    ] == [
        "unsigned",
        "unsigned",
    ]
    plain = io.BytesIO()
    export_store(store, plain)
    results = audit.verify_export(io.BytesIO(plain.getvalue()), verifier=verifier)
    assert [r.broken.code for r in results if r.broken] == ["unsigned", "unsigned"]


def test_keygen_anchor_and_verify_through_the_cli(tmp_path: Path) -> None:
    path = tmp_path / "cases.db"
    with SQLStore(path) as store:
        for case_id in ("a-1", "a-2"):
            case = scripted_case(case_id)
            store.append(case.case_id, case.events, 0)
    runner = CliRunner()
    key = tmp_path / "office.key"
    assert runner.invoke(cli, ["keygen", "-o", str(key)]).exit_code == 0
    assert (key.stat().st_mode & 0o777) == 0o600
    assert runner.invoke(cli, ["keygen", "-o", str(key)]).exit_code == 1  # never overwrites
    anchors = tmp_path / "heads.json"
    done = runner.invoke(cli, ["anchor", str(path), "--key", str(key), "-o", str(anchors)])
    assert done.exit_code == 0, done.output
    public = str(key) + ".pub"
    ok = runner.invoke(
        cli, ["verify", str(path), "--anchors", str(anchors), "--public-key", public]
    )
    assert ok.exit_code == 0 and ok.output.count("ok ") == 2
    exported = tmp_path / "export.jsonl"
    result = runner.invoke(
        cli, ["export", str(path), "a-1", "-o", str(exported), "--key", str(key)]
    )
    assert result.exit_code == 0, result.output
    signed = runner.invoke(cli, ["verify", str(exported), "--public-key", public])
    assert signed.exit_code == 0, signed.output
    dropped = runner.invoke(
        cli, ["verify", str(exported), "--anchors", str(anchors), "--public-key", public]
    )
    assert dropped.exit_code == 1 and "[dropped]" in dropped.output
    other = tmp_path / "other.key"
    runner.invoke(cli, ["keygen", "-o", str(other)])
    wrong = runner.invoke(
        cli, ["verify", str(path), "--anchors", str(anchors), "--public-key", str(other) + ".pub"]
    )
    assert wrong.exit_code == 1 and "signature" in wrong.output
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    malformed = runner.invoke(
        cli, ["verify", str(path), "--anchors", str(bad), "--public-key", public]
    )
    assert malformed.exit_code == 4 and "anchors file" in malformed.output  # invalid input
    assert runner.invoke(cli, ["verify", str(path), "--anchors", str(anchors)]).exit_code == 1


def test_refused_anchors_through_the_cli_write_nothing(tmp_path: Path) -> None:
    """A key file that is not a private key, and anchors of another store: typed errors
    (exit 4, or 1 for a failed check), no anchors file written."""
    path = tmp_path / "cases.db"
    other_path = tmp_path / "other.db"
    for where in (path, other_path):
        with SQLStore(where) as store:
            case = scripted_case("a-1")
            store.append(case.case_id, case.events, 0)
    runner = CliRunner()
    key = tmp_path / "office.key"
    assert runner.invoke(cli, ["keygen", "-o", str(key)]).exit_code == 0
    anchors = tmp_path / "heads.json"
    for bad_key in (str(key) + ".pub", str(path)):  # a public key; not a key at all
        refused = runner.invoke(cli, ["anchor", str(path), "--key", bad_key, "-o", str(anchors)])
        assert refused.exit_code == 4, refused.output
        assert not anchors.exists()
    done = runner.invoke(cli, ["anchor", str(path), "--key", str(key), "-o", str(anchors)])
    assert done.exit_code == 0, done.output
    elsewhere = runner.invoke(
        cli,
        ["verify", str(other_path), "--anchors", str(anchors), "--public-key", str(key) + ".pub"],
    )
    assert elsewhere.exit_code != 0 and "not this store" in elsewhere.output


# -- the documented form, and every malformed file (issue 19) --------------------------------


def _signed(signer: Signer, document: dict[str, object]) -> bytes:
    """``document`` with a valid signature: only its form can make it malformed."""
    from mediation._canonical import json_text

    signed = {**document, "public_key": signer.public_key}
    signed["signature"] = signer.sign(json_text(signed).encode("utf-8"))
    return json_text(signed).encode("utf-8") + b"\n"


def _document(heads: list[object]) -> dict[str, object]:
    return {"format": "mediation-anchors", "heads": heads, "store": "s-1", "version": 1}


def test_an_anchors_file_is_exactly_the_documented_form() -> None:
    signer = Signer(_pem())
    heads = [audit.ChainHead("b", 2, "ab" * 32), audit.ChainHead("a", 0, audit.genesis("a"))]
    data = audit.sign_heads("s-1", heads, signer)
    assert data == _signed(
        signer,
        _document(
            [
                {"case_id": "a", "count": 0, "head": audit.genesis("a")},
                {"case_id": "b", "count": 2, "head": "ab" * 32},
            ]
        ),
    )
    assert data.startswith(b'{"format":"mediation-anchors","heads":[{"case_id":"a","count":0,')
    assert b'"store":"s-1","version":1}\n' in data
    verifier = Verifier(signer.public_pem())
    signed = audit.read_anchors(data, verifier)  # no store named: any store's anchors
    assert signed == audit.SignedHeads("s-1", (heads[1], heads[0]), signer.public_key)
    payload = json.loads(data)
    del payload["signature"]
    from mediation._canonical import json_text

    assert verifier.check(json_text(payload).encode(), json.loads(data)["signature"])


@pytest.mark.parametrize(
    "head",
    [
        "not a table",
        {"case_id": "a", "count": 1},
        {"case_id": "a", "count": 1, "head": "ab" * 32, "extra": 1},
        {"case_id": 7, "count": 1, "head": "ab" * 32},
        {"case_id": "a", "count": True, "head": "ab" * 32},
        {"case_id": "a", "count": "1", "head": "ab" * 32},
        {"case_id": "a", "count": -1, "head": "ab" * 32},
        {"case_id": "a", "count": 1, "head": 7},
    ],
)
def test_a_signed_file_with_a_malformed_head_is_refused(head: object) -> None:
    signer = Signer(_pem())
    good = {"case_id": "z", "count": 3, "head": "cd" * 32}
    data = _signed(signer, _document([good, head]))
    with pytest.raises(AnchorsMalformed, match="malformed head"):
        audit.read_anchors(data, Verifier(signer.public_pem()))


@pytest.mark.parametrize(
    "change",
    [
        {"version": 2},
        {"version": 0},
        {"format": "mediation-events"},
        {"store": 7},
        {"heads": {"case_id": "a"}},
        {"extra": 1},
    ],
)
def test_a_signed_file_not_of_the_documented_form_is_refused(change: dict[str, object]) -> None:
    signer = Signer(_pem())
    data = _signed(signer, {**_document([]), **change})
    with pytest.raises(AnchorsMalformed, match="not a mediation anchors file"):
        audit.read_anchors(data, Verifier(signer.public_pem()))


def test_an_unsigned_or_non_text_signature_is_refused() -> None:
    signer = Signer(_pem())
    data = json.loads(_signed(signer, _document([])))
    for signature in (7, None):
        data["signature"] = signature
        with pytest.raises(AnchorsMalformed):
            audit.read_anchors(json.dumps(data).encode(), Verifier(signer.public_pem()))
    data["signature"] = "zz"  # not hex: a signature that does not verify
    with pytest.raises(SignatureInvalid):
        audit.read_anchors(json.dumps(data).encode(), Verifier(signer.public_pem()))


def test_keys_of_another_kind_than_ed25519_are_refused() -> None:
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(AnchorsMalformed, match="private key is not an Ed25519 key"):
        Signer(private)
    with pytest.raises(AnchorsMalformed, match="public key is not an Ed25519 key"):
        Verifier(public)
    with pytest.raises(AnchorsMalformed, match="not a PEM private key"):
        Signer(b"not a key")


def test_signing_without_cryptography_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mediation.errors import MissingExtra

    monkeypatch.setitem(sys.modules, "cryptography.hazmat.primitives", None)
    with pytest.raises(MissingExtra, match=r"mediation\[signing\]"):
        Signer(_pem())


def test_a_trailer_signature_signs_the_documented_payload() -> None:
    signer = Signer(_pem())
    verifier = Verifier(signer.public_pem())
    anchor = audit.ChainHead("a-1", 3, "ab" * 32)
    signature = audit.sign_trailer(anchor, signer)
    payload = b'mediation-export-head-v1:{"case_id":"a-1","count":3,"head":"' + b"ab" * 32 + b'"}'
    assert verifier.check(payload, signature)
    assert not verifier.check(payload.replace(b"3", b"4", 1), signature)
    assert not verifier.check(payload, "not hex")
