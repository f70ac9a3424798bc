"""The integrity and privacy commands: keygen, anchor, erase, retention, migrate, subject,
research-export; and the helpers ``verify`` and ``export`` use for keys and policies.

At the edge: these read and write files, read the wall clock and draw random keys.
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from mediation._cli_support import LANG_OPTION, CommandFailed, ExitCode, checked_language
from mediation.audit import DataPolicy, Signer, Verifier
from mediation.clocks import system_clock
from mediation.errors import MediationError
from mediation.i18n import translator
from mediation.store import (
    EventStore,
    anchor_store,
    apply_retention,
    erase,
    export_research,
    export_subject,
)

__all__ = ["INTEGRITY_COMMANDS", "data_policy_from", "signer_from", "verifier_from"]


def _said(error: BaseException, lang: str) -> str:
    """An error's message in ``lang`` (a library error through its catalog)."""
    return error.message_in(lang) if isinstance(error, MediationError) else str(error)


def _at(where: str, error: BaseException, lang: str) -> str:
    """``where: message`` as ``lang`` writes it (``where：message`` in Chinese)."""
    said = translator(lang).gettext("{where}: {message}")
    return said.format(where=where, message=_said(error, lang))


def data_policy_from(path: str | None, lang: str = "en") -> DataPolicy:
    """The data policy in the TOML file at ``path`` (the default policy when ``None``)."""
    if path is None:
        return DataPolicy()
    try:
        return DataPolicy.from_toml(Path(path).read_text(encoding="utf-8"))
    except (MediationError, OSError, UnicodeDecodeError) as error:
        raise click.ClickException(_at(path, error, lang)) from error


def signer_from(path: str | None, lang: str = "en") -> Signer | None:
    """The Ed25519 private key in the PEM file at ``path``, if given."""
    if path is None:
        return None
    try:
        return Signer(Path(path).read_bytes())
    except MediationError as error:  # not a private key: invalid input data
        raise CommandFailed(_at(path, error, lang), ExitCode.INVALID_INPUT) from error
    except OSError as error:
        raise click.ClickException(f"{path}: {error}") from error


def verifier_from(path: str, lang: str = "en") -> Verifier:
    try:
        return Verifier(Path(path).read_bytes())
    except MediationError as error:  # not a public key: invalid input data
        raise CommandFailed(_at(path, error, lang), ExitCode.INVALID_INPUT) from error
    except OSError as error:
        raise click.ClickException(f"{path}: {error}") from error


@contextmanager
def _open(location: str, *, migrate: bool = False, lang: str = "en") -> Iterator[EventStore]:
    """Open an existing SQL store (never create one)."""
    from mediation.store.sql import SQLStore  # here, not at the top: defers SQLAlchemy

    if "://" not in location and not Path(location).is_file():
        no_file = translator(lang).gettext("{location}: no such file")
        raise click.ClickException(no_file.format(location=location))
    try:
        store = SQLStore(location, create=False, migrate=migrate)
    except MediationError as error:
        raise click.ClickException(_at(location, error, lang)) from error
    try:
        yield store
    finally:
        store.close()


