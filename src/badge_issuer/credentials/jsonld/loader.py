"""JSON-LD document loader that serves only the bundled contexts and never touches the network.

Every context is checked against the sha256 recorded in `contexts/INDEX.json` when it is first
read, so a tampered or re-formatted copy fails loudly instead of silently changing what a
signature covers.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from pyld import ContextResolver

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"
INDEX_FILE = CONTEXTS_DIR / "INDEX.json"

# pyld keeps processed contexts in plain LRU caches that are not safe to mutate from several
# threads at once; it is CPU-bound under the GIL anyway, so serialising its calls costs nothing.
PYLD_LOCK = threading.RLock()

# Room for every bundled context plus the inline scoped contexts pyld caches by content.
_RESOLVED_CONTEXT_CACHE_SIZE = 512


class ContextNotAllowed(LookupError):
    """A document asked for a context URL that is not bundled: nothing is ever fetched."""

    def __init__(self, url: str) -> None:
        super().__init__(
            f"JSON-LD context {url!r} is not one of the bundled contexts; "
            "remote contexts are never fetched"
        )
        self.url = url


class ContextIntegrityError(RuntimeError):
    """A bundled context file does not match the sha256 recorded for it in INDEX.json."""


def _read_verified(path: Path, expected_sha256: str) -> Any:
    """Return the parsed JSON of `path` after checking its bytes against `expected_sha256`."""
    raw = path.read_bytes()
    actual = hashlib.sha256(raw).hexdigest()
    if actual != expected_sha256:
        raise ContextIntegrityError(
            f"{path.name}: sha256 {actual} does not match {expected_sha256} in INDEX.json"
        )
    return json.loads(raw)


def read_context_dir(directory: Path) -> dict[str, Any]:
    """Read every context listed in `directory`/INDEX.json, verified by sha256, keyed by URL."""
    index = json.loads((directory / "INDEX.json").read_text(encoding="utf-8"))
    return {
        url: _read_verified(directory / entry["file"], entry["sha256"])
        for url, entry in index.items()
    }


@cache
def bundled_contexts() -> Mapping[str, Any]:
    """Return the bundled contexts (URL -> parsed document), verified once per process."""
    return read_context_dir(CONTEXTS_DIR)


class _LruCache(OrderedDict[str, Any]):
    """A small LRU mapping with the get/set interface pyld's ContextResolver uses."""

    def __init__(self, maxsize: int) -> None:
        super().__init__()
        self._maxsize = maxsize

    def get(self, key: str, default: Any = None) -> Any:
        """Return the cached value for `key` (marking it recently used), else `default`."""
        if key not in self:
            return default
        self.move_to_end(key)
        return self[key]

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        if len(self) > self._maxsize:
            self.popitem(last=False)


class StaticDocumentLoader:
    """A pyld document loader over a fixed set of context documents.

    Answers carry `"tag": "static"` so pyld keeps the processed contexts between calls, in a
    cache owned by this loader (not pyld's process-wide one), so a context served by one loader
    can never leak into calls made with another.
    """

    def __init__(self, documents: Mapping[str, Any]) -> None:
        self._documents = dict(documents)
        self._resolved_cache = _LruCache(_RESOLVED_CONTEXT_CACHE_SIZE)

    @property
    def urls(self) -> frozenset[str]:
        """The context URLs this loader serves."""
        return frozenset(self._documents)

    def document(self, url: str) -> Any:
        """Return the parsed context document served at `url`."""
        if url not in self._documents:
            raise ContextNotAllowed(url)
        return self._documents[url]

    def __call__(self, url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Answer pyld's request for `url` with a remote-document dict, or refuse it."""
        # pyld resolves relative context URLs in place, so it gets its own copy.
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": copy.deepcopy(self.document(url)),
            "contentType": "application/ld+json",
            "tag": "static",
        }

    def extended(self, extra: Mapping[str, Any]) -> StaticDocumentLoader:
        """Return a new loader serving these documents plus `extra` (tests add vector contexts)."""
        return StaticDocumentLoader({**self._documents, **extra})

    def pyld_options(self) -> dict[str, Any]:
        """Return the pyld options that route every context lookup through this loader."""
        return {
            "documentLoader": self,
            "contextResolver": ContextResolver(self._resolved_cache, self),
        }


@cache
def default_loader() -> StaticDocumentLoader:
    """Return the process-wide loader over the bundled contexts."""
    return StaticDocumentLoader(bundled_contexts())
