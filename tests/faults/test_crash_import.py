"""SIGKILL a bulk import mid-way, twice: the resumed job stores every row once, no more.

`badge-issuer import completions FILE --provider ID` commits every batch and then records the
last committed line next to the file. Killed at any moment and run again, it resumes; rows
committed but not yet recorded are met again and counted as duplicates, never stored twice.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from badge_issuer import bootstrap
from badge_issuer.config import Settings
from badge_issuer.intake import import_state
from tests.faults import ledger
from tests.faults.preparation import ACHIEVEMENT, COURSE, PROVIDER, prepare_deployment
from tests.faults.servers import cli, server_env
from tests.providers.factories import completion_body

ROWS = 360
BATCH = 15
INVALID_EVERY = 40  # a malformed email: rejected by validation
REPEAT_EVERY = 45  # the row of 30 lines earlier again: a duplicate
UNKNOWN_COURSE_LINE = 101  # a course the skill map does not know: rejected


def _row(line: int) -> dict[str, object]:
    if line % REPEAT_EVERY == 0:
        return _row(line - 30)
    email = "not-an-email" if line % INVALID_EVERY == 0 else f"import-{line}@example.jp"
    course = "NOT-IN-MAP" if line == UNKNOWN_COURSE_LINE else COURSE
    return completion_body(learner={"email": email}, course_id=course, certificate_url=None)


def _write_rows(path: Path) -> tuple[set[int], int]:
    """Write the JSON Lines file; return the lines to reject and the distinct valid rows."""
    rows = {line: _row(line) for line in range(1, ROWS + 1)}
    lines = [json.dumps(row) for row in rows.values()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rejected = {
        line
        for line, row in rows.items()
        if row["course_id"] != COURSE or row["learner"] == {"email": "not-an-email"}
    }
    distinct_valid = {lines[line - 1] for line in rows if line not in rejected}
    return rejected, len(distinct_valid)


def _committed_line(source: Path) -> int:
    try:
        return int(json.loads(import_state.state_path(source).read_text())["committed_line"])
    except (OSError, ValueError, KeyError):
        return 0


def _import_killed_after(env: dict[str, str], source: Path, line: int, log: Path) -> None:
    """Start the import and SIGKILL it once it has committed beyond `line`."""
    command = [sys.executable, "-m", "badge_issuer", "import", "completions", str(source)]
    command += ["--provider", PROVIDER, "--batch-size", str(BATCH)]
    with log.open("ab") as sink:
        process = subprocess.Popen(command, env=env, stdout=sink, stderr=sink)
        deadline = time.monotonic() + 120
        while _committed_line(source) < line:
            assert process.poll() is None, f"the import ended before line {line}; see {log}"
            assert time.monotonic() < deadline, f"the import is stuck; see {log}"
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        process.wait()


def _summary(stdout: str) -> dict[str, int]:
    counts = dict(line.split("\t", 1) for line in stdout.splitlines() if "\t" in line)
    return {name: int(counts[name]) for name in ("accepted", "duplicates", "rejected")}


@pytest.mark.postgres
@pytest.mark.slow
class TestImportKilledMidway:
    def test_resumed_import_stores_each_row_once_and_accounts_for_every_row(
        self, settings: Settings, db_backend: str, tmp_path: Path
    ) -> None:
        if db_backend != "postgresql":
            pytest.skip("the crash tests run on the multi-process database, PostgreSQL")
        env = server_env(settings)
        bootstrap.prepare(settings)  # what `serve` does first: the default issuer and its key
        prepare_deployment(settings)
        source = tmp_path / "completions.jsonl"
        rejected_lines, distinct_valid = _write_rows(source)
        _import_killed_after(env, source, ROWS // 3, tmp_path / "import-1.log")
        _import_killed_after(env, source, 2 * ROWS // 3, tmp_path / "import-2.log")
        final = cli(env, "import", "completions", str(source), "--provider", PROVIDER)

        assert final.returncode == 1, final.stderr  # 1: some rows were rejected
        assert "resuming after line" in final.stderr
        summary = _summary(final.stdout)
        assert summary["accepted"] + summary["duplicates"] + summary["rejected"] == ROWS
        assert summary["rejected"] == len(rejected_lines)
        listed = {int(line.split()[1]) for line in final.stdout.splitlines() if line[:5] == "line "}
        assert listed == rejected_lines
        assert not import_state.state_path(source).exists()
        with ledger.session_on(settings) as session:
            stored = ledger.load(session)
            assert len(stored.completions) == distinct_valid
            per_learner = ledger.awards_per_learner(stored, ACHIEVEMENT)
            assert set(per_learner) == {c.learner_id for c in stored.completions}
            assert set(per_learner.values()) == {1}
            assert ledger.shared_status_indexes(session) == []
            assert ledger.credential_problems(session, settings, stored.awards) == []
