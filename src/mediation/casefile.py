"""The case file: what a person reads about one case, as HTML or Markdown, in en or zh.

Contents: the parties and the mediator with their disclosed relationships; the path
through the stages drawn as a diagram with the path taken highlighted; a timeline of what
happened; per-party figures as charts (airtime, turns, the mediator's attention, caucus
time); findings with the events they rest on; the agreement's terms and signatures;
escalations; and whether the audit chain verifies.

Redaction is exactly that of :func:`mediation.audit.view` (the view behind
``export_for``): the file for a reader (``reader=``) shows what that party, mediator or
supervisor may see, and withheld text is marked as withheld, never shown. Without a
reader the file is the full record (as the mediator sees it): keep it as you keep the
store.

HTML comes from Jinja2 templates with autoescaping, so a party's text is always shown as
text. The page is self-contained — inline CSS, inline SVG charts and diagram, no script,
nothing fetched — and has print styles. Charts need the ``charts`` extra (matplotlib) and
the diagram the ``diagrams`` extra (Graphviz); without them the file still has every
figure as a table and the path as a list, and says what to install.

>>> from mediation.demo import workplace_dispute
>>> case = workplace_dispute(lambda line: None)
>>> text = render_markdown(build_casefile(case, reader="hr-lead"), lang="en")
>>> print(text.splitlines()[0])
# Case file: workload-2026-03
>>> "withheld" in text  # the supervisor does not see what was said
True
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import jinja2
from markupsafe import Markup

from mediation import audit
from mediation.diagram import Move, moves
from mediation.errors import InvalidInput, MissingExtra
from mediation.i18n import LANGUAGES, N_, check_language, stage_label, translator
from mediation.model import ERASED_TEXT, display_name
from mediation.neutrality.registry import recorded_message

if TYPE_CHECKING:
    from mediation.case import Mediation
    from mediation.store import Repository

__all__ = [
    "CASEFILE_FORMATS",
    "CaseFile",
    "FindingEntry",
    "PartyRow",
    "Person",
    "Signature",
    "TimelineEntry",
    "build_casefile",
    "casefile_from_store",
    "render",
    "render_casefile",
    "render_html",
    "render_markdown",
    "write_casefile",
]

CASEFILE_FORMATS = ("html", "md")
"""The formats a case file is written in."""


@attrs.frozen
class Person:
    """Someone in the case.

    Attributes:
        id: Their id in the case.
        name: Their display name.
        role: ``party``, ``mediator`` or ``supervisor``.
        title: A party's role in the organisation (may be empty).
        relations: Their relationships as ``(kind, other's name, note)``, e.g.
            ``("manages", "Zhao Min", "")``.
    """

    id: str
    name: str
    role: str
    title: str = ""
    relations: tuple[tuple[str, str, str], ...] = ()


@attrs.frozen
class TimelineEntry:
    """One event as the reader may see it.

    Attributes:
        seq: Its place in the case (also the anchor other sections link to).
        at: When (ISO 8601).
        stage: The stage it was recorded in.
        type: The event type's stable name.
        actor: Who (display name).
        details: Field name → value, in words (ids replaced by names).
        text: What was said, when the event carries text and the reader may see it.
        withheld: Fields withheld from this reader.
    """

    seq: int
    at: str
    stage: str
    type: str
    actor: str
    details: Mapping[str, str]
    text: str | None
    withheld: tuple[str, ...]


@attrs.frozen
class FindingEntry:
    """A neutrality finding on record, with the events it rests on.

    Attributes:
        seq: The finding's own event.
        check: The check family.
        code: The finding's stable code.
        mode: ``warn`` or ``block``.
        message: What the check found.
        parties: The names of the parties concerned.
        stage: The stage it concerns.
        overridden: Whether a supervisor overrode a block.
        evidence: The events it rests on, as the check named them when it recorded the
            finding (those the reader may see).
    """

    seq: int
    check: str
    code: str
    mode: str
    message: str
    parties: tuple[str, ...]
    stage: str
    overridden: bool
    evidence: tuple[int, ...]


@attrs.frozen
class Signature:
    """A party's signature of the agreement."""

    party: str
    seq: int
    at: str


@attrs.frozen
class PartyRow:
    """A party's even-handedness markers (from the neutrality report)."""

    name: str
    airtime_seconds: float
    airtime_share: float
    turns: int
    attention: int
    invitations: int
    paraphrases: int
    questions: int
    caucus_seconds: float


@attrs.frozen
class CaseFile:
    """Everything a case file shows, before it is put in words of one language.

    Build one with :func:`build_casefile`; render it with :func:`render_html` or
    :func:`render_markdown`.
    """

    case_id: str
    process: str
    reader: str | None
    reader_name: str
    reader_role: str
    stage: str
    outcome: str | None
    opened_at: str
    last_at: str
    parties: tuple[Person, ...]
    mediators: tuple[Person, ...]
    supervisors: tuple[Person, ...]
    issues: tuple[str, ...]
    disclosure: str | None
    timeline: tuple[TimelineEntry, ...]
    figures: tuple[PartyRow, ...]
    findings: tuple[FindingEntry, ...]
    verdict: str
    agreement_text: str | None
    agreement_withheld: bool
    agreement_by: str
    signatures: tuple[Signature, ...]
    escalations: tuple[tuple[int, str, str], ...]
    """``(seq, authority, reason)`` of every escalation."""
    path: tuple[Move, ...]
    stage_labels: Mapping[str, Mapping[str, str]]
    """Stage name → language → label (from the catalogs; :func:`mediation.i18n.stage_label`)."""
    verified: bool | None
    """Whether the chain verifies (``None``: not verified, e.g. built from a case alone)."""
    verification: str
    """The head hash, or what broke."""
    events: int
    withheld: int
    _definition: Any = attrs.field(repr=False, eq=False)

    def stage_label(self, stage: str, lang: str) -> str:
        """A stage's display label in ``lang`` (its name when unknown)."""
        labels = self.stage_labels.get(stage)
        if labels is None:
            return stage
        return labels.get(lang, labels["en"])


_PARTY_FIELDS = ("party", "about")


def _names(case: Mediation) -> dict[str, str]:
    state = case.state
    names = {pid: party.name for pid, party in state.parties.items()}
    for event in case.events:
        mediator = getattr(event, "mediator", None)
        if mediator is not None and hasattr(mediator, "name"):
            names.setdefault(mediator.id, mediator.name)
    return names


RELATION_LABELS: Mapping[str, str] = {
    "manages": N_("manages {name}"),
    "reports_to": N_("reports to {name}"),
    "colleague": N_("colleague of {name}"),
    "client": N_("client of {name}"),
    "supplier": N_("supplier of {name}"),
    "friend": N_("friend of {name}"),
    "family": N_("family of {name}"),
    "financial": N_("financial tie to {name}"),
    "prior_representation": N_("formerly represented {name}"),
    "other": N_("related to {name}"),
}
"""Relationship kind → how the case file says it (translated where shown)."""


def _evidence(finding: Any, visible: set[int]) -> tuple[int, ...]:
    """The events the check named as its evidence, those the reader may see."""
    return tuple(seq for seq in getattr(finding, "evidence", ()) if seq in visible)


def build_casefile(
    case: Mediation,
    *,
    reader: str | None = None,
    verification: audit.Verification | None = None,
) -> CaseFile:
    """Gather what the case file shows, redacted for ``reader``.

    Args:
        case: The case.
        reader: A party, the mediator or a supervisor of the case; ``None`` for the full
            record.
        verification: The store's verification of the chain (shown as the chain's
            status); ``None`` when the case did not come from a store.

    Returns:
        The case file's content.

    Raises:
        NotAuthorized: the reader takes no part in the case.
    """
    from mediation.neutrality import neutrality_report

    state = case.state
    seen = audit.view(case, reader if reader is not None else state.mediator.id)
    names = _names(case)

    def name(person: str) -> str:
        return names.get(person, person)

    relations = list(state.relations)
    for event in case.events:
        for relation in getattr(getattr(event, "mediator", None), "relationships", ()):
            if relation not in relations:
                relations.append(relation)

    def related(person: str) -> tuple[tuple[str, str, str], ...]:
        return tuple(
            (r.kind.value, name(r.target), r.note) for r in relations if r.source == person
        )

    parties = tuple(
        Person(pid, party.name, "party", party.role, related(pid))
        for pid, party in state.parties.items()
    )
    mediators: list[Person] = []
    for event in case.events:
        mediator = getattr(event, "mediator", None)
        if (
            mediator is not None
            and hasattr(mediator, "relationships")
            and all(m.id != mediator.id for m in mediators)
        ):
            mediators.append(
                Person(mediator.id, mediator.name, "mediator", "", related(mediator.id))
            )
    supervisors = tuple(Person(s, s, "supervisor") for s in state.supervisors)
    timeline: list[TimelineEntry] = []
    disclosure: str | None = None
    agreement_by = ""
    agreement_text: str | None = None
    agreement_withheld = False
    escalations: list[tuple[int, str, str]] = []
    signatures: list[Signature] = []
    signed_proposal = next(iter(state.signatures.values()), None)
    for entry in seen.entries:
        kind = str(entry["type"])
        withheld = tuple(entry.get("redacted", ()))
        details: dict[str, str] = {}
        for key, value in entry.items():
            if key in ("type", "v", "seq", "at", "actor", "stage", "text", "comment", "redacted"):
                continue
            if kind == "case_opened" or key in _HIDDEN_FIELDS or value in (None, "", [], {}):
                continue
            if key in _PARTY_FIELDS and isinstance(value, str):
                details[key] = name(value)
            elif isinstance(value, float):
                details[key] = f"{value:g}"
            elif isinstance(value, (str, int, bool)):
                details[key] = str(value)
        spoken = [str(entry[k]) for k in ("text", "comment") if entry.get(k)]
        timeline.append(
            TimelineEntry(
                seq=int(entry["seq"]),
                at=str(entry["at"]),
                stage=str(entry["stage"]),
                type=kind,
                actor=name(str(entry["actor"])),
                details=details,
                text="\n".join(spoken) if spoken else None,
                withheld=withheld,
            )
        )
        if kind == "disclosure_made":
            disclosure = str(entry.get("statement") or "") or None
        elif kind == "escalated":
            escalations.append((int(entry["seq"]), str(entry["authority"]), str(entry["reason"])))
        elif kind == "signed":
            signatures.append(
                Signature(name(str(entry["actor"])), int(entry["seq"]), str(entry["at"]))
            )
        elif kind == "proposal_made" and entry.get("proposal_id") == signed_proposal:
            agreement_by = name(str(entry["actor"]))
            agreement_text = None if entry.get("text") is None else str(entry["text"])
            agreement_withheld = "text" in withheld
    report = neutrality_report(case)
    figures = tuple(
        PartyRow(
            name=name(f.party),
            airtime_seconds=f.airtime_seconds,
            airtime_share=f.airtime_share,
            turns=f.turns,
            attention=f.invitations + f.paraphrases + f.questions,
            invitations=f.invitations,
            paraphrases=f.paraphrases,
            questions=f.questions,
            caucus_seconds=f.caucus_seconds,
        )
        for f in report.parties
    )
    visible = {entry.seq for entry in timeline}
    findings = tuple(
        FindingEntry(
            seq=event.seq,
            check=event.check,
            code=event.code,
            mode=event.mode,
            message=event.message,
            parties=tuple(name(p) for p in event.parties),
            stage=event.about_stage or event.stage,
            overridden=event.overridden,
            evidence=_evidence(event, visible),
        )
        for event in state.findings
    )
    if verification is None:
        verified, verdict_text = None, ""
    elif verification.broken is None:
        verified, verdict_text = True, verification.head
    else:
        verified, verdict_text = False, verification.broken.message
    definition = case.process.definition
    return CaseFile(
        case_id=case.case_id,
        process=definition.name,
        reader=reader,
        reader_name=name(reader) if reader is not None else "",
        reader_role=seen.role.value if reader is not None else "full",
        stage=state.stage,
        outcome=None if state.outcome is None else state.outcome.value,
        opened_at=state.opened_at.isoformat(),
        last_at=state.last_at.isoformat(),
        parties=parties,
        mediators=tuple(mediators),
        supervisors=supervisors,
        issues=tuple(issue.title for issue in state.issues.values()),
        disclosure=disclosure,
        timeline=tuple(timeline),
        figures=figures,
        findings=findings,
        verdict=report.verdict,
        agreement_text=agreement_text,
        agreement_withheld=agreement_withheld,
        agreement_by=agreement_by,
        signatures=tuple(signatures),
        escalations=tuple(escalations),
        path=moves(case.events),
        stage_labels={
            s.name: {lang: stage_label(s, lang) for lang in LANGUAGES} for s in definition.stages
        },
        verified=verified,
        verification=verdict_text,
        events=len(timeline),
        withheld=seen.redacted_count,
        definition=definition,
    )


# -- words ----------------------------------------------------------------------------------

EVENT_LABELS: Mapping[str, str] = {
    "case_opened": N_("Case opened"),
    "conflict_waived": N_("Conflict waived in writing"),
    "party_screened": N_("Screened in private"),
    "safeguard_applied": N_("Safeguard applied"),
    "difference_escalated": N_("Difference escalated"),
    "difference_kept_open": N_("Difference kept open"),
    "content_erased": N_("Content erased"),
    "disclosure_made": N_("Mediator's disclosure"),
    "consent_given": N_("Consent given"),
    "issue_raised": N_("Issue raised"),
    "issue_flagged": N_("Issue flagged"),
    "stage_changed": N_("Stage changed"),
    "escalated": N_("Escalated"),
    "closed": N_("Closed"),
    "statement_made": N_("Statement"),
    "restatement_made": N_("Restatement of another's view"),
    "restatement_reviewed": N_("Restatement reviewed"),
    "common_ground_proposed": N_("Common ground proposed"),
    "common_ground_assented": N_("Assent to common ground"),
    "difference_reserved": N_("Difference reserved"),
    "difference_parked": N_("Difference parked"),
    "differences_confirmed": N_("Differences confirmed"),
    "proposal_made": N_("Proposal"),
    "valuations_given": N_("Valuations given (confidential)"),
    "suggestion_requested": N_("Suggestion requested"),
    "proposal_answered": N_("Answer to a proposal"),
    "signed": N_("Signed"),
    "caucus_opened": N_("Caucus opened"),
    "caucus_note_recorded": N_("Caucus note"),
    "caucus_closed": N_("Caucus closed"),
    "sharing_allowed": N_("Sharing allowed"),
    "withdrew": N_("Withdrew"),
    "deadline_set": N_("Deadline set"),
    "mediator_reassigned": N_("Mediator reassigned"),
    "mediator_intervened": N_("Mediator's intervention"),
    "caucus_offered": N_("Caucus offered"),
    "support_person_joined": N_("Support person joined"),
    "finding_recorded": N_("Neutrality finding"),
    "block_overridden": N_("Block overridden"),
}
"""Event type → its label in the timeline (translated where shown)."""

FIELD_LABELS: Mapping[str, str] = {
    "trigger": N_("move"),
    "source": N_("from"),
    "dest": N_("to"),
    "reason": N_("reason"),
    "authority": N_("authority"),
    "outcome": N_("outcome"),
    "seconds": N_("seconds"),
    "about": N_("about"),
    "accurate": N_("accurate"),
    "severity": N_("severity"),
    "kind": N_("kind"),
    "party": N_("party"),
    "accepted": N_("accepted"),
    "statement": N_("statement"),
    "check": N_("check"),
    "code": N_("code"),
    "message": N_("message"),
    "mode": N_("mode"),
    "for_stage": N_("for stage"),
    "due": N_("due"),
    "name": N_("name"),
    "procedure": N_("procedure"),
    "answers": N_("answers"),
    "text": N_("text"),
    "comment": N_("comment"),
    "note": N_("note"),
    "flag": N_("flag"),
    "relation": N_("relationship"),
    "safeguard": N_("safeguard"),
    "about_stage": N_("stage concerned"),
    "grounds": N_("grounds"),
    "codes": N_("codes"),
    "evidence": N_("evidence"),
    "settles": N_("settles"),
    "shares": N_("shares"),
    "payments": N_("payments"),
    "valuations": N_("valuations"),
    "parties": N_("parties"),
    "role": N_("role"),
}
"""Timeline detail field → its label (other fields show their name)."""

VALUE_LABELS: Mapping[str, str] = {
    "True": N_("yes"),
    "False": N_("no"),
    "invite": N_("invitation to speak"),
    "paraphrase": N_("paraphrase"),
    "question": N_("question"),
    "major": N_("major"),
    "minor": N_("minor"),
    "warn": N_("warn"),
    "block": N_("block"),
}
"""Timeline detail values shown in words (others as recorded)."""

_HIDDEN_FIELDS = frozenset(
    {"restatement_id", "item_id", "difference_id", "proposal_id", "caucus_id", "note_id"}
)
"""Internal ids a reader has no use for in the timeline."""

ROLE_LABELS: Mapping[str, str] = {
    "party": N_("party"),
    "mediator": N_("mediator"),
    "supervisor": N_("supervisor"),
    "full": N_("full record"),
}

VERDICT_LABELS: Mapping[str, str] = {
    "even-handed": N_("even-handed"),
    "concerns": N_("concerns"),
    "blocked": N_("blocked"),
}

OUTCOME_LABELS: Mapping[str, str] = {
    "settled": N_("settled"),
    "partially_settled": N_("partially settled"),
    "impasse": N_("impasse"),
    "terminated_by_mediator": N_("terminated by the mediator"),
    "escalated": N_("escalated"),
    "withdrawn": N_("withdrawn"),
}


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("mediation", "templates"),
        autoescape=jinja2.select_autoescape(("html.j2", "html"), default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _charts(casefile: CaseFile, lang: str) -> tuple[dict[str, Markup], str | None]:
    """The per-party charts as inline SVG, or why there are none."""
    _ = translator(lang).gettext
    if not casefile.figures:
        return {}, None
    try:
        from mediation.charts import bars_chart, figure_svg
    except ImportError:  # pragma: no cover - mediation.charts imports nothing heavy
        return {}, None
    names = [row.name for row in casefile.figures]
    specs = {
        "airtime": (
            _("Airtime in listening (seconds)"),
            [r.airtime_seconds for r in casefile.figures],
            False,
        ),
        "turns": (_("Turns in listening"), [float(r.turns) for r in casefile.figures], True),
        "attention": (
            _("Mediator's attention (count)"),
            [float(r.attention) for r in casefile.figures],
            True,
        ),
        "caucus": (_("Caucus time (seconds)"), [r.caucus_seconds for r in casefile.figures], False),
    }
    charts = {}
    try:
        for key, (title, values, integer) in specs.items():
            figure = bars_chart(names, {title: values}, title=title, y_label="", integer=integer)
            charts[key] = Markup(figure_svg(figure, id_prefix=f"chart-{key}"))
    except MissingExtra as error:
        return {}, error.message_in(lang)
    return charts, None


def _diagram(casefile: CaseFile, lang: str) -> tuple[Markup | None, str | None]:
    from mediation.diagram import render as render_diagram

    _ = translator(lang).gettext
    try:
        svg = render_diagram(
            casefile._definition,
            "svg",
            lang=lang,
            path=casefile.path,
            title=_("The path this case took"),
            guards=False,
        ).decode("utf-8")
    except MissingExtra as error:
        return None, error.message_in(lang)
    start = svg.find("<svg")
    return Markup(svg[start:]), None


def _context(casefile: CaseFile, lang: str) -> dict[str, Any]:
    translations = translator(lang)
    _ = translations.gettext
    return {
        "cf": casefile,
        "lang": lang,
        "stage": lambda name: casefile.stage_label(name, lang),
        "event_label": lambda kind: _(EVENT_LABELS.get(kind, kind.replace("_", " "))),
        "role_label": lambda role: _(ROLE_LABELS.get(role, role)),
        "verdict_label": _(VERDICT_LABELS.get(casefile.verdict, casefile.verdict)),
        "outcome_label": (
            _(OUTCOME_LABELS.get(casefile.outcome, casefile.outcome))
            if casefile.outcome is not None
            else None
        ),
        "relations": lambda person: "; ".join(
            _(RELATION_LABELS.get(kind, "{name}")).format(name=other)
            + (f" ({note})" if note else "")
            for kind, other, note in person.relations
        ),
        "field": lambda key: _(FIELD_LABELS.get(key, key.replace("_", " "))),
        "value": lambda key, text: _value(casefile, lang, key, text),
        "when": _when,
        "finding_message": lambda message: recorded_message(message, lang),
    }


def _when(iso: str) -> str:
    """``2026-03-02 09:03 UTC``: a recorded time, short (minutes; the offset or UTC)."""
    from datetime import datetime, timedelta

    moment = datetime.fromisoformat(iso)
    offset = moment.utcoffset()
    zone = "UTC" if offset in (None, timedelta(0)) else moment.strftime("%z")
    return f"{moment:%Y-%m-%d %H:%M} {zone}"


def _value(casefile: CaseFile, lang: str, key: str, text: str) -> str:
    from mediation.diagram import TRIGGER_LABELS

    _ = translator(lang).gettext
    if key in ("source", "dest", "for_stage", "about_stage"):
        return casefile.stage_label(text, lang)
    if key == "trigger" and text in TRIGGER_LABELS:
        return _(TRIGGER_LABELS[text])
    if key == "outcome" and text in OUTCOME_LABELS:
        return _(OUTCOME_LABELS[text])
    if text in VALUE_LABELS:
        return _(VALUE_LABELS[text])
    return text


def render_html(casefile: CaseFile, *, lang: str = "en") -> str:
    """The case file as one self-contained HTML page.

    Args:
        casefile: From :func:`build_casefile`.
        lang: ``"en"`` or ``"zh"``.

    Returns:
        The HTML document.

    Raises:
        InvalidInput: an unknown language.
    """
    check_language(lang)
    casefile = _erased_shown(casefile, lang)
    translations = translator(lang)
    charts, charts_missing = _charts(casefile, lang)
    diagram, diagram_missing = _diagram(casefile, lang)
    template = _environment().get_template("casefile.html.j2")
    return template.render(
        **_context(casefile, lang),
        gettext=translations.gettext,
        ngettext=translations.ngettext,
        _=translations.gettext,
        charts=charts,
        charts_missing=charts_missing,
        diagram=diagram,
        diagram_missing=diagram_missing,
    )


def render_markdown(casefile: CaseFile, *, lang: str = "en") -> str:
    """The case file as Markdown (tables, no pictures).

    Args:
        casefile: From :func:`build_casefile`.
        lang: ``"en"`` or ``"zh"``.

    Returns:
        The Markdown text.

    Raises:
        InvalidInput: an unknown language.
    """
    check_language(lang)
    casefile = _erased_shown(casefile, lang)
    translations = translator(lang)
    environment = _environment()
    template = environment.get_template("casefile.md.j2")
    return template.render(
        **_context(casefile, lang),
        gettext=translations.gettext,
        ngettext=translations.ngettext,
        _=translations.gettext,
        md=_markdown_cell,
    )


def _erased_shown(casefile: CaseFile, lang: str) -> CaseFile:
    """The case file with every erased name or title (:data:`~mediation.model.ERASED_TEXT`)
    shown as the word for erased in ``lang``."""
    word = display_name(ERASED_TEXT, lang)

    def shown(value: Any) -> Any:
        if isinstance(value, str):
            return word if value == ERASED_TEXT else value
        if isinstance(value, tuple):
            return tuple(shown(item) for item in value)
        if isinstance(value, Mapping):
            return {key: shown(item) for key, item in value.items()}
        if attrs.has(type(value)):
            changes = {  # private fields (the process definition) are left as they are
                f.alias: shown(getattr(value, f.name))
                for f in attrs.fields(type(value))
                if f.init and not f.name.startswith("_")
            }
            return attrs.evolve(value, **changes)
        return value

    result: CaseFile = shown(casefile)
    return result


def _markdown_cell(value: object) -> str:
    """Text safe inside a Markdown table cell or list item: no table breaks, no HTML."""
    text = str(value)
    for raw, safe in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("|", "\\|")):
        text = text.replace(raw, safe)
    return " ".join(text.split())


def render(casefile: CaseFile, *, file_format: str = "html", lang: str = "en") -> str:
    """The case file in ``file_format`` (``html`` or ``md``).

    Raises:
        InvalidInput: an unknown format or language.
    """
    if file_format not in CASEFILE_FORMATS:
        raise InvalidInput.of(
            "unknown_format",
            N_("case file format must be html or md; got {file_format!r}"),
            file_format=file_format,
        )
    check_language(lang)
    if file_format == "html":
        return render_html(casefile, lang=lang)
    return render_markdown(casefile, lang=lang)


def casefile_from_store(
    repository: Repository,
    case_id: str,
    *,
    reader: str | None = None,
    deep: bool = False,
    purpose: str = "casefile",
) -> CaseFile:
    """Verify, load and gather a stored case for ``reader``; the read is recorded.

    Args:
        repository: The repository of the store that holds the case.
        case_id: The case.
        reader: A party, the mediator or a supervisor of the case; ``None`` for the
            full record (not recorded as a read: there is no reader to name).
        deep: Also decode and re-encode every event when verifying.
        purpose: Recorded with the read.

    Returns:
        The case file's content (its verification status from the store's chain).

    Raises:
        CaseNotFound: no such case.
        NotAuthorized: the reader takes no part in the case.
    """
    verification = repository.verify(case_id, deep=deep)
    case = repository.load(case_id)
    casefile = build_casefile(case, reader=reader, verification=verification)
    if reader is not None:
        # Recorded once the reader is known to take part: a refusal records nothing.
        repository.view(case_id, reader, purpose=purpose)
    return casefile


def render_casefile(
    repository: Repository,
    case_id: str,
    *,
    file_format: str = "html",
    reader: str | None = None,
    lang: str = "en",
) -> str:
    """A stored case's file as text: HTML or Markdown, for a reader, in a language.

    Args:
        repository: The repository of the store that holds the case.
        case_id: The case.
        file_format: ``html`` or ``md``.
        reader: Whose view (``None``: the full record).
        lang: ``en`` or ``zh``.

    Returns:
        The case file.

    Raises:
        InvalidInput: an unknown format or language.
        CaseNotFound: no such case.
        NotAuthorized: the reader takes no part in the case.
    """
    check_language(lang)
    if file_format not in CASEFILE_FORMATS:
        raise InvalidInput.of(
            "unknown_format",
            N_("case file format must be html or md; got {file_format!r}"),
            file_format=file_format,
        )
    casefile = casefile_from_store(repository, case_id, reader=reader)
    return render(casefile, file_format=file_format, lang=lang)


def write_casefile(
    repository: Repository,
    case_id: str,
    path: str | os.PathLike[str],
    *,
    file_format: str = "html",
    reader: str | None = None,
    lang: str = "en",
) -> Path:
    """Render a stored case's file and write it to ``path``, or write nothing.

    Everything is checked and rendered before the file is opened: an unknown case,
    language or format, a reader who may not read, or a missing directory leaves no file.

    Args:
        repository: The repository of the store that holds the case.
        case_id: The case.
        path: Where to write; its directory must exist.
        file_format: ``html`` or ``md``.
        reader: Whose view (``None``: the full record).
        lang: ``en`` or ``zh``.

    Returns:
        The path written.

    Raises:
        InvalidInput: an unknown format or language, or a missing directory.
        CaseNotFound: no such case.
        NotAuthorized: the reader takes no part in the case.
    """
    target = Path(path)
    if not target.parent.is_dir():
        raise InvalidInput.of(
            "missing_directory",
            N_("{target}: directory {parent!r} does not exist"),
            target=target,
            parent=str(target.parent),
        )
    if target.is_dir():
        raise InvalidInput.of("is_a_directory", N_("{target}: is a directory"), target=target)
    text = render_casefile(repository, case_id, file_format=file_format, reader=reader, lang=lang)
    target.write_text(text, encoding="utf-8")
    return target
