"""Verification throughput: POST /verify to one real `badge-issuer serve` worker (SQLite, loopback).

Starts the server (which migrates and creates the default issuer with its key), stores a few
credentials signed by that issuer through the service layer (status entry, signature, Award
row), then posts them round-robin to POST /verify from a thread pool and prints
verifications/s with p50/p99 latency, the server's CPU time per verification (from /proc, which
other load on the machine disturbs less than throughput) and the ratio to the raw floor (one
bare Ed25519 verification of 64 bytes, measured in this process in the same run); every answer
must be 200 with `verified: true`. Also prints, in process, the median of the verification
service (`verify_submission`, as POST /verify runs it) and the SQL statements it runs per
verification. With PYTHONPATH set, the server runs that checkout's code (before/after runs).

    .venv/bin/python bench/verify.py [--requests 500] [--concurrency 1 4] [--credentials 20]
        [--in-process 500]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import event

from badge_issuer import models_registry
from badge_issuer.awards.models import Award, AwardSource
from badge_issuer.config import Settings
from badge_issuer.credentials.assembly import assemble_credential
from badge_issuer.credentials.identity import email_identity
from badge_issuer.credentials.ob3 import Achievement, BitstringStatusListEntry, Criteria, Profile
from badge_issuer.credentials.proofs.data_integrity import sign_credential
from badge_issuer.credentials.salt import new_salt
from badge_issuer.db import create_db_engine, make_session_factory, session_scope
from badge_issuer.issuers import profile
from badge_issuer.issuers import repository as issuer_repository
from badge_issuer.keys import service as key_service
from badge_issuer.kit.clock import utc_now
from badge_issuer.status import service as status_service
from badge_issuer.verification import service as verification_service

sys.path.insert(0, str(Path(__file__).resolve().parent))

# bench/load.py: the Ed25519 floor.
import load

WARMUP = 20


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _server(env: dict[str, str], port: int, log: Path) -> Iterator[tuple[str, int]]:
    base = f"http://127.0.0.1:{port}"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "badge_issuer", "serve", "--port", str(port)],
            env=env,
            stdout=sink,
            stderr=sink,
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if process.poll() is not None:
                    raise SystemExit(f"server exited early; see {log}")
                try:
                    if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            else:
                raise SystemExit(f"server did not start; see {log}")
            yield base, process.pid
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def _issue(settings: Settings, count: int) -> list[str]:
    """Store `count` credentials of the default issuer; return their JSON texts."""
    engine = create_db_engine(settings.database_url)
    documents: list[str] = []
    try:
        for session in session_scope(make_session_factory(engine)):
            issuer = issuer_repository.get_by_slug(session, "default")
            if issuer is None:
                raise SystemExit("the server did not create the default issuer")
            key, signer = key_service.active_signer(session, issuer=issuer, settings=settings)
            for number in range(count):
                now = utc_now()
                allocated = status_service.allocate_entry(
                    session, issuer=issuer, settings=settings, now=now
                )
                credential_uuid = str(uuid.uuid4())
                unsigned = assemble_credential(
                    credential_id=f"{settings.public_origin}/credentials/{credential_uuid}",
                    issuer=Profile.model_validate(profile.profile(issuer, settings.public_origin)),
                    achievement=Achievement(
                        id=f"{settings.public_origin}/achievements/bench",
                        name="Bench badge",
                        description="Completed the bench course.",
                        criteria=Criteria(narrative="Complete BENCH-101."),
                    ),
                    recipient=email_identity(f"learner{number}@example.jp", new_salt()),
                    valid_from=now,
                    credential_status=BitstringStatusListEntry.model_validate(allocated.entry),
                )
                text = json.dumps(
                    sign_credential(unsigned, signer, now),
                    ensure_ascii=False,
                    separators=(",", ":"),
                )
                session.add(
                    Award(
                        uuid=credential_uuid,
                        issuer_id=issuer.id,
                        achievement_id="bench",
                        sequence=number,
                        source=AwardSource.DIRECT,
                        signing_key_id=key.id,
                        status_list_id=allocated.status_list.id,
                        status_index=allocated.index,
                        document=text,
                        issued_at=now,
                        valid_from=now,
                    )
                )
                documents.append(text)
    finally:
        engine.dispose()
    return documents


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds the process `pid` has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _post(client: httpx.Client, url: str, body: str) -> float:
    started = time.perf_counter()
    answer = client.post(url, content=body.encode(), headers={"content-type": "application/json"})
    elapsed = (time.perf_counter() - started) * 1000
    if answer.status_code != 200 or answer.json().get("verified") is not True:
        raise SystemExit(f"verification failed: {answer.status_code} {answer.text[:500]}")
    return elapsed


def _drive(base: str, bodies: list[str], requests: int, concurrency: int) -> tuple[float, list]:
    url = f"{base}/verify"
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    with httpx.Client(timeout=60, limits=limits) as client, ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(lambda i: _post(client, url, bodies[i % len(bodies)]), range(WARMUP)))
        started = time.perf_counter()
        latencies = list(
            pool.map(lambda i: _post(client, url, bodies[i % len(bodies)]), range(requests))
        )
        return time.perf_counter() - started, latencies


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _in_process(settings: Settings, bodies: list[str], runs: int) -> tuple[float, float, float]:
    """Median ms, mean CPU ms and SQL statements of one verification by the service, warm.

    Each verification reads through what POST /verify reads through: the service's `reading`
    of the read-only engine where the checkout has one, else (older checkouts) a Core
    connection of that engine.
    """
    engine = create_db_engine(settings.database_url)
    statements = [0]

    def count(statement: str) -> None:
        if not statement.startswith(("ROLLBACK", "COMMIT")):  # as counted before: BEGIN, reads
            statements[0] += 1

    # Counted by SQLite itself: a statement listener on the engine would change the path taken
    # (the verifier's reads go through SQLAlchemy when something listens to statements).
    event.listen(engine, "connect", lambda connection, _: connection.set_trace_callback(count))
    read_only = make_session_factory(engine, read_only=True).kw["bind"]
    reading = getattr(verification_service, "reading", None)
    timings: list[float] = []
    counted, cpu = 0, 0.0
    try:
        for index in range(WARMUP + runs):
            if index == WARMUP:
                cpu = time.process_time()
            body = bodies[index % len(bodies)].encode()
            before = statements[0]
            started = time.perf_counter()
            with reading(read_only) if reading else read_only.connect() as reader:
                report = verification_service.verify_submission(
                    reader,
                    body=body,
                    content_type="application/json",
                    settings=settings,
                    now=utc_now(),
                )
            if not report.verified:
                raise SystemExit(f"in-process verification failed: {report.problems}")
            if index >= WARMUP:
                timings.append((time.perf_counter() - started) * 1000)
                counted += statements[0] - before
        cpu = time.process_time() - cpu
    finally:
        engine.dispose()
    return statistics.median(timings), cpu * 1000 / runs, counted / runs


def server_setup(work: Path, port: int) -> tuple[dict[str, str], Settings]:
    """The environment of a one-worker SQLite server in `work`, and the same settings in process."""
    env = {
        "BADGE_ISSUER_DATABASE_URL": f"sqlite:///{work / 'bench.db'}",
        "BADGE_ISSUER_KEY_ENCRYPTION_KEY_FILE": str(work / "master.key"),
        "BADGE_ISSUER_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "BADGE_ISSUER_LOG_LEVEL": "WARNING",
        "BADGE_ISSUER_RATE_LIMIT_PUBLIC": "off",  # one client at full speed
        "BADGE_ISSUER_MAX_CONNECTIONS_PER_CLIENT": "100000",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        # Lets a before/after comparison run another checkout's code with this venv.
        "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
    }
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=env["BADGE_ISSUER_DATABASE_URL"],
        key_encryption_key_file=Path(env["BADGE_ISSUER_KEY_ENCRYPTION_KEY_FILE"]),
        public_url=env["BADGE_ISSUER_PUBLIC_URL"],
    )
    return env, settings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--credentials", type=int, default=20)
    parser.add_argument("--in-process", type=int, default=500, help="verifications in process")
    args = parser.parse_args()
    models_registry.metadata()  # every table mapped, so the Award's foreign keys resolve
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    _, floor_ms = load.ed25519_floor()
    print(f"floor (this process): Ed25519 verify of 64 bytes {floor_ms:.3f} ms")
    with tempfile.TemporaryDirectory(prefix="bench-verify-") as folder:
        work = Path(folder)
        port = _free_port()
        env, settings = server_setup(work, port)
        with _server(env, port, work / "server.log") as (base, pid):
            bodies = _issue(settings, args.credentials)
            print(f"POST /verify, one worker, SQLite, {args.credentials} distinct credentials")
            for concurrency in args.concurrency:
                cpu_before = _cpu_seconds(pid)
                seconds, latencies = _drive(base, bodies, args.requests, concurrency)
                # The warm-up requests ran too: count them in the server's CPU time.
                cpu_ms = (_cpu_seconds(pid) - cpu_before) * 1000 / (args.requests + WARMUP)
                rate = args.requests / seconds
                print(
                    f"  concurrency {concurrency}: {rate:7.1f} verifications/s"
                    f" ({1000 / rate / floor_ms:5.1f}x floor)"
                    f"  p50 {_percentile(latencies, 0.5):6.2f} ms"
                    f"  p99 {_percentile(latencies, 0.99):6.2f} ms"
                    f"  server CPU {cpu_ms:5.2f} ms/verification ({cpu_ms / floor_ms:5.1f}x floor)"
                    f"  ({args.requests} requests, all verified, load {os.getloadavg()[0]:.1f})"
                )
        median, cpu_ms, statements = _in_process(settings, bodies, runs=args.in_process)
        print(
            f"in-process verify_submission (warm, SQLite): median {median:.2f} ms"
            f" ({median / floor_ms:.1f}x floor), CPU {cpu_ms:.2f} ms ({cpu_ms / floor_ms:.1f}x),"
            f" {statements:.1f} SQL statements per verification"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
