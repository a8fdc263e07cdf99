"""Outbox dispatcher cost: statements, write transactions and CPU per delivered job.

For each backend (a SQLite file, a throwaway PostgreSQL) prepares a database as bench/load.py
does (a provider whose callbacks go to a loopback receiver in this process, a skill map where
the one course earns a badge), imports N completions (each queues one learner mail and one
provider callback), then drains the queue in a child process with the dispatcher `serve` runs
(`notifications.runtime.dispatcher(...).run_once()` until nothing is due), mail written as .eml
files. The child counts, per job: SQL statements (an executemany counts once), write and read
transactions (SQLAlchemy `begin` events; a read one is a read-only session's), the time write
transactions were open (on SQLite, the time the process's writer lock is held: what request
handlers wait for) and the process's CPU time. Statement and transaction counts do not depend
on the machine's load; the times do (compare runs of one invocation, as ratios to the floor).

Several code trees can be compared in one run, interleaved: `--trees new,base` with
`--base-path DIR/src` (e.g. `git archive REV src | tar -x -C DIR`); each child gets that tree as
PYTHONPATH. The raw floor (one Ed25519 signature of 64 bytes, in this process) and the load
average are printed with the table.

    .venv/bin/python bench/outbox.py [--backends sqlite,postgresql] [--jobs 200] [--rounds 2]
        [--batch-sizes 32,4,1] [--trees new] [--base-path DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))

# bench/load.py: the provider, skill map, floor and PostgreSQL helpers.
import importer
import load

SRC = Path(__file__).resolve().parents[1] / "src"


class _Receiver(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def receiver() -> Iterator[str]:
    """A loopback callback receiver answering 204, on a thread of this process."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()


def prepare(database_url: str, work: Path, callback_url: str, jobs: int) -> dict[str, str]:
    """A database with `jobs` credentials issued, each with a mail and a callback queued."""
    env = importer._env(database_url, work)
    load.cli(env, "db", "upgrade")
    bootstrap = (
        "from badge_issuer import bootstrap, config; bootstrap.prepare(config.get_settings())"
    )
    subprocess.run([sys.executable, "-c", bootstrap], env=env, check=True, capture_output=True)
    load.cli(
        env, "provider", "create", "--id", load.PROVIDER, "--name", "Load LMS",
        "--callback-url", callback_url,
    )  # fmt: skip
    load.cli(env, "skillmap", "load", str(load.skill_map_file(work)))
    rows = importer._rows_file(work, jobs)
    load.cli(env, "import", "completions", str(rows), "--provider", load.PROVIDER)
    return env


def drive() -> None:
    """(child) Drain the queue with this tree's dispatcher; print the counts as JSON."""
    from sqlalchemy import event

    from badge_issuer.config import get_settings
    from badge_issuer.db import READ_ONLY, create_db_engine
    from badge_issuer.kit.logging import configure_logging
    from badge_issuer.notifications import runtime

    settings = get_settings()
    configure_logging(level=settings.log_level, json=settings.log_json)  # as `serve` does
    engine = create_db_engine(settings.database_url)
    tally: dict[str, Any] = {"statements": 0, "write": 0, "read": 0, "write_ms": 0.0}
    opened: dict[int, float] = {}

    def statement(*_args: object) -> None:
        tally["statements"] += 1

    def begin(connection: Any) -> None:
        if connection.get_execution_options().get(READ_ONLY):
            tally["read"] += 1
        else:
            tally["write"] += 1
            opened[id(connection)] = time.perf_counter()

    def end(connection: Any) -> None:
        started = opened.pop(id(connection), None)
        if started is not None:
            tally["write_ms"] += (time.perf_counter() - started) * 1000

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "begin", begin)
    event.listen(engine, "commit", end)
    event.listen(engine, "rollback", end)
    dispatcher = runtime.dispatcher(engine, settings)
    jobs = 0
    cpu, wall = time.process_time(), time.perf_counter()
    while attempted := dispatcher.run_once():
        jobs += attempted
    tally |= {
        "jobs": jobs,
        "cpu_ms": (time.process_time() - cpu) * 1000,
        "wall_ms": (time.perf_counter() - wall) * 1000,
        "batch": dispatcher.batch,
    }
    dispatcher.close()
    with engine.connect() as connection:
        tally["delivered"] = connection.execute(
            text("SELECT count(*) FROM outbox_job WHERE state = 'delivered'")
        ).scalar_one()
    engine.dispose()
    print(json.dumps(tally))


