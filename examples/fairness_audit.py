"""A fairness audit of a generated caseload: find the biased mediator.

Generates 600 closed workplace mediations into a store (one of the four
mediators, ``m-dana``, favours the senior party), then audits the whole store in one
streaming pass — by the parties' position, the mediator, and the department the HR
system (not the log) knows each person by — and writes the HTML and JSON reports.
Run it: ``python examples/fairness_audit.py`` (it writes into a temporary directory);
the command line does the same with ``mediation fairness STORE --by
position,mediator,department --groups people.csv --html report.html``.
"""

from __future__ import annotations

import csv
import logging
import tempfile
from pathlib import Path

import structlog

from mediation.fairness import (
    audit_store,
    example_attributes,
    example_cases,
    load_attributes,
    render_html,
    to_json,
)
from mediation.store import InMemoryStore


def main(out: Path) -> None:
    """Generate the store and the attributes file in ``out``, audit, write the reports."""
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    # An in-memory store keeps the example quick; a SQLStore (SQLite file or PostgreSQL)
    # is read the same way, in batches.
    store = InMemoryStore()
    for case in example_cases(600, seed=7):
        store.append(case.case_id, case.events, 0)
    # The HR system's directory, kept outside the immutable log.
    people = out / "people.csv"
    with people.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["id", "department", "grade"])
        for person, row in example_attributes(seed=7).items():
            writer.writerow([person, row["department"], row["grade"]])
    report = audit_store(
        store,
        ["position", "mediator", "mediator*position", "department"],
        attributes=load_attributes(people),
        seed=1,
    )
    for line in report.summary():
        print(line)
    dana = [c for c in report.significant() if c.group == "m-dana"]
    print(f"significant differences for m-dana: {[c.metric for c in dana]}")
    (out / "fairness.json").write_text(to_json(report), encoding="utf-8")
    (out / "fairness.html").write_text(render_html(report, charts=False), encoding="utf-8")
    print(f"wrote {out / 'fairness.html'} and {out / 'fairness.json'}")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as directory:
        main(Path(directory))
