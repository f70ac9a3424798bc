"""The ``mediation`` command line: demo, diagram, casefile, simulate, verify, export,
import, report, fairness.

This module is at the edge: it may print, configure logging for its own process, and
read the wall clock; the library's core does none of these. Every failure ends in one
line on stderr and a documented exit code (see :class:`mediation._cli_support.ExitCode`).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import click
from rich.console import Console

from mediation import audit
from mediation import diagram as drawing
from mediation._cli_integrity import (
    INTEGRITY_COMMANDS,
    data_policy_from,
    signer_from,
    verifier_from,
)
from mediation._cli_simulate import simulate
from mediation._cli_support import (
    EXIT_CODES_HELP,
    LANG_OPTION,
    CommandFailed,
    MediationGroup,
    atomic_output,
    check_output_path,
    checked_language,
    failure,
)
from mediation.case import DEFAULT_PROCESS, Mediation
from mediation.casefile import render_casefile, write_casefile
from mediation.clocks import system_clock
from mediation.demo import non_mediable_case, strict_handover, workplace_dispute
from mediation.errors import ConcurrencyError, InvalidInput, MediationError, chain_break_in
from mediation.i18n import Term, translator
from mediation.neutrality import neutrality_report
from mediation.store import (
    EventStore,
    Repository,
    export_store,
    import_export,
    verify_anchors,
    verify_case,
)

__all__ = ["cli", "main"]


@click.group(cls=MediationGroup, epilog=EXIT_CODES_HELP)
@click.version_option(package_name="mediation")
def cli() -> None:
    """Conflict mediation workflows: auditable, neutral by construction.

    Commands that read a store (verify, export, report, fairness) never create one;
    SQLite files are opened read-only. Errors are one line on stderr; set
    MEDIATION_LOG_LEVEL (e.g. INFO) to see the library's log on stderr."""


DEMO_STORE = "mediation-demo.sqlite"
"""The SQLite file ``mediation demo`` saves its cases to (in the current directory)."""

_DEMO_CASES = frozenset({"workload-2026-03", "conduct-2026-03"})


def _fresh_demo_store(path: Path, lang: str = "en") -> None:
    """Make room for the demo's store: remove an earlier demo store, refuse anything else."""
    from mediation.store.sql import SQLStore  # here, not at the top: defers SQLAlchemy

    _ = translator(lang).gettext
    if not path.exists():
        return
    if not path.is_file() or not _is_sqlite_file(path):
        raise click.ClickException(
            _("{path} exists and is not a demo store; choose --store").format(path=path)
        )
    with SQLStore(str(path), create=False) as old:
        held = {summary.case_id for summary in old.cases()}
    if not held <= _DEMO_CASES:
        raise click.ClickException(
            _("{path} holds other cases than the demo's; choose --store").format(path=path)
        )
    path.unlink()


