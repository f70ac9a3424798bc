"""What an HR tool writes to keep its cases in a SQLite file and prove what happened.

Each HTTP request of the tool would be one ``Repository.update`` (load the case, run one
command, save); several app servers could share a PostgreSQL URL instead of the file.
At the end the tool exports the case for the archive and verifies the export, and it
can say who read the file. Run it: ``python examples/hr_store.py``.
"""

from __future__ import annotations

import io
import logging
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import structlog

from mediation import NO_CONCERNS, Mediator, Party, Policy, audit
from mediation.clocks import ManualClock
from mediation.store import Repository
from mediation.store.sql import SQLStore

CASE = "hr-2026-031"


def run_case(repo: Repository) -> None:
    """Drive one case from intake to a signed agreement, one saved command at a time."""
    repo.open(
        CASE,
        [Party("amira", "Amira Haddad", role="team lead"), Party("tom", "Tom Berg")],
        Mediator("sofia", "Sofia Lind"),
        supervisors=["hr-director"],
        policy=Policy(deadlines={"listening": timedelta(days=7)}),
    )
    steps = [
        lambda c: c.disclose("sofia", "I have no relationship with either of you.", []),
        lambda c: c.consent("amira"),
        lambda c: c.consent("tom"),
        lambda c: c.screen("sofia", "amira", NO_CONCERNS),
        lambda c: c.screen("sofia", "tom", NO_CONCERNS),
        lambda c: c.advance("sofia"),
        lambda c: c.speak("tom", "My leave request was refused twice without a reason.", 180),
        lambda c: c.speak("amira", "The team was short-staffed in both weeks.", 150),
        lambda c: c.advance("sofia"),
        lambda c: c.restate("amira", "tom", "You felt refused without being told why."),
        lambda c: c.review_restatement("tom", "rs-1", accurate=True),
        lambda c: c.restate("tom", "amira", "You had nobody to cover those weeks."),
        lambda c: c.review_restatement("amira", "rs-2", accurate=True),
        lambda c: c.advance("sofia"),
        lambda c: c.propose_common_ground("sofia", "Leave should be planned early and fairly."),
        lambda c: c.assent("amira", "cg-1"),
        lambda c: c.assent("tom", "cg-1"),
        lambda c: c.advance("sofia"),
        lambda c: c.propose("amira", "Leave requests get an answer with reasons in 3 days."),
        lambda c: c.answer_proposal("tom", "pr-1", accept=True),
        lambda c: c.advance("sofia"),
        lambda c: c.sign("tom"),
        lambda c: c.sign("amira"),
        lambda c: c.close("sofia", "settled"),
    ]
    for step in steps:
        repo.update(CASE, step)


def main() -> None:
    """Run the case in a SQLite file, then export, verify and list the reads."""
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    clock = ManualClock(datetime(2026, 5, 4, 9, tzinfo=timezone.utc), tick=timedelta(minutes=4))
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "cases.db"
        with SQLStore(path) as store:
            # The records office may read every case (a role the data policy grants).
            policy = audit.DataPolicy(readers=frozenset({"records"}))
            repo = Repository(store, clock=clock, policy=policy)
            run_case(repo)
            summary = store.summary(CASE)
            assert summary is not None
            print(f"{CASE}: {summary.version} events, {summary.stage}, outcome {summary.outcome}")
            print(f"head hash (print it on the agreement): {summary.head}")

            late = datetime(2026, 6, 1, tzinfo=timezone.utc)
            print(f"overdue on {late:%Y-%m-%d}: {[s.case_id for s in store.overdue(late)]}")

            seen = repo.view(CASE, "hr-director", purpose="quarterly review")
            print(f"the HR director's view withholds what was said in {seen.redacted_count} events")
            report = repo.authority_report(CASE, "labour-inspectorate")
            print(
                f"for the labour inspectorate: took place {report.took_place}, "
                f"settled {report.settled}, attended {[a.name for a in report.attended]}"
            )

            archive = io.BytesIO()
            repo.export(archive, [CASE], reader="records-office", role="records", purpose="archive")
            print(f"export: {len(archive.getvalue().splitlines())} lines of JSON")
            for result in audit.verify_export(io.BytesIO(archive.getvalue())):
                print(f"verify export: {'ok' if result.ok else result.broken}")
            print(f"verify store:  {'ok' if repo.verify(CASE, deep=True).ok else 'BROKEN'}")

            for read in repo.reads(CASE):
                print(f"read by {read.reader} ({read.access}, {read.purpose}) at {read.at:%H:%M}")
            print(f"read log: {'ok' if repo.verify_reads(CASE).ok else 'BROKEN'}")


if __name__ == "__main__":
    main()