@click.command()
@click.option(
    "-o", "--out", required=True, type=click.Path(dir_okay=False), help="Private key file."
)
@LANG_OPTION
def keygen(out: str, lang: str) -> None:
    """Make an Ed25519 key pair for signed heads: OUT (private, PEM, mode 600) and
    OUT.pub (public, PEM). Keep the private key away from the store's writers."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    lang = checked_language(lang)
    _ = translator(lang).gettext
    key = ed25519.Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path = Path(out)
    if path.exists():
        raise click.ClickException(_("{path}: exists already; not overwritten").format(path=out))
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(private)
    Path(out + ".pub").write_bytes(Signer(private).public_pem())
    click.echo(_("wrote {path} (private) and {path}.pub (public)").format(path=out))


@click.command()
@click.argument("store")
@click.option("--key", "key_file", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--out", type=click.Path(dir_okay=False), help="Default: stdout.")
@LANG_OPTION
def anchor(store: str, key_file: str, out: str | None, lang: str) -> None:
    """Sign the head of every case in STORE with the private KEY: an anchors file to keep
    elsewhere. `mediation verify STORE --anchors FILE --public-key KEY.pub` later detects a
    rewritten, truncated or removed case."""
    lang = checked_language(lang)
    signer = signer_from(key_file, lang)
    assert signer is not None
    with _open(store, lang=lang) as opened:
        try:
            data = anchor_store(opened, signer)
        except MediationError as error:
            raise click.ClickException(error.message_in(lang)) from error
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        Path(out).write_bytes(data)
    signed = translator(lang).gettext("signed {count} case head(s)")
    click.echo(signed.format(count=data.count(b"case_id")), err=True)


@click.command(name="erase")
@click.argument("store")
@click.argument("case_id")
@click.option("--party", help="Erase everything this party said or that is about them.")
@click.option("--event", "seq", type=int, help="Erase content of this event (sequence number).")
@click.option("--field", "fields", multiple=True, help="With --event: only this field.")
@click.option("--actor", required=True, help="Who erases (recorded).")
@click.option("--role", required=True, help="The role erasing; the data policy must allow it.")
@click.option("--grounds", required=True, help="Under what: the request or rule (recorded).")
@click.option("--policy", "policy_file", type=click.Path(exists=True, dir_okay=False))
@LANG_OPTION
def erase_command(
    store: str,
    case_id: str,
    party: str | None,
    seq: int | None,
    fields: tuple[str, ...],
    actor: str,
    role: str,
    grounds: str,
    policy_file: str | None,
    lang: str,
) -> None:
    """Erase content of CASE_ID in STORE: the text and its salt go, an erasure event is
    recorded, and the chain still verifies (naming what was erased)."""
    lang = checked_language(lang)
    policy = data_policy_from(policy_file, lang)
    with _open(store, lang=lang) as opened:
        try:
            recorded = erase(
                opened,
                case_id,
                actor=actor,
                role=role,
                grounds=grounds,
                at=system_clock(),
                party=party,
                seq=seq,
                fields=fields or None,
                policy=policy,
            )
        except MediationError as error:
            raise click.ClickException(error.message_in(lang)) from error
        spans = recorded.envelope()["spans"]
    erased = translator(lang).gettext("erased {count} span(s) of {case}: {spans}")
    click.echo(erased.format(count=len(spans), case=case_id, spans=", ".join(spans)))


@click.group()
def retention() -> None:
    """Retention: erase content the data policy no longer lets you keep."""


@retention.command(name="apply")
@click.argument("store")
@click.option(
    "--policy", "policy_file", required=True, type=click.Path(exists=True, dir_okay=False)
)
@click.option("--dry-run", is_flag=True, help="Only list what is due.")
@click.option("--batch", "batch_size", default=100, show_default=True, type=click.IntRange(1))
@click.option("--actor", default="retention", show_default=True)
@LANG_OPTION
def retention_apply(
    store: str, policy_file: str, dry_run: bool, batch_size: int, actor: str, lang: str
) -> None:
    """Erase in STORE what the policy's retention rules make due now, in batches."""
    from rich.progress import Progress

    lang = checked_language(lang)
    _ = translator(lang).gettext
    policy = data_policy_from(policy_file, lang)
    with _open(store, lang=lang) as opened, Progress(transient=True) as bar:
        task = bar.add_task("retention", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            result = apply_retention(
                opened,
                policy,
                at=system_clock(),
                actor=actor,
                dry_run=dry_run,
                batch_size=batch_size,
                progress=advance,
            )
        except MediationError as error:
            raise click.ClickException(error.message_in(lang)) from error
    if lang == "en":
        verb = "due" if dry_run else "erased"
        for case_id, spans in result.cases.items():
            click.echo(f"{verb:7} {case_id}  {', '.join(spans)}")
        click.echo(f"{result.span_count} span(s) in {len(result.cases)} case(s) {verb}")
        return
    line = _("due     {case}  {spans}") if dry_run else _("erased  {case}  {spans}")
    for case_id, spans in result.cases.items():
        click.echo(line.format(case=case_id, spans=", ".join(spans)))
    total = (
        _("{spans} span(s) in {cases} case(s) due")
        if dry_run
        else _("{spans} span(s) in {cases} case(s) erased")
    )
    click.echo(total.format(spans=result.span_count, cases=len(result.cases)))


@click.command()
@click.argument("store")
@LANG_OPTION
def migrate(store: str, lang: str) -> None:
    """Migrate STORE from schema version 1 (unsalted) or 2 (names not committed) to
    version 3 (every personal value committed, so names can be erased too). Every chain
    is verified first; nothing changes if one is broken. Old heads no longer apply: sign
    new ones (`mediation anchor`)."""
    from mediation.store.sql import SCHEMA_VERSION

    lang = checked_language(lang)
    with _open(store, migrate=True, lang=lang) as opened:
        count = len(opened.cases())
    done = translator(lang).gettext("{store}: schema version {version} ({count} case(s))")
    click.echo(done.format(store=store, version=SCHEMA_VERSION, count=count))


@click.command()
@click.argument("store")
@click.argument("party_id")
@click.option(
    "--format", "form", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@LANG_OPTION
def subject(store: str, party_id: str, form: str, lang: str) -> None:
    """Everything STORE holds about PARTY_ID (subject access): readable or JSON. The
    readable form is in English; --lang sets the language of the messages."""
    lang = checked_language(lang)
    with _open(store, lang=lang) as opened:
        try:
            found = export_subject(opened, party_id)
        except MediationError as error:
            raise click.ClickException(error.message_in(lang)) from error
    click.echo(found.to_json() if form == "json" else found.to_text(), nl=form == "json")


@click.command(name="research-export")
@click.argument("store")
@click.option("-o", "--out", required=True, type=click.Path(dir_okay=False))
@click.option("--keep-text", is_flag=True, help="Keep what was said (ids still replaced).")
@LANG_OPTION
def research_export(store: str, out: str, keep_text: bool, lang: str) -> None:
    """Export the closed cases of STORE pseudonymised for research: ids replaced, text
    removed; the file verifies on its own (`mediation verify OUT`)."""
    lang = checked_language(lang)
    with _open(store, lang=lang) as opened, open(out, "wb") as stream:
        try:
            mapping = export_research(
                opened, stream, keep_text=keep_text, salts=secrets.token_bytes
            )
        except MediationError as error:
            raise click.ClickException(error.message_in(lang)) from error
    cases = sum(1 for value in mapping.values() if value.startswith("case-"))
    exported = translator(lang).gettext("exported {count} case(s) to {path}")
    click.echo(exported.format(count=cases, path=out))


INTEGRITY_COMMANDS = (
    keygen,
    anchor,
    erase_command,
    retention,
    migrate,
    subject,
    research_export,
)
"""The commands this module adds to ``mediation``."""
