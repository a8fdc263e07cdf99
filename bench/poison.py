"""Hostile credentials against one real `badge-issuer serve` worker: refused fast, /health served.

Issues a genuine credential of the default issuer, then posts hostile variants of it to
`POST /verify` and `POST /credentials/verify` while a second client polls `GET /health` every
20 ms, and prints for each: the time to the answer, the failed check, and the /health latency
(median and max) measured during it. Variants (proof kept, so only the data changed):
- `clique-8`: evidence replaced by 8 blank nodes that all reference each other (the poison
  graph that cost pyld's RDFC-1.0 55 s of CPU; FINDINGS.md);
- `clique-10`: the same with 10 nodes (W3C RDFC-1.0 test074's shape);
- `ring-2500`: 2,500 typed evidence nodes in a ring (within the size limit; JSON-LD expansion
  alone costs seconds, so the per-request CPU budget stops it).
The floor printed with them is one bare Ed25519 verification and the genuine credential's
verification on the same server.

    .venv/bin/python bench/poison.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

sys.path.insert(0, str(Path(__file__).resolve().parent))
from verify import _free_port, _issue, _server  # the bench's own server helpers

from badge_issuer import models_registry
from badge_issuer.config import Settings

KNOWS = "https://schema.org/knows"


def clique(document: dict[str, Any], size: int) -> dict[str, Any]:
    """The genuine credential with its evidence replaced by a blank-node clique."""
    poisoned = copy.deepcopy(document)
    ids = [f"_:n{index}" for index in range(size)]
    poisoned["evidence"] = [
        {"id": node, "type": ["Evidence"], KNOWS: [{"id": other} for other in ids if other != node]}
        for node in ids
    ]
    return poisoned


def ring(document: dict[str, Any], size: int) -> dict[str, Any]:
    """The genuine credential with `size` typed evidence nodes linked in a ring."""
    poisoned = copy.deepcopy(document)
    ids = [f"_:n{index}" for index in range(size)]
    poisoned["evidence"] = [
        {"id": node, "type": ["Evidence"], KNOWS: {"id": ids[(index + 1) % size]}}
        for index, node in enumerate(ids)
    ]
    return poisoned


class HealthProbe:
    """Polls GET /health every 20 ms in a thread and keeps the latencies."""

    def __init__(self, base: str) -> None:
        self._base = base
        self._stop = threading.Event()
        self.latencies: list[float] = []
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(timeout=30) as client:
            while not self._stop.is_set():
                started = time.perf_counter()
                answer = client.get(f"{self._base}/health")
                if answer.status_code == 200:
                    self.latencies.append((time.perf_counter() - started) * 1000)
                self._stop.wait(0.02)

    def __enter__(self) -> HealthProbe:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def _post(client: httpx.Client, url: str, body: dict[str, Any]) -> tuple[float, int, str]:
    started = time.perf_counter()
    answer = client.post(url, json=body)
    elapsed = (time.perf_counter() - started) * 1000
    payload = answer.json()
    if url.endswith("/credentials/verify"):
        failed = sorted({error.get("check") or "?" for error in payload.get("errors", [])})
    else:
        failed = sorted(c["check"] for c in payload.get("checks", []) if c["status"] == "failed")
    return elapsed, answer.status_code, ",".join(failed) or "(none)"


def _server_pid(port: int) -> int:
    """The pid of the `badge-issuer serve --port PORT` process (found in /proc)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" in command and str(port).encode() in command:
            return int(entry.name)
    raise SystemExit("server process not found")


def _cpu_ms(pid: int) -> float:
    """CPU time (user + system) the process has used, in ms."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def _ed25519_floor_ms(runs: int = 2000) -> float:
    key = Ed25519PrivateKey.generate()
    message = b"x" * 64
    signature = key.sign(message)
    public = key.public_key()
    started = time.perf_counter()
    for _ in range(runs):
        public.verify(signature, message)
    return (time.perf_counter() - started) * 1000 / runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    models_registry.metadata()
    with tempfile.TemporaryDirectory(prefix="bench-poison-") as folder:
        work = Path(folder)
        port = _free_port()
        env = {
            "BADGE_ISSUER_DATABASE_URL": f"sqlite:///{work / 'bench.db'}",
            "BADGE_ISSUER_KEY_ENCRYPTION_KEY_FILE": str(work / "master.key"),
            "BADGE_ISSUER_PUBLIC_URL": f"http://127.0.0.1:{port}",
            "BADGE_ISSUER_LOG_LEVEL": "WARNING",
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        }
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            database_url=env["BADGE_ISSUER_DATABASE_URL"],
            key_encryption_key_file=Path(env["BADGE_ISSUER_KEY_ENCRYPTION_KEY_FILE"]),
            public_url=env["BADGE_ISSUER_PUBLIC_URL"],
        )
        with _server(env, port, work / "server.log") as base:
            genuine = json.loads(_issue(settings, 1)[0])
            variants = {
                "genuine": genuine,
                "clique-8": clique(genuine, 8),
                "clique-10": clique(genuine, 10),
                "ring-2500": ring(genuine, 2500),
            }
            pid = _server_pid(port)
            floor = _ed25519_floor_ms()
            print(f"floor: bare Ed25519 verify {floor:.3f} ms (this run; load shows as wall time)")
            print(
                f"{'variant':10} {'bytes':>7} {'endpoint':22} {'answer ms':>10} "
                f"{'server CPU ms':>13} {'status':>6} {'/health p50':>11} {'/health max':>11}"
                "  failed checks"
            )
            with httpx.Client(timeout=120) as client:
                for name, document in variants.items():
                    size = len(json.dumps(document, separators=(",", ":")).encode())
                    for url, body in (
                        ("/verify", document),
                        ("/credentials/verify", {"verifiableCredential": document}),
                    ):
                        for _ in range(args.repeat):
                            with HealthProbe(base) as probe:
                                time.sleep(0.05)
                                cpu = _cpu_ms(pid)
                                elapsed, status, failed = _post(client, base + url, body)
                                cpu = _cpu_ms(pid) - cpu
                                time.sleep(0.05)
                            health = probe.latencies or [float("nan")]
                            print(
                                f"{name:10} {size:7} {url:22} {elapsed:10.1f} {cpu:13.0f} "
                                f"{status:6} {statistics.median(health):11.1f} "
                                f"{max(health):11.1f}  {failed}"
                            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
