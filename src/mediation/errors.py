"""The exceptions the library raises.

Every error derives from :class:`MediationError`. Where a builtin exception fits, the
subclass also derives from it, so ``except ValueError`` keeps working for callers that do
not know this library (the same pattern as ``hypothesis.errors.InvalidArgument``).

A refusal always says why: :class:`CommandRefused` and its subclasses carry a tuple of
:class:`Reason` values, each with a stable machine-readable code, a plain-words message
and the parties it concerns. A reason made with :meth:`Reason.of` also keeps the
template and parameters of its message, so it can be shown in any language the library
has a catalog for (:meth:`Reason.message_in`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, TypeVar

import attrs

from mediation._catalogs import LANGUAGES, N_, Phrase, fill

__all__ = [
    "CHAIN_BREAKS",
    "AnchorsMalformed",
    "CaseClosed",
    "CaseNotFound",
    "ChainBroken",
    "CommandRefused",
    "ConcurrencyError",
    "IntegrityError",
    "InvalidInput",
    "InvalidLexicon",
    "MarkerFailed",
    "MediationError",
    "MissingExtra",
    "NotAuthorized",
    "NothingToErase",
    "Reason",
    "SchemaVersionError",
    "SignatureInvalid",
    "StoreUnavailable",
    "TransitionRefused",
    "chain_break_in",
]


_R = TypeVar("_R", bound="Reason")
_E = TypeVar("_E", bound="MediationError")
_NO_PARAMS: Mapping[str, object] = MappingProxyType({})


def _check_lang(lang: str) -> None:
    if lang not in LANGUAGES:
        raise InvalidInput.of(
            "unknown_language",
            N_("unknown language {lang}; choose one of: {known}"),
            lang=repr(lang),
            known=", ".join(LANGUAGES),
        )


@attrs.frozen
class Reason:
    """Why something was refused or flagged.

    Attributes:
        code: A stable identifier, e.g. ``"consent_missing"``; safe to match on.
        message: A sentence in plain words for people, in English.
        parties: Ids of the parties the reason concerns (empty when it concerns none).
        template: The English template :attr:`message` was rendered from (marked for
            the catalogs), or ``""`` when the reason was given as plain text.
        params: The template's parameters (numbers, ids, names, words to translate).
        plural: The English plural form of :attr:`template`, when it has one; the
            parameter ``count`` chooses the form.
    """

    code: str
    message: str
    parties: tuple[str, ...] = ()
    template: str = attrs.field(default="", kw_only=True, eq=False, repr=False)
    params: Mapping[str, object] = attrs.field(
        factory=dict, kw_only=True, eq=False, hash=False, repr=False
    )
    plural: str = attrs.field(default="", kw_only=True, eq=False, repr=False)

    @classmethod
    def of(
        cls: type[_R],
        code: str,
        template: str,
        parties: Iterable[str] = (),
        *,
        params: Mapping[str, object] | None = None,
        plural: str = "",
        **fields: Any,
    ) -> _R:
        """A reason whose message is rendered from ``template`` and ``params``.

        Args:
            code: The stable code.
            template: The English template, marked with ``N_`` so the catalogs hold it,
                e.g. ``N_("not yet heard: {names}")``.
            parties: Ids of the parties it concerns.
            params: The template's fields; :class:`~mediation.i18n.Names` and
                :class:`~mediation.i18n.Term` values are localized when shown.
            plural: The English plural template (marked with ``NP_`` together with
                ``template``); ``params["count"]`` chooses the form.
            fields: Further attributes of a subclass (a finding's ``figures``...).

        Returns:
            The reason, its :attr:`message` in English.
        """
        values = dict(params or {})
        count = _count(values) if plural else 1
        message = fill(template, "en", values, plural=plural, count=count)
        return cls(
            code,
            message,
            tuple(parties),
            template=template,
            params=values,
            plural=plural,
            **fields,
        )

    def message_in(self, lang: str) -> str:
        """The message in ``lang``, rendered through its catalog.

        A reason given as plain text (no :attr:`template`) has only its English message.

        Args:
            lang: ``"en"`` or ``"zh"``.

        Returns:
            The message.

        Raises:
            InvalidInput: an unknown language.
        """
        _check_lang(lang)
        if not self.template or lang == "en":
            return self.message
        count = _count(self.params) if self.plural else 1
        return fill(self.template, lang, self.params, plural=self.plural, count=count)

    def __str__(self) -> str:
        return self.message

    @property
    def is_finding(self) -> bool:
        """Whether this reason is a neutrality :class:`~mediation.neutrality.Finding`
        (which answers True); a guard's or a precondition's reason answers False."""
        return False


def _count(params: Mapping[str, object]) -> int:
    value = params.get("count", 1)
    return value if isinstance(value, int) else 1


class MediationError(Exception):
    """Root of every exception raised by ``mediation``.

    An error made with :meth:`of` keeps a stable :attr:`code`, the English
    :attr:`template` of its message and the template's :attr:`params`, like a
    :class:`Reason`: ``str(error)`` is the English message, :meth:`message_in` renders
    it in any language the library has a catalog for.

    Attributes:
        code: A stable identifier of the kind of error (``""`` when made from plain text).
        template: The English template of the message (``""`` when made from plain text).
        params: The template's parameters.
    """

    code: str = ""
    template: str = ""
    params: Mapping[str, object] = _NO_PARAMS

    @classmethod
    def of(cls: type[_E], code: str, template: str, /, **params: object) -> _E:
        """An error whose message is rendered from ``template`` and ``params``.

        Keeps call sites as short as an f-string:
        ``raise InvalidInput.of("unknown_issue", N_("unknown issue {issue}"), issue=shown(i))``.

        Args:
            code: The stable code.
            template: The English template, marked with ``N_`` so the catalogs hold it;
                ``{name}`` fields (with ``!r`` or a format spec, as in ``str.format``).
            params: The fields; :class:`~mediation.i18n.Term`,
                :class:`~mediation.i18n.Names` and :class:`~mediation.i18n.Phrase`
                values localize.

        Returns:
            The error (not raised), ``str(error)`` its English message.
        """
        error = cls(fill(template, "en", params))
        error._keep(code, template, params)
        return error

    def _keep(self, code: str, template: str, params: Mapping[str, object]) -> None:
        """Keep what renders the message in another language (for subclasses whose
        constructor builds the message itself)."""
        self.code = code
        self.template = template
        self.params = MappingProxyType(dict(params))

    def message_in(self, lang: str) -> str:
        """The message in ``lang``; an error made from plain text is shown as it is.

        Args:
            lang: ``"en"`` or ``"zh"``.

        Returns:
            The message.

        Raises:
            InvalidInput: an unknown language.
        """
        _check_lang(lang)
        if lang == "en":
            return str(self)
        return self._render(lang)

    def _render(self, lang: str) -> str:
        """The message in ``lang`` (not English), for :meth:`message_in`."""
        if not self.template:
            return str(self)
        return fill(self.template, lang, self.params)


class InvalidInput(MediationError, ValueError):
    """An argument is malformed: empty text, unknown id, negative duration, bad policy value."""


class InvalidLexicon(InvalidInput):
    """A lexicon of transcript markers is invalid (a file, or a policy's table).

    Attributes:
        source: The file (or ``policy``) the lexicon came from.
        line: The line of the offending entry (1-based), when known.
        key: The dotted key of the offending entry, e.g. ``categories.blame.weight``.
        problem: What is wrong, in plain words.
    """

    def __init__(self, source: str, line: int | None, key: str, problem: str) -> None:
        self.source = source
        self.line = line
        self.key = key
        self.problem = problem
        where = source if line is None else f"{source}, line {line}"
        super().__init__(f"{where}: {key}: {problem}" if key else f"{where}: {problem}")


class MarkerFailed(MediationError, RuntimeError):
    """A text marker (a host's classifier) raised an error, or returned something that is
    not a sequence of :class:`~mediation.markers.MarkerHit`; nothing was recorded.

    The message names the marker and the kind of error, never the text or the error's
    own message (which may quote the text); the original error is the ``__cause__``.

    Attributes:
        marker: The name of the marker that failed.
        error_type: The name of the error's class.
    """

    def __init__(self, marker: str, error_type: str) -> None:
        self.marker = marker
        self.error_type = error_type
        template = N_("text marker {marker} failed ({error}); nothing was recorded")
        params = {"marker": repr(marker), "error": error_type}
        super().__init__(fill(template, "en", params))
        self._keep("marker_failed", template, params)


class NotAuthorized(MediationError, PermissionError):
    """The actor may not perform this command (e.g. a mediator signing for a party)."""


class ConcurrencyError(MediationError):
    """Someone else appended to the case first; reload and retry."""


class CommandRefused(MediationError):
    """The command is well-formed and the actor may issue it, but not now.

    Attributes:
        reasons: Why, as :class:`Reason` values (never empty).
    """

    def __init__(self, reasons: Iterable[Reason]) -> None:
        self.reasons: tuple[Reason, ...] = tuple(reasons)
        if not self.reasons:
            raise ValueError("a refusal must carry at least one reason")
        super().__init__("; ".join(reason.message for reason in self.reasons))

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes of :attr:`reasons`, in order."""
        return tuple(reason.code for reason in self.reasons)

    def _render(self, lang: str) -> str:
        """The reasons in ``lang``, joined as ``str(self)`` joins them in English."""
        separator = fill(N_("; "), lang, {})
        return separator.join(reason.message_in(lang) for reason in self.reasons)


class TransitionRefused(CommandRefused):
    """A stage change was refused because guards (or blocking checks) failed.

    :attr:`reasons` holds the failing guards' reasons and the blocking neutrality
    findings; :attr:`findings` gives the latter alone.
    """

    @property
    def findings(self) -> tuple[Reason, ...]:
        """The blocking :class:`~mediation.neutrality.Finding` values among the reasons."""
        return tuple(reason for reason in self.reasons if reason.is_finding)


class CaseClosed(CommandRefused):
    """The case is closed and accepts no further command."""


class CaseNotFound(MediationError, LookupError):
    """A store holds no case with this id.

    Attributes:
        case_id: The id that was looked up.
    """

    def __init__(self, case_id: str) -> None:
        self.case_id = case_id
        template = N_("no case {case} in this store")
        super().__init__(fill(template, "en", {"case": repr(case_id)}))
        self._keep("case_not_found", template, {"case": repr(case_id)})


class ChainBroken(MediationError, ValueError):
    """An audit chain failed verification (or an import was refused because of it).

    Attributes:
        case_id: The case whose chain is broken (may be empty when unknown).
        seq: Sequence number where the chain breaks (``None`` when it concerns the
            whole chain, e.g. a missing anchor).
        code: A stable identifier of the kind of break, e.g. ``"hash_mismatch"``.
    """

    def __init__(self, case_id: str, seq: int | None, code: str, message: str) -> None:
        self.case_id = case_id
        self.seq = seq
        self.code = code
        super().__init__(message)

    def message_in(self, lang: str) -> str:
        """The break in ``lang`` (see :func:`chain_break_in`).

        Args:
            lang: ``"en"`` or ``"zh"``.

        Returns:
            The message.

        Raises:
            InvalidInput: an unknown language.
        """
        return chain_break_in(lang, self.code, self.seq, str(self), self.case_id)


CHAIN_BREAKS: Mapping[str, str] = MappingProxyType(
    {
        "malformed": N_("a record is not well-formed"),
        "missing": N_("events are missing from the chain"),
        "no_anchor": N_("the store keeps no head for this case"),
        "not_canonical": N_("an event is not in its canonical form"),
        "seq_mismatch": N_("an event carries the wrong sequence number"),
        "summary_mismatch": N_("the case's summary does not match its chain"),
        "wrong_case": N_("the records or the anchor belong to another case"),
        "content_mismatch": N_("content does not match its commitment: it was changed"),
        "content_missing": N_("content was removed outside the library"),
        "dropped": N_("a case of the signed heads was left out"),
        "extra": N_("events were added after the anchored head"),
        "hash_mismatch": N_("an event's hash does not match: the record was changed"),
        "head_mismatch": N_("the chain does not pass through its anchored head: it was rewritten"),
        "out_of_order": N_("events were reordered"),
        "truncated": N_("the chain was cut short"),
        "unsigned": N_("no signature verifies under the public key given"),
        "redacted": N_(
            "the records were exported for one reader and leave content out: they verify, "
            "but cannot be imported"
        ),
    }
)
"""What each kind of chain break (:attr:`ChainBroken.code`) means, in a few words marked
for the catalogs: how a break is told in another language than English. The English
message, with its counts and hashes, is what the library records and logs."""


def chain_break_in(lang: str, code: str, seq: int | None, message: str, case_id: str = "") -> str:
    """A chain break told in ``lang``: the English ``message`` as it is in English; in
    another language the meaning of its ``code`` (:data:`CHAIN_BREAKS`), where it is and
    the code itself. An unknown code keeps the English message.

    Args:
        lang: ``"en"`` or ``"zh"``.
        code: The kind of break.
        seq: The event where the chain breaks, if one.
        message: The English message.
        case_id: The case, when the message should name it.

    Returns:
        The text.

    Raises:
        InvalidInput: an unknown language.
    """
    _check_lang(lang)
    what = CHAIN_BREAKS.get(code)
    if lang == "en" or what is None:
        return message
    params: dict[str, object] = {"what": Phrase(what), "code": code}
    if seq is not None:
        params["seq"] = seq
        template = N_("at event {seq}: {what} [{code}]")
    else:
        template = N_("{what} [{code}]")
    text = fill(template, lang, params)
    if case_id:
        text = fill(N_("case {case}: {text}"), lang, {"case": repr(case_id), "text": text})
    return text


class IntegrityError(ChainBroken):
    """A case did not verify when it was loaded: what the store holds was changed.

    Raised by a verified load (:meth:`mediation.store.Repository.load`); :attr:`seq`
    names the first event that does not verify and :attr:`code` says how.
    """

    def message_in(self, lang: str) -> str:
        """The refused load in ``lang``.

        Args:
            lang: ``"en"`` or ``"zh"``.

        Returns:
            The message.

        Raises:
            InvalidInput: an unknown language.
        """
        told = chain_break_in(lang, self.code, self.seq, str(self))
        if lang == "en" or told == str(self):
            return told
        template = N_("case {case} does not verify, so it was not loaded: {text}")
        return fill(template, lang, {"case": repr(self.case_id), "text": told})


class NothingToErase(InvalidInput):
    """An erasure names content that is not there (already erased, empty, or no such
    event); nothing was changed."""


class SignatureInvalid(MediationError, ValueError):
    """A signed head or export does not verify under the public key given (a wrong key,
    or a head that was altered)."""


class AnchorsMalformed(InvalidInput):
    """An anchors file is not in the documented form, or belongs to another store."""


class SchemaVersionError(MediationError):
    """A store's schema is newer than this version of the library understands."""


class MissingExtra(MediationError, ImportError):
    """An optional feature needs a package (or program) that is not installed.

    The message names what to install, e.g. ``pip install 'mediation[charts]'``; given as
    a :class:`~mediation.i18n.Phrase` it renders in any language (:meth:`message_in`).

    Attributes:
        extra: The name of the optional extra that provides it (``"charts"``,
            ``"diagrams"``).
    """

    def __init__(self, extra: str, message: str) -> None:
        self.extra = extra
        super().__init__(message)
        if isinstance(message, Phrase):  # made from a template: shown in any language
            self._keep("missing_extra", message.template, message.params)


class StoreUnavailable(MediationError, ConnectionError):
    """A store cannot be used: the database is unreachable, locked beyond the wait, not a
    database at all, read-only for a write, missing (and not to be created), or its
    driver is not installed. Nothing was written.

    The message says which, and the original driver error is kept as ``__cause__``.
    """
