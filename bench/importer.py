"""Bulk import throughput: `badge-issuer import completions FILE`, every line issuing a credential.

For each backend (a SQLite file, a throwaway PostgreSQL) prepares a database with a provider and
a skill map where the one course earns a badge (as bench/load.py does), writes a JSON Lines
file of N completions from N new learners, and times the import command (a whole process,
start-up and migration check included), then counts the credentials stored. The raw floor (one
Ed25519 signature of 64 bytes, in this process) and the load average are printed with it.

    .venv/bin/python bench/importer.py [--backends sqlite,postgresql] [--rows 2000]
        [--batch-size 200] [--sign-workers N]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))

# bench/load.py: the provider, skill map, floor and PostgreSQL helpers.
import load

REAP_SECONDS = 0.5


def _rows_file(folder: Path, rows: int, name: str = "completions.jsonl") -> Path:
    path = folder / name
    with path.open("w", encoding="utf-8") as sink:
        for _ in range(rows):
            body = {
                "learner": {"email": f"{uuid.uuid4().hex}@example.jp", "region": "01-kitami"},
                "course_id": load.COURSE,
                "completed_at": "2026-10-01T10:00:00+09:00",
                "score": 90,
            }
            sink.write(json.dumps(body) + "\n")
    return path


def _env(database_url: str, work: Path) -> dict[str, str]:
    return {
        "BADGE_ISSUER_DATABASE_URL": database_url,
        "BADGE_ISSUER_KEY_ENCRYPTION_KEY_FILE": str(work / "master.key"),
        "BADGE_ISSUER_LOG_LEVEL": "WARNING",
        "BADGE_ISSUER_METRICS_ENABLED": "false",
        "BADGE_ISSUER_PUBLIC_URL": "http://localhost:8000",
        "BADGE_ISSUER_MAIL_DIR": str(work / "mail"),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        # Lets a before/after comparison run another checkout's code with this venv.
        "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
    }


def _no_server_cpu() -> float:
    return 0.0


def _postgres_cpu(server: Any) -> Callable[[], float]:
    """CPU seconds of a throwaway PostgreSQL server so far: the postmaster with its reaped
    children (backends that ended) and its live children (this machine's /proc)."""
    tick = os.sysconf("SC_CLK_TCK")

    def cpu() -> float:
        # Backends that just ended count once the postmaster has reaped them (read without
        # this pause, the import's backends were sometimes in neither sum).
        time.sleep(REAP_SECONDS)
        master = int((server.data_dir / "postmaster.pid").read_text().split()[0])
        ticks = 0
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # ended meanwhile
            if int(pid) == master:
                ticks += sum(int(field) for field in fields[11:15])
            elif int(fields[1]) == master:
                ticks += int(fields[11]) + int(fields[12])
        return ticks / tick

    return cpu


def measure(
    backend: str,
    database_url: str,
    work: Path,
    args: argparse.Namespace,
    server_cpu: Callable[[], float] = _no_server_cpu,
) -> str:
    env = _env(database_url, work)
    load.cli(env, "db", "upgrade")
    # The default issuer and its key, as `serve` prepares them at start.
    prepare = "from badge_issuer import bootstrap, config; bootstrap.prepare(config.get_settings())"
    subprocess.run([sys.executable, "-c", prepare], env=env, check=True, capture_output=True)
    load.cli(env, "provider", "create", "--id", load.PROVIDER, "--name", "Load LMS")
    load.cli(env, "skillmap", "load", str(load.skill_map_file(work)))
    # Start-up (interpreter, imports, migration check): the time of a one-row import.
    startup = _timed_import(env, _rows_file(work, 1, "one.jsonl"), args)
    seconds = _timed_import(env, _rows_file(work, args.rows), args)
    engine = create_engine(database_url)
    with engine.connect() as connection:
        awards = connection.execute(text("SELECT count(*) FROM award")).scalar_one()
    engine.dispose()
    again = _rows_file(work, args.rows, "again.jsonl")
    server_started = server_cpu()
    statements, cpu_ms, worker_ms, wait_ms = _in_process(env, again, args)
    server_ms = (server_cpu() - server_started) * 1000 / args.rows
    total_ms = cpu_ms + worker_ms + server_ms
    rate = args.rows / seconds
    steady = args.rows / max(seconds - startup, 1e-9)
    sign_ms, _ = load.ed25519_floor()
    return (
        f"{backend:<10} {args.rows:>6} {args.batch_size:>5} {seconds:>7.2f} {rate:>7.1f} "
        f"{1000 / sign_ms / rate:>6.0f}x {startup:>7.2f} {steady:>7.1f} "
        f"{1000 / sign_ms / steady:>6.0f}x {awards - 1:>6} {statements:>6.2f} {cpu_ms:>6.2f} "
        f"{cpu_ms / sign_ms:>5.0f}x {worker_ms:>6.2f} {server_ms:>6.2f} {total_ms:>6.2f} "
        f"{wait_ms:>6.2f} {os.getloadavg()[0]:>4.1f}"
    )


def _in_process(
    env: dict[str, str], rows: Path, args: argparse.Namespace
) -> tuple[float, float, float, float]:
    """Import another file of as many new learners in this process: SQL statements and CPU
    time per row (neither counts start-up; statements do not depend on the machine's load)."""
    from sqlalchemy import event

    from badge_issuer.config import Settings
    from badge_issuer.db import create_db_engine, make_session_factory
    from badge_issuer.intake import importer
    from badge_issuer.kit.clock import utc_now

    saved = dict(os.environ)
    os.environ.update(env)
    try:
        settings = Settings(_env_file=None)  # type: ignore[call-arg]
    finally:
        os.environ.clear()
        os.environ.update(saved)
    engine = create_db_engine(settings.database_url)
    counted = [0]

    def count(*_args: object) -> None:
        counted[0] += 1

    event.listen(engine, "before_cursor_execute", count)
    lines = rows.read_text(encoding="utf-8").splitlines(keepends=True)
    waited = _time_waits_for_workers()
    started = time.process_time()
    children = _children_cpu()
    importer.import_in_batches(
        make_session_factory(engine),
        provider_id=load.PROVIDER,
        rows=importer.parse_rows(lines, importer.ImportFormat.JSONL),
        batch_size=args.batch_size,
        settings=settings,
        clock=utc_now,
        tally=importer.ImportTally(),
        on_commit=lambda line: None,
        **_sign_workers(args),
    )
    cpu_ms = (time.process_time() - started) * 1000 / args.rows
    # Signing workers (`--sign-workers`) are reaped when the import ends: their CPU counts here.
    worker_ms = (_children_cpu() - children) * 1000 / args.rows
    engine.dispose()
    return counted[0] / args.rows, cpu_ms, worker_ms, waited[0] * 1000 / args.rows


def _time_waits_for_workers() -> list[float]:
    """Add up the wall time the importer waits for signed documents (`signing_pool.Batch`)."""
    waited = [0.0]
    try:
        from badge_issuer.awards import signing_pool
    except ImportError:
        return waited
    signed = signing_pool.Batch.signed

    def timed(batch: signing_pool.Batch) -> Any:
        started = time.perf_counter()
        try:
            return signed(batch)
        finally:
            waited[0] += time.perf_counter() - started

    signing_pool.Batch.signed = timed  # type: ignore[method-assign, assignment]
    return waited


def _sign_workers(args: argparse.Namespace) -> dict[str, int]:
    """--sign-workers, or the CLI's default; nothing for a tree without signing workers."""
    try:
        from badge_issuer.intake.cli import DEFAULT_SIGN_WORKERS
    except ImportError:
        return {}
    return {
        "sign_workers": DEFAULT_SIGN_WORKERS if args.sign_workers is None else args.sign_workers
    }


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed_import(env: dict[str, str], rows: Path, args: argparse.Namespace) -> float:
    command = [sys.executable, "-m", "badge_issuer", "import", "completions", str(rows)]
    command += ["--provider", load.PROVIDER, "--batch-size", str(args.batch_size)]
    if args.sign_workers is not None:
        command += ["--sign-workers", str(args.sign_workers)]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1800)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"import failed:\n{done.stdout}\n{done.stderr}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument(
        "--sign-workers", type=int, default=None, help="default: the import command's default"
    )
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    lines = []
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        for number, backend in enumerate(args.backends.split(",")):
            work = Path(folder) / backend
            work.mkdir()
            if backend == "sqlite":
                lines.append(measure(backend, f"sqlite:///{work / 'import.db'}", work, args))
                continue
            server = load.throwaway_postgres.start()
            try:
                url = load._postgres_database(server.url, f"import_{number}")
                lines.append(measure(backend, url, work, args, _postgres_cpu(server)))
            finally:
                load.throwaway_postgres.stop(server)
    sign_ms, _ = load.ed25519_floor()
    print(f"floor (this process): Ed25519 sign {sign_ms:.3f} ms ({1000 / sign_ms:.0f}/s)")
    print(
        f"{'backend':<10} {'rows':>6} {'batch':>5} {'seconds':>7} {'rows/s':>7} {'floor':>7} "
        f"{'start-up':>7} {'steady':>7} {'floor':>7} {'awards':>6} {'SQL/row':>6} "
        f"{'CPU ms':>6} {'floor':>6} {'wkr ms':>6} {'db ms':>6} {'total':>6} {'wait':>6} "
        f"{'load':>4}"
    )
    print(*lines, sep="\n")
    print(
        "seconds: the whole import process; start-up: a one-row import (interpreter, imports,\n"
        "migration check); steady: rows / (seconds - start-up). floor: Ed25519 signatures/s per\n"
        "imported row/s. awards: credentials the N-row file issued. SQL/row, CPU ms: a second\n"
        "file of N new learners imported inside this process (statements per row, CPU per row\n"
        "of this process, its floor: CPU ms per Ed25519 signature; wkr ms: CPU per row of the\n"
        "signing worker processes, all of them together; db ms: CPU per row of the PostgreSQL\n"
        "server, on the same machine; total: the three, what the machine's cores share; wait:\n"
        "wall ms per row the importer waited for the workers' signatures)."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