@cli.command()
@click.option(
    "--store",
    "store_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEMO_STORE,
    show_default=True,
    help="SQLite file to save the demo's cases to (an earlier demo store is replaced).",
)
@click.option(
    "--casefile/--no-casefile",
    default=True,
    show_default=True,
    help="Write the settled case's file (HTML, en and zh) next to the store.",
)
@click.option(
    "--lang",
    default="en",
    show_default=True,
    help="Language of the story (narration and script): en or zh.",
)
def demo(store_path: Path, casefile: bool, lang: str) -> None:
    """Run a realistic workplace dispute end to end, then a mandatory escalation; save
    both cases to a SQLite file and write the first one's case file."""

    from mediation.store.sql import SQLStore  # here, not at the top: defers SQLAlchemy

    lang = _check_lang(lang)
    _ = translator(lang).gettext
    if not store_path.parent.is_dir():
        raise click.ClickException(_("{path}: directory does not exist").format(path=store_path))
    _fresh_demo_store(store_path, lang)
    console = Console(highlight=False, soft_wrap=True)

    def ended(case: Mediation) -> str:
        assert case.outcome is not None
        return "   " + translator(lang).ngettext(
            "{count} event recorded; outcome: {outcome}",
            "{count} events recorded; outcome: {outcome}",
            case.version,
        ).format(count=case.version, outcome=Term(case.outcome.value).localized(lang))

    console.print(
        "[bold]1. " + _("A workload dispute between a department head and an analyst") + "[/bold]"
    )
    case = workplace_dispute(console.print, lang)
    console.print(ended(case) + "\n")
    console.print("[bold]2. " + _("Screening finds a non-mediable issue") + "[/bold]")
    escalated = non_mediable_case(console.print, lang)
    console.print(ended(escalated) + "\n")
    console.print(
        "[bold]3. " + _("A strict policy: the secretary hands over (不能越位)") + "[/bold]"
    )
    handed = strict_handover(console.print, lang)
    moved = translator(lang).ngettext(
        "{count} event recorded; now in {stage}",
        "{count} events recorded; now in {stage}",
        handed.version,
    )
    stage = Term(handed.stage).localized(lang)
    console.print("   " + moved.format(count=handed.version, stage=stage) + "\n")
    written: list[Path] = []
    with SQLStore(str(store_path)) as store:
        repository = Repository(store, clock=system_clock)
        for saved in (case, escalated):
            repository.save(saved, expected_version=0)
        if casefile:
            for file_lang in ("en", "zh"):
                target = store_path.parent / f"{case.case_id}.{file_lang}.html"
                written.append(write_casefile(repository, case.case_id, target, lang=file_lang))
    console.print("[bold]4. " + _("Saved") + "[/bold]")
    console.print("   " + _("Both cases are in {store}.").format(store=store_path))
    for path in written:
        console.print("   " + _("Case file: {path}").format(path=path))
    store_arg = str(store_path)
    in_lang = "" if lang == "en" else f" --lang {lang}"
    console.print("\n[bold]" + _("Try next") + "[/bold]")
    for command, what in (
        (f"mediation report {store_arg} {case.case_id}{in_lang}", _("the neutrality report")),
        (f"mediation verify {store_arg}", _("check both audit chains")),
        (
            f"mediation casefile {store_arg} {case.case_id} --for hr-lead --lang zh "
            f"--out {case.case_id}.hr-lead.zh.html",
            _("the case file as the HR supervisor may see it, in Chinese"),
        ),
        (
            f"mediation export {store_arg} {case.case_id} --for zhao",
            _("an export for one party, still verifiable"),
        ),
        (
            f"mediation diagram --format svg{in_lang} --out process.svg",
            _("the process as a picture"),
        ),
    ):
        console.print(f"   {command}")
        console.print(f"      [dim]{what}[/dim]")


_LANG = click.option(
    "--lang",
    default="en",
    show_default=True,
    help="Language of the labels: en or zh.",
)


_check_lang = checked_language


def _check_output(out: str | None, lang: str = "en") -> Path | None:
    """The output path, refused (before any work) when its directory does not exist."""
    if out is None:
        return None
    path = Path(out)
    check_output_path(path, "'-o' / '--out'", lang)
    return path


def _emit(data: bytes, path: Path | None, what: str, lang: str = "en") -> None:
    if path is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        with atomic_output(path) as stream:
            stream.write(data)
        wrote = translator(lang).gettext("wrote {what} to {path}")
        click.echo(wrote.format(what=what, path=path), err=True)


@cli.command()
@click.option(
    "--format",
    "image_format",
    type=click.Choice(["mermaid", "dot", "svg", "png"]),
    default="mermaid",
    show_default=True,
    help="mermaid or dot text (no dependency), or an SVG/PNG drawn by Graphviz "
    "(needs the diagrams extra and Graphviz's dot program).",
)
@_LANG
@click.option(
    "-o", "--out", type=click.Path(dir_okay=False), help="File to write (default: stdout)."
)
def diagram(image_format: str, lang: str, out: str | None) -> None:
    """Draw the default process: its stages and the moves between them."""

    lang = _check_lang(lang)
    _ = translator(lang).gettext
    path = _check_output(out, lang)
    if image_format == "png" and path is None and sys.stdout.isatty():
        raise click.UsageError(_("a PNG is binary: give --out FILE or redirect stdout"))
    definition = DEFAULT_PROCESS.definition
    if image_format == "mermaid":
        data = drawing.mermaid(definition, lang=lang).encode("utf-8")
    elif image_format == "dot":
        data = drawing.dot(definition, lang=lang).encode("utf-8")
    else:
        try:
            data = drawing.render(definition, "svg" if image_format == "svg" else "png", lang=lang)
        except MediationError as error:
            raise click.ClickException(error.message_in(lang)) from None
    _emit(data, path, _("the {format} diagram").format(format=image_format), lang)


