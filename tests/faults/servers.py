"""Real `badge-issuer` processes for fault tests: start, wait until ready, SIGKILL, restart."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

from badge_issuer.config import Settings

# A loaded CI machine (two cores shared with other test workers) starts a server slowly.
START_TIMEOUT = 90.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(settings: Settings) -> dict[str, str]:
    """The environment every process of one deployment shares: database, KEK, public URL."""
    return {
        "BADGE_ISSUER_DATABASE_URL": settings.database_url,
        "BADGE_ISSUER_KEY_ENCRYPTION_KEY_FILE": str(settings.key_encryption_key_file),
        "BADGE_ISSUER_PUBLIC_URL": settings.public_url,
        "BADGE_ISSUER_MAIL_DIR": str(settings.mail_dir),
        "BADGE_ISSUER_LOG_LEVEL": "WARNING",
        # Load and fault tests send bursts from one address; rate limits are tested elsewhere.
        "BADGE_ISSUER_RATE_LIMIT_PUBLIC": "off",
        "BADGE_ISSUER_RATE_LIMIT_WEBHOOK": "off",
        "BADGE_ISSUER_RATE_LIMIT_ADMIN": "off",
        "BADGE_ISSUER_MAX_CONNECTIONS_PER_CLIENT": "100000",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    }


def cli(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run `badge-issuer ARGS` to completion and return its result (not checked)."""
    return subprocess.run(
        [sys.executable, "-m", "badge_issuer", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@dataclass
class ServerProcess:
    """One `badge-issuer serve` process on a fixed port, restartable on the same port."""

    env: dict[str, str]
    log_path: Path
    workers: int = 1
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._log = self.log_path.open("ab")
        command = [sys.executable, "-m", "badge_issuer", "serve", "--port", str(self.port)]
        command += ["--workers", str(self.workers)]
        self.process = subprocess.Popen(command, env=self.env, stdout=self._log, stderr=self._log)

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        """Wait until /health/ready answers 200 (migrated, default issuer has a key)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"{self.base_url} exited; see {self.log_path}")
            try:
                if httpx.get(f"{self.base_url}/health/ready", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"{self.base_url} did not become ready; see {self.log_path}")

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, open transactions die with the connection."""
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
        self._close_log()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None
