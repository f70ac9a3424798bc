"""Pictures of a process: mermaid text, Graphviz DOT, and rendered SVG or PNG.

:func:`mermaid` and :func:`dot` are plain text and need nothing installed. :func:`render`
draws SVG or PNG through Graphviz: the ``graphviz`` Python package (the optional extra
``diagrams``: ``pip install 'mediation[diagrams]'``) and Graphviz's ``dot`` program
(Debian: ``apt-get install graphviz``); without either it raises
:class:`~mediation.errors.MissingExtra` saying what to install.

How the picture is kept readable:

- the guards every forward move and settlement needs (the definition's
  ``running_guards``) are listed once, in a note, not on every edge;
- each edge names its trigger(s) and only the guards particular to it;
- ``resume`` edges carry no guard: a pause resumes into the stage it left (the note
  says so);
- parallel triggers between two stages share one edge (``impasse | terminate``).

With a ``path`` (the stage changes of one case) the stages the case went through and the
moves it made are highlighted and the current stage is outlined; without one, nothing is
highlighted (no stage is "active" in a process definition).

Labels are in English or Chinese (``lang``): stage labels come from the definition, the
built-in triggers and guards from the catalogs (:mod:`mediation.i18n`); a host's own
guard or trigger shows its name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

import attrs

from mediation.errors import InvalidInput, MissingExtra
from mediation.i18n import N_, Phrase, check_language, stage_label, translator
from mediation.process import ProcessDefinition, StageKind

__all__ = [
    "DIAGRAM_FORMATS",
    "GUARD_LABELS",
    "TRIGGER_LABELS",
    "Move",
    "dot",
    "mermaid",
    "moves",
    "render",
]

DIAGRAM_FORMATS = ("mermaid", "dot", "svg", "png")
"""The formats ``mediation diagram --format`` writes."""

INSTALL_HINT = (
    "pip install 'mediation[diagrams]' and Graphviz's dot program (Debian: apt-get install "
    "graphviz)"
)

TRIGGER_LABELS = {
    "advance": N_("advance"),
    "settle": N_("settle"),
    "settle_partially": N_("settle partially"),
    "pause": N_("pause"),
    "resume": N_("resume"),
    "escalate": N_("escalate"),
    "declare_impasse": N_("impasse"),
    "terminate": N_("terminate"),
    "close_withdrawn": N_("withdrawn"),
    "close_escalated": N_("close escalated"),
}
"""Built-in trigger → its English label (translated where shown)."""

GUARD_LABELS = {
    "no_open_caucus": N_("no caucus in progress"),
    "no_non_mediable_issue": N_("no non-mediable issue"),
    "consent_current": N_("every party consented after the latest disclosure"),
    "disclosure_made": N_("the mediator disclosed relationships"),
    "all_heard": N_("every party heard"),
    "all_views_restated": N_("every view restated and confirmed"),
    "common_ground_or_differences_listed": N_("common ground agreed or differences listed"),
    "proposal_accepted_by_all": N_("one proposal accepted by all"),
    "all_signed": N_("every party signed"),
}
"""Built-in guard → its English label (translated where shown)."""


@attrs.frozen
class Move:
    """One stage change of a case, to highlight on the diagram.

    Attributes:
        source: The stage left.
        dest: The stage entered.
        trigger: The trigger that moved it.
    """

    source: str
    dest: str
    trigger: str


@attrs.frozen
class _Edge:
    source: str
    dest: str
    triggers: tuple[str, ...]
    guards: tuple[tuple[str, ...], ...]
    """Per trigger, the guards particular to it."""
    side: bool
    """A side move (pause, escalate, closing without settlement) rather than the main road."""


@attrs.frozen
class _Group:
    """A trigger that every active stage has, to the same stage, without guards of its
    own: drawn once, from (or, for resume, to) the box around the active stages."""

    trigger: str
    other: str
    inbound: bool


@attrs.frozen
class _Graph:
    title: str
    groups: tuple[_Group, ...]
    stages: tuple[tuple[str, str, StageKind], ...]
    edges: tuple[_Edge, ...]
    note: tuple[str, ...]
    visited: frozenset[str]
    taken: frozenset[tuple[str, str, str]]
    """``(source, dest, trigger)`` of every move the case made."""
    current: str | None


_MAIN_TRIGGERS = ("advance", "settle", "settle_partially")


def _graph(
    definition: ProcessDefinition, lang: str, path: Sequence[Move] | None, title: str | None
) -> _Graph:
    check_language(lang)
    _ = translator(lang).gettext
    stage_names = {stage.name for stage in definition.stages}
    running = set(definition.running_guards)
    active = set(definition.active_stages)
    rows = [
        (
            row.trigger,
            row.source,
            row.dest,
            tuple(g for g in row.guards if g not in running and not g.startswith("paused_from_")),
        )
        for row in definition.transitions()
    ]
    # A trigger every active stage has, to one stage outside them (or into every active
    # stage from one outside), with no guard of its own, is drawn once for the box.
    out_of: dict[tuple[str, str], set[str]] = {}
    into: dict[tuple[str, str], set[str]] = {}
    for trigger, source, dest, own in rows:
        if own:
            continue
        if source in active and dest not in active:
            out_of.setdefault((trigger, dest), set()).add(source)
        if dest in active and source not in active:
            into.setdefault((trigger, source), set()).add(dest)
    groups = [_Group(t, d, False) for (t, d), found in out_of.items() if found == active]
    groups += [_Group(t, s, True) for (t, s), found in into.items() if found == active]
    collapsed = {(g.trigger, g.other, g.inbound) for g in groups} if len(active) > 1 else set()
    if not collapsed:
        groups = []
    grouped: dict[tuple[str, str], list[tuple[str, tuple[str, ...]]]] = {}
    for trigger, source, dest, own in rows:
        if (trigger, dest, False) in collapsed and source in active:
            continue
        if (trigger, source, True) in collapsed and dest in active:
            continue
        grouped.setdefault((source, dest), []).append((trigger, own))
    edges = []
    for (source, dest), pairs in grouped.items():
        triggers: list[str] = []
        guards: list[tuple[str, ...]] = []
        for trigger, own in pairs:
            if trigger not in triggers:
                triggers.append(trigger)
                guards.append(own)
        side = not any(t in _MAIN_TRIGGERS for t in triggers)
        edges.append(_Edge(source, dest, tuple(triggers), tuple(guards), side))
    note = []
    if definition.running_guards:
        listed = ", ".join(_(GUARD_LABELS.get(g, g)) for g in definition.running_guards)
        note.append(_("Every advance and settlement also needs: {guards}.").format(guards=listed))
    if definition.has_cooling_off:
        note.append(_("A pause resumes into the stage it left."))
    visited: set[str] = set()
    taken: set[tuple[str, str, str]] = set()
    current = None
    if path is not None:
        visited.add(definition.initial)
        current = definition.initial
        for move in path:
            for stage in (move.source, move.dest):
                if stage not in stage_names:
                    raise InvalidInput(f"path names a stage the process lacks: {stage!r}")
            visited.update((move.source, move.dest))
            taken.add((move.source, move.dest, move.trigger))
            current = move.dest
    default_title = _("Mediation process: {name}").format(name=definition.name)
    return _Graph(
        title=title if title is not None else default_title,
        groups=tuple(groups),
        stages=tuple((s.name, stage_label(s, lang), s.kind) for s in definition.stages),
        edges=tuple(edges),
        note=tuple(note),
        visited=frozenset(visited),
        taken=frozenset(taken),
        current=current,
    )


def _edge_label(edge: _Edge, lang: str, *, multiline: bool) -> str:
    _ = translator(lang).gettext
    runs: list[tuple[list[str], tuple[str, ...]]] = []
    for trigger, guards in zip(edge.triggers, edge.guards, strict=True):
        name = _(TRIGGER_LABELS.get(trigger, trigger))
        if runs and runs[-1][1] == guards:
            runs[-1][0].append(name)
        else:
            runs.append(([name], guards))
    parts = []
    for names, guards in runs:
        text = " | ".join(names)
        if guards:
            joined = ", ".join(_(GUARD_LABELS.get(g, g)) for g in guards)
            text += "\n" + _wrap(f"[{joined}]", 26) if multiline else f" [{joined}]"
        parts.append(text)
    return ("\n" if multiline else " | ").join(parts)


def _expanded(graph: _Graph, definition: ProcessDefinition) -> list[_Edge]:
    """The edges with the box's grouped triggers given back to each active stage (for
    mermaid, which cannot draw an edge from a box reliably)."""
    merged: dict[tuple[str, str], tuple[list[str], list[tuple[str, ...]]]] = {
        (e.source, e.dest): (list(e.triggers), list(e.guards)) for e in graph.edges
    }
    for group in graph.groups:
        for stage in definition.active_stages:
            key = (group.other, stage) if group.inbound else (stage, group.other)
            triggers, guards = merged.setdefault(key, ([], []))
            triggers.append(group.trigger)
            guards.append(())
    return [
        _Edge(source, dest, tuple(triggers), tuple(guards), side=False)
        for (source, dest), (triggers, guards) in merged.items()
    ]


def _mermaid_text(text: str) -> str:
    # Mermaid has no escape for quotes in labels: use typographic ones; '#' and ';'
    # would start entity codes or statements.
    return text.replace('"', "'").replace("#", "＃").replace(";", "；").replace("\n", " ")


def mermaid(
    definition: ProcessDefinition,
    *,
    lang: str = "en",
    path: Sequence[Move] | None = None,
    title: str | None = None,
) -> str:
    """The process as a mermaid ``stateDiagram-v2`` (plain text, no dependency).

    Args:
        definition: The process.
        lang: ``"en"`` or ``"zh"``.
        path: A case's stage changes to highlight (none highlighted when omitted).
        title: Diagram title (default: the process's name).

    Returns:
        The mermaid source.

    Raises:
        InvalidInput: an unknown language, or a path through stages the process lacks.
    """
    graph = _graph(definition, lang, path, title)
    lines = [
        "---",
        f"title: {_mermaid_text(graph.title)}",
        "---",
        "stateDiagram-v2",
        "  direction LR",
    ]
    if path is not None:
        lines += [
            "  classDef visited fill:#dcebf5,stroke:#1f6f8b,color:#0b2e3a",
            "  classDef current fill:#1f6f8b,stroke:#0b2e3a,color:#ffffff,font-weight:bold",
        ]
    for name, label, _kind in graph.stages:
        lines.append(f'  state "{_mermaid_text(label)}" as {name}')
    lines.append(f"  [*] --> {definition.initial}")
    for edge in _expanded(graph, definition):
        label = _mermaid_text(_edge_label(edge, lang, multiline=False))
        lines.append(f"  {edge.source} --> {edge.dest}: {label}")
    closed = [name for name, _label, kind in graph.stages if kind is StageKind.TERMINAL]
    lines += [f"  {name} --> [*]" for name in closed]
    if graph.note:
        first = graph.stages[0][0]
        lines.append(f"  note right of {first}")
        lines += [f"    {_mermaid_text(text)}" for text in graph.note]
        lines.append("  end note")
    for name in sorted(graph.visited - {graph.current or ""}):
        lines.append(f"  class {name} visited")
    if graph.current is not None:
        lines.append(f"  class {graph.current} current")
    return "\n".join(lines) + "\n"


def _dot_quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _wrap(text: str, width: int) -> str:
    words = text.split(" ")
    if len(words) == 1:  # Chinese: no spaces, cut by characters
        return "\n".join(text[i : i + width * 2 // 3] for i in range(0, len(text), width * 2 // 3))
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + len(word) < width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


def dot(
    definition: ProcessDefinition,
    *,
    lang: str = "en",
    path: Sequence[Move] | None = None,
    title: str | None = None,
    guards: bool = True,
) -> str:
    """The process as Graphviz DOT source (plain text, no dependency).

    Args:
        definition: The process.
        lang: ``"en"`` or ``"zh"``.
        path: A case's stage changes to highlight.
        title: Diagram title (default: the process's name).
        guards: Whether to name the guards (on the edges and in the note); without them
            the picture is smaller, e.g. to show one case's path.

    Returns:
        The DOT source.

    Raises:
        InvalidInput: an unknown language, or a path through stages the process lacks.
    """
    graph = _graph(definition, lang, path, title)
    if not guards:
        graph = attrs.evolve(
            graph,
            note=(),
            edges=tuple(
                attrs.evolve(edge, guards=tuple(() for _trigger in edge.triggers))
                for edge in graph.edges
            ),
        )
    font = "Noto Sans CJK SC" if lang == "zh" else "DejaVu Sans"
    out = [
        "digraph mediation_process {",
        f"  graph [rankdir=LR, label={_dot_quote(graph.title)}, labelloc=t, fontsize=16, "
        f'fontname="{font}", nodesep=0.35, ranksep=0.55, bgcolor=white, pad=0.2];',
        f'  node [shape=box, style="rounded,filled", fillcolor="#ffffff", color="#5c6b73", '
        f'fontname="{font}", fontsize=12, margin="0.15,0.07"];',
        f'  edge [fontname="{font}", fontsize=9, color="#5c6b73", fontcolor="#33414a"];',
        '  start [shape=circle, width=0.18, label="", style=filled, fillcolor="#33414a"];',
    ]
    for name, label, kind in graph.stages:
        attributes = [f"label={_dot_quote(label)}"]
        if kind is StageKind.TERMINAL:
            attributes.append("peripheries=2")
        if kind is not StageKind.ACTIVE:
            attributes.append('fillcolor="#f3f3f3"')
        if name == graph.current:
            attributes += ['fillcolor="#1f6f8b"', 'fontcolor="#ffffff"', "penwidth=2.5"]
        elif name in graph.visited:
            attributes += ['fillcolor="#dcebf5"', 'color="#1f6f8b"', "penwidth=1.8"]
        out.append(f"  {name} [{', '.join(attributes)}];")
    out.append(f"  start -> {definition.initial};")
    active = [name for name, _label, kind in graph.stages if kind is StageKind.ACTIVE]
    if graph.groups:
        _ = translator(lang).gettext
        box = _("In mediation: from any of these stages")
        out.insert(1, "  compound=true;")
        out.append(
            f"  subgraph cluster_active {{ label={_dot_quote(box)}; labeljust=l; fontsize=10; "
            f'style="rounded,dashed"; color="#9aa5ab"; {"; ".join(active)}; }}'
        )
        anchor = active[len(active) // 2]
        bundles: dict[tuple[str, bool], list[str]] = {}
        for group in graph.groups:
            bundles.setdefault((group.other, group.inbound), []).append(group.trigger)
        for (other, inbound), triggers in bundles.items():
            name = " | ".join(_(TRIGGER_LABELS.get(t, t)) for t in triggers)
            ends = (other, anchor) if inbound else (anchor, other)
            pairs = [(other, a) if inbound else (a, other) for a in active]
            taken = any((*pair, t) in graph.taken for pair in pairs for t in triggers)
            style = (
                'color="#c8553d", penwidth=2.5, style=solid, fontcolor="#c8553d"'
                if taken
                else 'color="#9aa5ab", style=dashed, fontcolor="#6b777d"'
            )
            clip = "lhead" if inbound else "ltail"
            out.append(
                f"  {ends[0]} -> {ends[1]} [{clip}=cluster_active, label={_dot_quote(name)}, "
                f"{style}];"
            )
    for edge in graph.edges:
        label = _edge_label(edge, lang, multiline=True)
        attributes = [f"label={_dot_quote(label)}"]
        if edge.side:
            attributes += ["style=dashed", 'color="#9aa5ab"', 'fontcolor="#6b777d"']
        if any((edge.source, edge.dest, t) in graph.taken for t in edge.triggers):
            attributes += ['color="#c8553d"', "penwidth=2.5", "style=solid", 'fontcolor="#c8553d"']
        out.append(f"  {edge.source} -> {edge.dest} [{', '.join(attributes)}];")
    if graph.note:
        note = "\n".join(_wrap(text, 60) for text in graph.note)
        out.append(
            f"  note [shape=note, label={_dot_quote(note)}, fontsize=10, "
            'fillcolor="#fffbe6", color="#d8a031"];'
        )
    out.append("}")
    return "\n".join(out) + "\n"


def render(
    definition: ProcessDefinition,
    image_format: Literal["svg", "png"],
    *,
    lang: str = "en",
    path: Sequence[Move] | None = None,
    title: str | None = None,
    guards: bool = True,
) -> bytes:
    """Draw the process with Graphviz.

    Args:
        definition: The process.
        image_format: ``"svg"`` or ``"png"``.
        lang: ``"en"`` or ``"zh"``.
        path: A case's stage changes to highlight.
        title: Diagram title.
        guards: Whether to name the guards (see :func:`dot`).

    Returns:
        The image's bytes (SVG is UTF-8 text).

    Raises:
        InvalidInput: an unknown format or language, or a path through stages the
            process lacks.
        MissingExtra: the ``graphviz`` package or Graphviz's ``dot`` program is missing.
    """
    if image_format not in ("svg", "png"):
        raise InvalidInput(f"image format must be svg or png; got {image_format!r}")
    source = dot(definition, lang=lang, path=path, title=title, guards=guards)
    try:
        import graphviz  # type: ignore[import-untyped]
    except ImportError as error:
        raise MissingExtra(
            "diagrams",
            Phrase(N_("rendered diagrams need the graphviz package: {hint}"), hint=INSTALL_HINT),
        ) from error
    try:
        data: bytes = graphviz.Source(source).pipe(format=image_format)
    except graphviz.ExecutableNotFound as error:
        raise MissingExtra(
            "diagrams",
            Phrase(N_("rendered diagrams need Graphviz's dot program: {hint}"), hint=INSTALL_HINT),
        ) from error
    return data


def moves(events: Iterable[object]) -> tuple[Move, ...]:
    """The stage changes among a case's events, as :class:`Move` values.

    ``stage_changed`` events, an ``escalated`` event (into the escalation stage) and a
    ``closed`` event (into the terminal stage, by the trigger of its outcome) each give
    one move.

    Args:
        events: The case's events.

    Returns:
        The moves, in order.
    """
    from mediation.events import Closed, Escalated, StageChanged
    from mediation.process import CLOSING_TRIGGERS, Stage

    found = []
    for event in events:
        if isinstance(event, StageChanged):
            found.append(Move(event.source, event.dest, event.trigger))
        elif isinstance(event, Escalated):
            found.append(Move(event.stage, Stage.ESCALATED.value, "escalate"))
        elif isinstance(event, Closed):
            trigger = CLOSING_TRIGGERS.get(event.outcome.value, "terminate")
            found.append(Move(event.stage, Stage.CLOSED.value, trigger))
    return tuple(found)