_SQLITE_MAGIC = b"SQLite format 3\x00"


def _is_sqlite_file(path: Path) -> bool:
    with path.open("rb") as stream:
        return stream.read(len(_SQLITE_MAGIC)) == _SQLITE_MAGIC


@contextmanager
def _store(location: str, *, read_only: bool = True, lang: str = "en") -> Iterator[EventStore]:
    """Open an existing store (never create one) from a path or URL."""
    from mediation.store.sql import SQLStore  # here, not at the top: defers SQLAlchemy

    try:
        store = SQLStore(location, create=False, read_only=read_only)
    except InvalidInput as error:  # not a URL, or an unknown kind of database
        raise click.BadParameter(error.message_in(lang), param_hint="SOURCE") from None
    try:
        yield store
    finally:
        store.close()


def _report(results: tuple[audit.Verification, ...], lang: str = "en") -> None:
    _ = translator(lang).gettext
    broken = 0
    for result in results:
        if result.broken is None:
            line = _("ok      {case}  {count} events  head {head}")
            click.echo(line.format(case=result.case_id, count=result.count, head=result.head))
            for span in result.erased:
                click.echo(f"        {span}")
        else:
            broken += 1
            if lang == "en":
                where = f" at event {result.broken.seq}" if result.broken.seq is not None else ""
                click.echo(
                    f"BROKEN  {result.case_id or '?'}{where} [{result.broken.code}]: "
                    f"{result.broken.message}"
                )
            else:
                told = chain_break_in(
                    lang, result.broken.code, result.broken.seq, result.broken.message
                )
                click.echo(
                    _("BROKEN  {case}: {what}").format(case=result.case_id or "?", what=told)
                )
    if broken:
        raise SystemExit(1)


@cli.command()
@click.argument("source")
@click.argument("case_id", required=False)
@click.option("--deep/--shallow", default=True, help="Also decode and re-encode every event.")
@click.option(
    "--anchors",
    type=click.Path(exists=True, dir_okay=False),
    help="Signed heads (from `mediation anchor`) the chains must pass through.",
)
@click.option(
    "--public-key",
    type=click.Path(exists=True, dir_okay=False),
    help="Public key (PEM) the anchors or the export's trailers are signed with.",
)
@LANG_OPTION
def verify(
    source: str,
    case_id: str | None,
    deep: bool,
    anchors: str | None,
    public_key: str | None,
    lang: str,
) -> None:
    """Verify audit hash chains in SOURCE: an export file (JSON Lines), a SQLite store
    file, or a database URL. Checks CASE_ID only, when given. Exits 1 if a chain is
    broken and says where. With --anchors and --public-key, also checks the chains
    against signed heads kept elsewhere: a rewritten, truncated or removed case shows."""
    lang = _check_lang(lang)
    _ = translator(lang).gettext
    if anchors is not None and public_key is None:
        raise click.ClickException(_("--anchors needs --public-key"))
    verifier = verifier_from(public_key, lang) if public_key is not None else None
    anchors_data = Path(anchors).read_bytes() if anchors is not None else None
    path = Path(source)
    if path.is_file() and not _is_sqlite_file(path):
        with path.open("rb") as stream:
            if anchors_data is not None and verifier is not None:
                signed = audit.read_anchors(anchors_data, verifier)
                results = audit.verify_export_anchored(stream, signed, deep=deep)
            else:
                results = audit.verify_export(stream, deep=deep, verifier=verifier)
        if case_id is not None:
            results = tuple(r for r in results if r.case_id == case_id)
            if not results:
                missing = _("no case {case} in {source}")
                raise CommandFailed(missing.format(case=repr(case_id), source=source))
        _report(results, lang)
        return
    with _store(source, lang=lang) as store:
        ids = [case_id] if case_id is not None else [s.case_id for s in store.cases()]
        if anchors_data is not None and verifier is not None:
            results = verify_anchors(store, anchors_data, verifier, deep=deep)
            if case_id is not None:
                results = tuple(r for r in results if r.case_id == case_id)
        else:
            results = tuple(verify_case(store, one, deep=deep) for one in ids)
    _report(results, lang)


