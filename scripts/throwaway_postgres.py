"""Start and stop a throwaway PostgreSQL server in a temporary folder on 127.0.0.1.

Used by the test command (`make test`) and by the test suite when no server is given. Debian's
`postgresql` package provides the binaries; as root they run as the `postgres` user, since
PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Server:
    data_dir: Path
    port: int
    bin_dir: Path

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"


def _bin_dir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    found = shutil.which("initdb")
    if found:
        candidates.insert(0, found)
    if not candidates:
        raise SystemExit("PostgreSQL is not installed: apt-get install -y postgresql")
    return Path(candidates[0]).parent


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(args: list[str]) -> None:
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def start() -> Server:
    """initdb + pg_ctl start, fsync off (test data only); wait until it accepts connections."""
    bin_dir = _bin_dir()
    data_dir = Path(tempfile.mkdtemp(prefix="badge-issuer-pg-"))
    if os.geteuid() == 0:
        shutil.chown(data_dir, "postgres", "postgres")
    port = _free_port()
    _run(
        [
            str(bin_dir / "initdb"),
            "-D",
            str(data_dir),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
            "--locale=C",
        ]
    )
    options = (
        f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={data_dir} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
    )
    _run(
        [
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data_dir),
            "-o",
            options,
            "-l",
            str(data_dir / "server.log"),
            "-w",
            "start",
        ]
    )
    return Server(data_dir=data_dir, port=port, bin_dir=bin_dir)


def stop(server: Server) -> None:
    """Stop the server immediately and delete its folder."""
    try:
        _run(
            [str(server.bin_dir / "pg_ctl"), "-D", str(server.data_dir), "-m", "immediate", "stop"]
        )
    finally:
        shutil.rmtree(server.data_dir, ignore_errors=True)


def main() -> int:
    """Run a command with BADGE_ISSUER_TEST_POSTGRES_URL pointing at a fresh server."""
    if len(sys.argv) < 2:
        print("usage: throwaway_postgres.py COMMAND [ARGS…]", file=sys.stderr)
        return 2
    server = start()
    print(f"throwaway PostgreSQL on 127.0.0.1:{server.port}", file=sys.stderr)
    try:
        env = {**os.environ, "BADGE_ISSUER_TEST_POSTGRES_URL": server.url}
        return subprocess.run(sys.argv[1:], env=env, check=False).returncode
    finally:
        stop(server)
        print("throwaway PostgreSQL stopped", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