def copy_database(backend: str, source: str, server_url: str | None, name: str) -> str:
    """A fresh copy of the prepared database (a file copy; PostgreSQL: CREATE ... TEMPLATE)."""
    if backend == "sqlite":
        path = Path(make_url(source).database or "")
        target = path.with_name(f"{name}.db")
        shutil.copy(path, target)
        return f"sqlite:///{target}"
    assert server_url is not None
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        template = make_url(source).database
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    engine.dispose()
    return make_url(server_url).set(database=name).render_as_string(False)


def run(env: dict[str, str], database_url: str, tree: str, batch: int) -> dict[str, Any]:
    child = env | {
        "BADGE_ISSUER_DATABASE_URL": database_url,
        "BADGE_ISSUER_OUTBOX_BATCH_SIZE": str(batch),
        "PYTHONPATH": tree,
    }
    done = subprocess.run(
        [sys.executable, __file__, "--drive"], env=child, capture_output=True, text=True,
        timeout=1800,
    )  # fmt: skip
    if done.returncode:
        raise SystemExit(f"the dispatcher run failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def measure(backend: str, args: argparse.Namespace, trees: dict[str, str]) -> list[str]:
    lines = []
    server = load.throwaway_postgres.start() if backend == "postgresql" else None
    try:
        with tempfile.TemporaryDirectory(prefix="bench-outbox-") as folder, receiver() as url:
            work = Path(folder)
            source = (
                load._postgres_database(server.url, "outbox_source")
                if server
                else f"sqlite:///{work / 'source.db'}"
            )
            env = prepare(source, work, url, args.jobs)
            number = 0
            for _ in range(args.rounds):
                for name, tree in trees.items():
                    for batch in args.batch_sizes:
                        number += 1
                        copy = copy_database(
                            backend, source, server.url if server else None, f"run{number}"
                        )
                        got = run(env, copy, tree, batch)
                        lines.append(_line(backend, name, got))
    finally:
        if server:
            load.throwaway_postgres.stop(server)
    return lines


def _line(backend: str, tree: str, got: dict[str, Any]) -> str:
    jobs = max(1, got["jobs"])
    sign_ms = FLOOR[0]
    return (
        f"{backend:<10} {tree:<5} {got['batch']:>5} {got['jobs']:>5} {got['delivered']:>5} "
        f"{got['statements'] / jobs:>6.2f} {got['write'] / jobs:>6.3f} {got['read'] / jobs:>6.3f} "
        f"{got['write_ms'] / jobs:>7.3f} {got['cpu_ms'] / jobs:>7.3f} "
        f"{got['cpu_ms'] / jobs / sign_ms:>6.0f}x {got['wall_ms'] / jobs:>7.3f} "
        f"{os.getloadavg()[0]:>4.1f}"
    )


FLOOR = (0.0, 0.0)


def main() -> int:
    global FLOOR
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drive", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--jobs", type=int, default=200, help="credentials issued (2 jobs each)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--batch-sizes", default=[32], type=lambda v: [int(n) for n in v.split(",")]
    )
    parser.add_argument("--trees", default="new", help="new, base or new,base (interleaved)")
    parser.add_argument(
        "--base-path", default=str(Path(tempfile.gettempdir(), "outbox-base", "src"))
    )
    args = parser.parse_args()
    if args.drive:
        drive()
        return 0
    trees = {
        name: str(SRC if name == "new" else Path(args.base_path)) for name in args.trees.split(",")
    }
    for name, tree in trees.items():
        if not Path(tree, "badge_issuer").is_dir():
            parser.error(f"no badge_issuer package under {tree} (tree {name})")
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    FLOOR = load.ed25519_floor()
    lines = []
    for backend in args.backends.split(","):
        lines += measure(backend, args, trees)
    print(
        f"floor (this process): Ed25519 sign {FLOOR[0]:.3f} ms\n"
        f"{'backend':<10} {'tree':<5} {'batch':>5} {'jobs':>5} {'deliv':>5} {'stmt/j':>6} "
        f"{'wtx/j':>6} {'rtx/j':>6} {'wms/j':>7} {'cpu/j':>7} {'floor':>7} {'wall/j':>7} "
        f"{'load':>4}"
    )
    print("\n".join(lines))
    print(
        "per job (a mail or a callback): stmt SQL statements, wtx/rtx write/read transactions,\n"
        "wms ms write transactions were open, cpu ms of the process's CPU, floor cpu/sign floor,\n"
        "wall ms of the drain. batch: jobs claimed at once (the old tree claims 4 whatever)."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