@cli.command()
@click.argument("source")
@click.argument("case_ids", nargs=-1)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="File to write (default: stdout)."
)
@click.option("--reader", help="Record this reader in the store's read log.")
@click.option("--role", help="The reader's role, when not a participant (see --policy).")
@click.option(
    "--policy",
    "policy_file",
    type=click.Path(exists=True, dir_okay=False),
    help="Data policy TOML: the roles that may read cases they take no part in.",
)
@click.option(
    "--for",
    "for_reader",
    help="Export as this party, mediator or supervisor may see it: what they may not see "
    "is left out (its salted commitment kept, so the export still verifies).",
)
@click.option("--allow-broken", is_flag=True, help="Export even a chain that does not verify.")
@click.option(
    "--key",
    "key_file",
    type=click.Path(exists=True, dir_okay=False),
    help="Ed25519 private key (PEM): sign each case's trailer.",
)
@LANG_OPTION
def export(
    source: str,
    case_ids: tuple[str, ...],
    output: str | None,
    reader: str | None,
    role: str | None,
    policy_file: str | None,
    for_reader: str | None,
    allow_broken: bool,
    key_file: str | None,
    lang: str,
) -> None:
    """Export cases of the store at SOURCE (a SQLite file or a database URL) as JSON Lines
    that `mediation verify` (or an auditor without Python) can check. Every case when
    no CASE_IDS are given. A full export holds everything, caucus notes included: keep it
    as you keep the store; give people `--for` exports."""
    lang = _check_lang(lang)
    target = Path(output) if output is not None else None
    check_output_path(target, "'-o' / '--output'", lang)
    # Recording a reader writes to the store's read log; otherwise the store is only read.
    logs_reads = reader is not None or for_reader is not None
    with _store(source, read_only=not logs_reads, lang=lang) as store:
        ids = list(case_ids) or [summary.case_id for summary in store.cases()]
        policy = data_policy_from(policy_file, lang)
        repository = Repository(store, clock=system_clock, policy=policy)
        signer = signer_from(key_file, lang)

        def write(out: IO[bytes]) -> None:
            if for_reader is not None:
                repository.export_for(out, ids, reader=reader or for_reader, signer=signer)
            elif reader is not None and not allow_broken:
                repository.export(out, ids, reader=reader, role=role, signer=signer)
            else:
                export_store(store, out, ids, allow_broken=allow_broken, signer=signer)

        if target is None:
            write(sys.stdout.buffer)
            sys.stdout.buffer.flush()
        else:
            with atomic_output(target) as out:
                write(out)
    exported = translator(lang).gettext("exported {count} case(s)")
    click.echo(exported.format(count=len(ids)), err=True)


_SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")
"""The files SQLite keeps next to a database file while it is open."""


