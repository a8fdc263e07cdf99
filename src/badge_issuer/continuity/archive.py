"""`badge-issuer archive export DIR`: every public document a verifier needs, as static files.

Each document is fetched from the application itself (in process, no network), so every file
holds exactly the bytes the service answers at that URL: credentials as stored, DID documents,
signed status lists (revocations as of the export: they are frozen from then on), achievements,
endorsements, baked images, and the HTML pages where the service has them. Served from DIR at the
same origin by any static web server, badges keep verifying after the service is gone.
Re-running the export rewrites only what changed and removes what the service no longer answers.
"""

from __future__ import annotations

import json
import os
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi.testclient import TestClient

from badge_issuer.awards import repository as award_repository
from badge_issuer.config import Settings
from badge_issuer.continuity import static_hosts
from badge_issuer.continuity.errors import ContinuityError
from badge_issuer.continuity.static_layout import asset_file, document_file, page_file
from badge_issuer.db import create_db_engine, make_session_factory
from badge_issuer.issuers import repository as issuer_repository
from badge_issuer.status import repository as status_repository

MANIFEST = ".archive-manifest.json"


@dataclass
class ExportResult:
    """What an export wrote: files by state, and documents by kind."""

    written: int = 0
    unchanged: int = 0
    removed: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    files: set[str] = field(default_factory=set)

    def summary(self) -> str:
        kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(self.kinds.items()))
        return (
            f"{len(self.files)} files ({self.written} written, {self.unchanged} unchanged, "
            f"{self.removed} removed): {kinds}"
        )


def export_archive(
    settings: Settings, directory: Path, *, origin: str | None = None
) -> ExportResult:
    """Write the static archive of the service as answered under `origin` into `directory`."""
    origin = (origin or settings.public_origin).rstrip("/")
    if origin not in settings.known_origins:
        raise ContinuityError(
            f"{origin} is neither BADGE_ISSUER_PUBLIC_URL nor one of the previous origins"
        )
    directory.mkdir(parents=True, exist_ok=True)
    previous = _previous_files(directory)
    result = ExportResult()
    # Imported here: the whole application is only needed to export, and importing it with
    # this module made every CLI command (e.g. `import completions`) start ~1 s later.
    from badge_issuer.main import create_app

    app = create_app(settings)
    try:
        # No `with`: the application's start-up tasks (dispatchers, warming) are not needed.
        client = TestClient(app, base_url=origin, raise_server_exceptions=True)
        for kind, file, body in _crawl(client, _seeds(settings, origin), origin):
            _store(directory, file, body, result)
            result.kinds[kind] = result.kinds.get(kind, 0) + 1
    finally:
        app.state.engine.dispose()
    for name, text in static_hosts.server_files(origin).items():
        _store(directory, name, text.encode("utf-8"), result)
    for stale in sorted(previous - result.files):
        (directory / stale).unlink(missing_ok=True)
        result.removed += 1
    _store(directory, MANIFEST, json.dumps(sorted(result.files), indent=0).encode(), result)
    return result


def _seeds(settings: Settings, origin: str) -> list[str]:
    engine = create_db_engine(settings.database_url)
    session = make_session_factory(engine, read_only=True)()
    try:
        paths = ["/", "/achievements"]
        for issuer in issuer_repository.all_issuers(session):
            paths += [f"/issuers/{issuer.slug}", f"/issuers/{issuer.slug}/did.json"]
        for uuid in award_repository.all_uuids(session):
            paths += [
                f"/credentials/{uuid}",
                f"/credentials/{uuid}/image.png",
                f"/credentials/{uuid}/image.svg",
            ]
        paths += [
            f"/status-lists/{public_id}" for public_id in status_repository.all_public_ids(session)
        ]
        return paths
    finally:
        session.close()
        engine.dispose()


def _crawl(
    client: TestClient, seeds: Iterable[str], origin: str
) -> Iterator[tuple[str, str, bytes]]:
    """Yield (kind, file, body) for every archived URL, following links found in answers."""
    queue, seen = deque(seeds), set(seeds)
    while queue:
        path = queue.popleft()
        found: list[str] = []
        placement = document_file(path)
        if placement is not None:
            answer = client.get(path, headers={"Accept": "application/json"})
            if answer.status_code == 200 and _belongs(path, answer.content, origin):
                yield _kind(path), placement.file, answer.content
                found += _links_in_json(answer.content, origin)
        page = page_file(path)
        if page is not None:
            answer = client.get(path, headers={"Accept": "text/html"})
            if answer.status_code == 200 and answer.headers.get("content-type", "").startswith(
                "text/html"
            ):
                yield "pages", page, answer.content
                found += _links_in_html(answer.text, origin)
        asset = asset_file(path)
        if asset is not None and placement is None and page is None:
            answer = client.get(path)
            if answer.status_code == 200:
                yield "assets", asset, answer.content
        for link in found:
            if link not in seen:
                seen.add(link)
                queue.append(link)


def _belongs(path: str, body: bytes, origin: str) -> bool:
    """Credentials go into the archive of the origin they were minted under."""
    if not path.startswith("/credentials/") or path.count("/") != 2:
        return True
    try:
        document = json.loads(body)
    except ValueError:
        return False
    return isinstance(document, dict) and str(document.get("id", "")).startswith(origin + "/")


def _kind(path: str) -> str:
    if path.endswith("did.json"):
        return "DID documents"
    if "/image" in path:
        return "images"
    return path.split("/")[1] or "pages"


def _links_in_json(body: bytes, origin: str) -> list[str]:
    try:
        document: Any = json.loads(body)
    except ValueError:
        return []
    links: list[str] = []
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str) and value.startswith(origin + "/"):
            links.append(urlsplit(value).path)
    return [link for link in links if document_file(link) or page_file(link)]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"href", "src"} and value:
                self.links.append(value)


def _links_in_html(text: str, origin: str) -> list[str]:
    parser = _Links()
    parser.feed(text)
    paths = []
    for link in parser.links:
        if link.startswith(origin + "/"):
            link = link[len(origin) :]
        if link.startswith("/") and not link.startswith("//"):
            path = urlsplit(link).path
            if document_file(path) or page_file(path) or asset_file(path):
                paths.append(path)
    return paths


def _previous_files(directory: Path) -> set[str]:
    try:
        listed = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    return {name for name in listed if isinstance(name, str) and ".." not in name.split("/")}


def _store(directory: Path, name: str, body: bytes, result: ExportResult) -> None:
    target = directory / name
    result.files.add(name)
    try:
        if target.read_bytes() == body:
            result.unchanged += 1
            return
    except OSError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.write_bytes(body)
    os.replace(partial, target)
    result.written += 1
