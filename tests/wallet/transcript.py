"""Record a wallet's HTTP requests and the service's answers, for docs/wallet-pickup/*.md.

Set BADGE_ISSUER_WRITE_TRANSCRIPTS=1 to (re)write the files; otherwise nothing is written.
Long values (proofs, credentials) are kept whole: a transcript is evidence, not a summary.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

DOCS = Path(__file__).resolve().parents[2] / "docs" / "wallet-pickup"


def _body(text: str, content_type: str) -> str:
    if "json" in content_type:
        try:
            return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
        except ValueError:
            return text
    return text


@dataclass
class Recorder:
    """A TestClient wrapper that notes every exchange it carries."""

    client: TestClient
    entries: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        self.entries.append(text)

    def request(self, method: str, url: str, **kwargs: Any) -> Response:
        response = self.client.request(method, url, **kwargs)
        sent = ""
        if "json" in kwargs:
            sent = json.dumps(kwargs["json"], indent=2, ensure_ascii=False)
        elif "data" in kwargs:
            sent = "&".join(f"{k}={v}" for k, v in kwargs["data"].items())
        headers = "".join(f"{k}: {v}\n" for k, v in (kwargs.get("headers") or {}).items())
        answer = _body(response.text, response.headers.get("content-type", ""))
        self.entries.append(
            f"```http\n{method} {url}\n{headers}\n{sent}\n```\n\n"
            f"```http\nHTTP {response.status_code} "
            f"({response.headers.get('content-type', '-')})\n\n{answer}\n```\n"
        )
        return response

    def write(self, name: str, title: str) -> None:
        if not os.environ.get("BADGE_ISSUER_WRITE_TRANSCRIPTS"):
            return
        DOCS.mkdir(parents=True, exist_ok=True)
        text = f"# {title}\n\nWritten by `tests/wallet` (BADGE_ISSUER_WRITE_TRANSCRIPTS=1).\n\n"
        (DOCS / name).write_text(text + "\n".join(self.entries), encoding="utf-8")