@cli.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.argument("target")
@LANG_OPTION
def import_(file: str, target: str, lang: str) -> None:
    """Import an export FILE into the store at TARGET (a SQLite file, created if missing,
    or a database URL). Every chain is verified first; nothing is stored if one breaks."""
    from mediation.store.sql import SQLStore  # here, not at the top: defers SQLAlchemy

    lang = _check_lang(lang)
    _ = translator(lang).gettext
    with open(file, "rb") as stream:
        results = audit.verify_export(stream)
    if not all(result.ok for result in results):
        _report(results, lang)  # exits 1 before the target is even opened
    # A refused import leaves no trace: a SQLite file it created is removed again.
    created = None if "://" in target or Path(target).exists() else Path(target)
    try:
        store = SQLStore(target)
    except InvalidInput as error:  # not a URL, or an unknown kind of database
        raise click.BadParameter(error.message_in(lang), param_hint="TARGET") from None
    try:
        with store, open(file, "rb") as stream:
            heads = import_export(stream, store)
    except ConcurrencyError as error:
        already = _(
            "{target}: a case of the file is already in the store ({error}); nothing was imported"
        )
        raise CommandFailed(already.format(target=target, error=error.message_in(lang))) from None
    except BaseException:
        if created is not None:
            for leftover in (created, *(Path(f"{created}{end}") for end in _SQLITE_SIDE_FILES)):
                leftover.unlink(missing_ok=True)
        raise
    for head in heads:
        imported = _("imported {case}  {count} events  head {head}")
        click.echo(imported.format(case=head.case_id, count=head.version, head=head.head))


@cli.command()
@click.argument("source")
@click.argument("case_id")
@click.option(
    "--lang",
    default="en",
    show_default=True,
    help="Language of the report: en or zh.",
)
def report(source: str, case_id: str, lang: str) -> None:
    """Print the neutrality report of CASE_ID in the store at SOURCE, as Markdown.

    The report carries per-party figures, findings and the verdict; never statement
    text or caucus content. Cases of a custom process need a host script instead.
    """
    lang = _check_lang(lang)
    with _store(source, lang=lang) as store:
        events = store.load(case_id)
        case = Mediation.replay(events, clock=system_clock)
    click.echo(neutrality_report(case).to_markdown(lang=lang), nl=False)


@cli.command()
@click.argument("source")
@click.argument("case_id")
@click.option(
    "--format",
    "file_format",
    type=click.Choice(["html", "md"]),
    default="html",
    show_default=True,
    help="A self-contained, printable HTML page, or Markdown.",
)
@click.option(
    "--for",
    "for_reader",
    help="Prepare it for this party, mediator or supervisor: what they may not see is "
    "withheld, as in `export --for`. Without it: the full record.",
)
@_LANG
@click.option(
    "-o", "--out", type=click.Path(dir_okay=False), help="File to write (default: stdout)."
)
def casefile(
    source: str, case_id: str, file_format: str, for_reader: str | None, lang: str, out: str | None
) -> None:
    """Write the case file of CASE_ID in the store at SOURCE (a SQLite file or a database
    URL): parties, the path through the stages, a timeline, per-party charts, findings,
    the agreement, escalations and whether the audit chain verifies.

    Charts need the charts extra and the diagram the diagrams extra; without them the
    file has tables and a list instead, and says what to install.
    """
    lang = _check_lang(lang)
    path = _check_output(out, lang)
    # A reader's view is recorded in the store's read log: only then is the store written.
    with _store(source, read_only=for_reader is None, lang=lang) as store:
        try:
            text = render_casefile(
                Repository(store, clock=system_clock),
                case_id,
                file_format=file_format,
                reader=for_reader,
                lang=lang,
            )
        except MediationError as error:
            raise click.ClickException(failure(error, lang).message) from None
    _emit(text.encode("utf-8"), path, translator(lang).gettext("the case file"), lang)


cli.add_command(simulate)
for _command in INTEGRITY_COMMANDS:
    cli.add_command(_command)


def _register_fairness() -> None:
    from mediation._cli_fairness import fairness

    cli.add_command(fairness)


_register_fairness()


def _configure_logging() -> None:
    """The command's own log output: stderr (stdout carries the commands' output, e.g. an
    export), at the level MEDIATION_LOG_LEVEL names (default ERROR: the commands report
    problems themselves)."""
    name = os.environ.get("MEDIATION_LOG_LEVEL", "ERROR").strip().upper()
    level = logging.getLevelName(name)
    logging.basicConfig(
        stream=sys.stderr,
        level=level if isinstance(level, int) else logging.ERROR,
        format="mediation: %(levelname)s %(name)s: %(message)s",
    )


def main() -> None:
    """Entry point of the ``mediation`` console script."""
    # A command-line program is an application: it may choose its own log output.
    _configure_logging()
    cli()
