"""Sign credentials in worker processes: the bulk importer's use of a second core.

Signing (canonical N-Quads twice, then Ed25519) is most of an imported row's CPU and needs no
database, so the importer assembles each batch's credentials, hands them to a few worker
processes and writes the signed rows when they come back, in the same transaction as before.

The private key never leaves the process tree and is never written anywhere: a worker is a
fork of the importer and receives only the key's row as stored (the private key wrapped under
the KEK), which it unwraps itself with the KEK the importer was configured with
(`keys.service.signer_for`, exactly as the importer would). Workers are forked when the pool
opens, before the import starts any thread, and each signs with its own canonicalizer (a fresh
lock; it learns its templates from the first documents of each shape).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from badge_issuer.awards.issuing import Draft
from badge_issuer.config import Settings
from badge_issuer.credentials.assembly import Assembler
from badge_issuer.credentials.jsonld.canonicalizer import CanonicalForm, Canonicalizer
from badge_issuer.credentials.proofs.data_integrity import sign_credential
from badge_issuer.credentials.proofs.signer import Signer
from badge_issuer.issuers.models import Issuer
from badge_issuer.keys import service as key_service
from badge_issuer.keys.models import SigningKey
from badge_issuer.status.service import stored_document

# Documents per task: large enough that the pipe's per-task cost is small, small enough that
# the workers start while the importer is still assembling the rest of the batch.
CHUNK = 16
PARENT_CHECK_SECONDS = 0.5
# Flat documents whose canonical form a worker keeps (proof configurations: one per key and
# import time, so a handful per import).
FLAT_FORMS_KEPT = 64


@dataclass(frozen=True, slots=True)
class KeyRef:
    """What a worker needs to unwrap a signing key: its stored row (wrapped) and issuer."""

    issuer_id: int
    issuer_slug: str
    key_id: str
    wrapped_private_key: bytes
    kek_fingerprint: str

    @classmethod
    def of(cls, key: SigningKey, issuer: Issuer) -> KeyRef:
        return cls(issuer.id, issuer.slug, key.key_id, key.wrapped_private_key, key.kek_fingerprint)


_FlatKey = tuple[tuple[str, str | tuple[str, ...]], ...]


def _flat_key(document: Mapping[str, Any]) -> _FlatKey | None:
    """The document as a key, if each of its values is a string or a list of strings (what
    a proof configuration is: its options and the credential's @context); else None."""
    key: list[tuple[str, str | tuple[str, ...]]] = []
    for name, value in document.items():
        if isinstance(value, str):
            key.append((name, value))
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            key.append((name, tuple(value)))
        else:
            return None
    return tuple(key)


class _SigningCanonicalizer(Canonicalizer):
    """A canonicalizer that remembers the canonical forms of flat documents (`_flat_key`).

    Every credential a worker signs for one key at one import time has the same proof
    configuration, whose canonical form (a shape walk and a template, ~0.1 ms) would otherwise
    be computed again for each. A canonical form depends only on the document (the loader is
    fixed), and the key is the document's exact content, so a remembered form is the one
    computing it again would give."""

    def __init__(self) -> None:
        super().__init__()
        self._flat: dict[_FlatKey, CanonicalForm] = {}

    def canonical_form(self, document: Mapping[str, Any]) -> CanonicalForm:
        key = _flat_key(document)
        if key is None:
            return super().canonical_form(document)
        form = self._flat.get(key)
        if form is None:
            if len(self._flat) >= FLAT_FORMS_KEPT:
                self._flat.clear()
            form = self._flat[key] = super().canonical_form(document)
        return form


class _Worker:
    """The state of one worker process: its settings, signers and canonicalizer."""

    settings: Settings | None = None
    signers: dict[KeyRef, Signer] = {}  # noqa: RUF012 (one per process, by design)
    canonicalizer: Canonicalizer | None = None


def _start_worker(settings: Settings, parent: int) -> None:
    _Worker.settings = settings
    _Worker.signers = {}
    _Worker.canonicalizer = _SigningCanonicalizer()
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _exit_with(parent: int) -> None:
    """End this worker when the importer is gone (a SIGKILL skips the pool's shutdown, and a
    fork holds its own end of the task pipe, so waiting for a task would never end)."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


def _ready() -> bool:
    return True


def _signer(ref: KeyRef) -> Signer:
    signer = _Worker.signers.get(ref)
    if signer is None:
        assert _Worker.settings is not None, "the worker was started without settings"
        key = SigningKey(
            key_id=ref.key_id,
            wrapped_private_key=ref.wrapped_private_key,
            kek_fingerprint=ref.kek_fingerprint,
        )
        issuer = Issuer(id=ref.issuer_id, slug=ref.issuer_slug)
        signer = key_service.signer_for(key, issuer=issuer, settings=_Worker.settings)
        _Worker.signers[ref] = signer
    return signer


def _sign_chunk(ref: KeyRef, created: datetime, drafts: list[Draft]) -> list[str]:
    """The drafts' credentials signed, as stored: text is cheap to send back (a dict costs the
    importer its unpickling and then the JSON encoding). The chunk's drafts, unpickled
    together, share their issuer profile and achievement models: one `Assembler` dumps each
    once."""
    signer, assembler = _signer(ref), Assembler()
    return [
        stored_document(
            sign_credential(
                draft.document(assembler), signer, created, canonicalizer=_Worker.canonicalizer
            )
        )
        for draft in drafts
    ]


class SigningPool:
    """Worker processes that sign documents; `sign` keeps the order of its input."""

    def __init__(self, settings: Settings, workers: int) -> None:
        context = multiprocessing.get_context("fork")
        self._executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(settings, os.getpid()),
        )
        # Fork every worker now (a fork context starts them all at the first task), before
        # the import opens a database connection or starts a thread.
        for ready in [self._executor.submit(_ready) for _ in range(workers)]:
            ready.result()

    def submit(self, ref: KeyRef, created: datetime, drafts: list[Draft]) -> Future[list[str]]:
        return self._executor.submit(_sign_chunk, ref, created, drafts)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


class Batch:
    """Drafts to assemble and sign, sent to the pool in chunks as they are added; `signed()`
    collects the signed documents."""

    def __init__(self, pool: SigningPool, created: datetime) -> None:
        self._pool, self._created = pool, created
        self._pending: dict[KeyRef, list[tuple[int, Draft]]] = {}
        self._sent: list[tuple[list[int], Future[list[str]]]] = []
        self._count = 0

    def add(self, ref: KeyRef, draft: Draft) -> None:
        waiting = self._pending.setdefault(ref, [])
        waiting.append((self._count, draft))
        self._count += 1
        if len(waiting) >= CHUNK:
            self._send(ref)

    def _send(self, ref: KeyRef) -> None:
        waiting = self._pending.pop(ref, [])
        if waiting:
            positions = [position for position, _ in waiting]
            future = self._pool.submit(ref, self._created, [draft for _, draft in waiting])
            self._sent.append((positions, future))

    def flush(self) -> None:
        """Send the drafts still waiting for a full chunk."""
        for ref in list(self._pending):
            self._send(ref)

    def cancel(self) -> None:
        """Drop the chunks no worker started (their documents are no longer wanted)."""
        self._pending.clear()
        for _positions, future in self._sent:
            future.cancel()
        self._sent.clear()

    def signed(self) -> list[str]:
        """Every added document signed and stored as text (`status.service.stored_document`), in
        the order added (raises what a worker raised)."""
        self.flush()
        results: list[str] = [""] * self._count
        for positions, future in self._sent:
            for position, document in zip(positions, future.result(), strict=True):
                results[position] = document
        self._sent.clear()
        return results


@contextmanager
def signing_pool(settings: Settings, workers: int) -> Iterator[SigningPool | None]:
    """A pool of `workers` processes, or None (sign in this process) when `workers` is 0."""
    if workers <= 0:
        yield None
        return
    pool = SigningPool(settings, workers)
    try:
        yield pool
    finally:
        pool.close()
