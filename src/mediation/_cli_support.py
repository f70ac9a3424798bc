"""What every ``mediation`` command shares: exit codes, one-line errors, safe output.

Every failure ends in one line on stderr (``Error: ...``) and one of the exit codes below,
never a Python traceback (set ``MEDIATION_TRACEBACK=1`` to see one while debugging).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from enum import IntEnum
from pathlib import Path
from typing import IO, Any

import click

from mediation.errors import (
    InvalidInput,
    MediationError,
    SchemaVersionError,
    StoreUnavailable,
)
from mediation.i18n import LANGUAGES, check_language, translator

__all__ = [
    "EXIT_CODES_HELP",
    "LANG_OPTION",
    "CommandFailed",
    "ExitCode",
    "MediationGroup",
    "atomic_output",
    "check_output_path",
    "checked_language",
    "failure",
]


class ExitCode(IntEnum):
    """The exit codes of the ``mediation`` command."""

    OK = 0
    """The command did what was asked (and every chain verified)."""
    FAILED = 1
    """A check failed (a broken chain) or the command was refused (no such case, a case
    already in the target store, an export for a reader who may not read)."""
    USAGE = 2
    """Bad arguments or options: an unknown command or option, a missing input file, an
    output into a missing directory, a URL of an unknown kind of database."""
    STORE_UNAVAILABLE = 3
    """The store cannot be used: no such store file (reading commands never create one),
    not a database, no mediation schema (or a newer one), unreachable or locked."""
    INVALID_INPUT = 4
    """The input data is invalid: a scenario or policy with a wrong type, unknown key or
    bad value, or too deeply nested."""
    INTERRUPTED = 130
    """Interrupted (Ctrl-C)."""


EXIT_CODES_HELP = (
    "Exit codes: 0 ok; 1 a check failed or the command was refused; 2 usage error; "
    "3 store unavailable; 4 invalid input data; 130 interrupted."
)


class CommandFailed(click.ClickException):
    """A failure reported as one line with a chosen exit code.

    Args:
        message: What went wrong (newlines are folded into one line).
        exit_code: One of :class:`ExitCode`.
    """

    def __init__(
        self, message: str, exit_code: ExitCode = ExitCode.FAILED, lang: str = "en"
    ) -> None:
        super().__init__(" ".join(str(message).split()))
        self.exit_code = int(exit_code)  # type: ignore[misc]  # one class, many codes
        self.lang = lang

    def show(self, file: IO[Any] | None = None) -> None:
        """Print ``Error: ...`` (in the command's language) on stderr.

        Args:
            file: Where to print instead of stderr.
        """
        said = translator(self.lang).gettext("Error: {message}")
        click.echo(said.format(message=self.format_message()), file=file, err=file is None)


def failure(error: BaseException, lang: str = "en") -> CommandFailed:
    """The one-line failure for a library or system error.

    Args:
        error: What a command raised.
        lang: The language the command was asked to speak (``--lang``): the library's
            errors are told in it (:meth:`~mediation.errors.MediationError.message_in`).

    Returns:
        The failure to raise, with the exit code documented for its kind.
    """
    if isinstance(error, (StoreUnavailable, SchemaVersionError)):
        return CommandFailed(error.message_in(lang), ExitCode.STORE_UNAVAILABLE, lang)
    if isinstance(error, InvalidInput):
        return CommandFailed(error.message_in(lang), ExitCode.INVALID_INPUT, lang)
    if isinstance(error, MediationError):  # a refusal, no such case, a broken chain...
        return CommandFailed(error.message_in(lang), ExitCode.FAILED, lang)
    if isinstance(error, OSError):
        where = f"{error.filename}: " if error.filename else ""
        return CommandFailed(f"{where}{error.strerror or error}", ExitCode.FAILED, lang)
    return CommandFailed(
        f"internal error ({type(error).__name__}: {error}); this is a bug, please report it "
        "(MEDIATION_TRACEBACK=1 shows the traceback)",
        ExitCode.FAILED,
    )


class MediationGroup(click.Group):
    """A command group whose commands end every failure in one line and a documented code."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command, turning any error into :class:`CommandFailed` (in the
        command's ``--lang``, for the errors that have a translation)."""
        lang = _asked_language(ctx.args)
        try:
            return super().invoke(ctx)
        except click.UsageError:
            raise
        except click.ClickException as error:
            if isinstance(error, CommandFailed):
                error.lang = lang
                raise
            if lang == "en":
                raise
            # A command's own one-line failure, told with the command's "Error:" word.
            raise CommandFailed(error.message, ExitCode(error.exit_code), lang) from None
        except (click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            interrupted = translator(lang).gettext("interrupted")
            raise CommandFailed(interrupted, ExitCode.INTERRUPTED, lang) from None
        except Exception as error:
            if os.environ.get("MEDIATION_TRACEBACK"):
                raise
            raise failure(error, lang) from error


def _asked_language(args: list[str]) -> str:
    """The ``--lang`` of a command line when it names a known language, else English."""
    for index, arg in enumerate(args):
        value = args[index + 1] if arg == "--lang" and index + 1 < len(args) else None
        if arg.startswith("--lang="):
            value = arg.removeprefix("--lang=")
        if value in LANGUAGES:
            return value
    return "en"


LANG_OPTION = click.option(
    "--lang",
    default="en",
    show_default=True,
    help="Language of the output and of the messages: en or zh.",
)
"""The ``--lang`` option every command takes."""


def checked_language(lang: str) -> str:
    """``lang`` if the library speaks it, else a usage error (exit 2) naming the known
    languages, raised before the command does anything.

    Args:
        lang: The ``--lang`` value.

    Returns:
        The same code.

    Raises:
        click.BadParameter: an unknown language.
    """
    try:
        return check_language(lang)
    except MediationError as error:
        raise click.BadParameter(str(error), param_hint="'--lang'") from None


def check_output_path(path: Path | None, option: str, lang: str = "en") -> None:
    """Refuse, before anything runs, an output file whose directory does not exist.

    Args:
        path: The file to be written (``None``: nothing to check).
        option: The option's name, for the message.
        lang: The language of the message.

    Raises:
        click.BadParameter: the directory is missing, or the path is a directory.
    """
    if path is None:
        return
    _ = translator(lang).gettext
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        missing = _("directory {path} does not exist").format(path=repr(str(parent)))
        raise click.BadParameter(missing, param_hint=option)
    if path.is_dir():
        directory = _("{path} is a directory").format(path=repr(str(path)))
        raise click.BadParameter(directory, param_hint=option)


@contextmanager
def atomic_output(path: Path) -> Iterator[IO[bytes]]:
    """A binary file that appears at ``path`` only if the block completes.

    Written next to ``path`` under a temporary name and renamed into place at the end, so
    a failed command leaves nothing behind (and never a half-written file).

    Args:
        path: The file to write.

    Yields:
        The stream to write to.
    """
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
