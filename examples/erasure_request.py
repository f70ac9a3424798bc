"""An erasure request (GDPR Art. 17) for one party: their name and all they said go.

The data-protection officer erases everything about a party of a closed case kept in a
SQLite file: their name and role in the case's opening, their statements, notes and
screening answers. The chain still verifies, naming what was erased, when, by whom and
under what; the case still replays, its case file showing the name as erased; and the
name is in neither the database file nor its write-ahead log. Run it:
``python examples/erasure_request.py``.
"""

from __future__ import annotations

import logging
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import structlog

from mediation import audit
from mediation.casefile import build_casefile, render_markdown
from mediation.store import Repository, verify_case
from mediation.store.sql import SQLStore
from mediation.testing import scripted_case


def main() -> None:
    """Store a case, erase one party, and show what is left."""
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "cases.db"
        with SQLStore(path) as store:
            case = scripted_case("hr-2026-040")  # Lin Wei and Zhao Min, mediated by Chen Jie
            store.append(case.case_id, case.events, 0)
            repo = Repository(
                store,
                clock=lambda: datetime(2027, 3, 1, 9, tzinfo=timezone.utc),
                policy=audit.DataPolicy(erasers=frozenset({"data_protection_officer"})),
            )
            erasure = repo.erase(
                case.case_id,
                party="zhao",
                actor="dpo-1",
                role="data_protection_officer",
                grounds="Art. 17 request #2027-12",
            )
            print(f"erased: {', '.join(erasure.envelope()['spans'])}")
            result = verify_case(store, case.case_id, deep=True)
            print(f"chain intact: {result.ok}")
            for span in result.erased:
                print(f"  {span}")
            replayed = repo.load(case.case_id)
            print(f"replayed: {replayed.version} events, {replayed.stage}")
            for lang in ("en", "zh"):
                text = render_markdown(build_casefile(replayed), lang=lang)
                table = text.split("\n## ")[1].split("\n\n")[1]  # parties and mediator
                people = table.splitlines()[2:4]
                print(f"case file ({lang}): {' / '.join(people)}")
        files = [p for p in (path, Path(f"{path}-wal")) if p.exists()]
        found = any(b"Zhao Min" in file.read_bytes() for file in files)
        print(f"'Zhao Min' still in the database file or its WAL: {found}")


if __name__ == "__main__":
    main()
