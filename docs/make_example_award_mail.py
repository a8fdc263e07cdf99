"""Write docs/example-award-mail.eml: a message as a real `serve` process sent it over SMTP.

Starts `badge-issuer serve` on a throwaway SQLite database with the example skill map, an SMTP
server on loopback (aiosmtpd, a dev dependency) as BADGE_ISSUER_SMTP_URL, registers the example
providers, replays the first two example completions (the second earns the bronze badge) as
signed webhooks, and writes the message the SMTP server received.

    .venv/bin/python docs/make_example_award_mail.py
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from aiosmtpd.controller import Controller
from standardwebhooks.webhooks import Webhook

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "docs" / "example-award-mail.eml"
PROVIDERS = {
    "manabi-portal": "まなびポータル",
    "kitami-it-academy": "北見ITアカデミー",
    "hokudai-mooc": "北大MOOC",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        self.messages.append(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "badge_issuer", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def _post(base: str, provider: str, secret: str, body: dict[str, Any]) -> None:
    payload = json.dumps(body, ensure_ascii=False)
    msg_id = f"msg_{uuid.uuid4().hex}"
    now = datetime.now(UTC)
    headers = {
        "content-type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, now, payload),
    }
    response = httpx.post(
        f"{base}/v1/providers/{provider}/completions",
        content=payload.encode(),
        headers=headers,
        timeout=30,
    )
    response.raise_for_status()


def main() -> None:
    inbox = _Inbox()
    smtp_port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    with tempfile.TemporaryDirectory() as folder:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "BADGE_ISSUER_DATABASE_URL": f"sqlite:///{folder}/example.db",
            "BADGE_ISSUER_KEY_ENCRYPTION_KEY_FILE": f"{folder}/master.key",
            "BADGE_ISSUER_SKILL_MAP": str(ROOT / "examples" / "skill-map.yaml"),
            "BADGE_ISSUER_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
            "BADGE_ISSUER_MAIL_FROM": "北海道デジタル人材バッジ <badges@pref.hokkaido.example>",
            "BADGE_ISSUER_LOG_LEVEL": "WARNING",
        }
        secrets = {
            provider: _cli(env, "provider", "create", "--id", provider, "--name", name)
            for provider, name in PROVIDERS.items()
        }
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "badge_issuer", "serve", "--port", str(port)], env=env
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if httpx.get(f"{base}/health/ready").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
            lines = (ROOT / "examples" / "completions.jsonl").read_text().splitlines()
            for line in lines[:2]:
                event = json.loads(line)
                _post(base, event["provider"], secrets[event["provider"]], event["body"])
            for _ in range(300):
                if inbox.messages:
                    break
                time.sleep(0.1)
        finally:
            server.terminate()
            server.wait(timeout=30)
            controller.stop()
    if not inbox.messages:
        raise SystemExit("no message arrived")
    OUTPUT.write_bytes(inbox.messages[0])
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({len(inbox.messages[0])} bytes)")


if __name__ == "__main__":
    main()
