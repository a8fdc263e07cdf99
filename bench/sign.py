"""Benchmark: bare Ed25519 sign (the floor), full eddsa-rdfc-2022 sign and full verify.

Each operation works on a different OB 3.0 credential of one shape (new id, recipient, salt,
status index, evidence URL, creation time), as the issuer produces them. After warm-up it
prints the median and p99 milliseconds per operation, operations per second and the ratio of
the median to the floor's; then the same for the full pyld path as reference (no templates:
strict check and pyld canonicalization of the document and of the proof options, four JSON-LD
expansions per operation), and checks that both paths gave byte-identical proofs.

    .venv/bin/python bench/sign.py [--ops 1000] [--warmup 100] [--reference-ops 100]
                                   [--clock wall|cpu]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from badge_issuer.credentials.assembly import assemble_credential, revocation_entry
from badge_issuer.credentials.identity import email_identity
from badge_issuer.credentials.jsonld.canonicalizer import Canonicalizer
from badge_issuer.credentials.ob3 import (
    Achievement,
    Alignment,
    Criteria,
    Evidence,
    Image,
    Profile,
    Result,
    ResultDescription,
)
from badge_issuer.credentials.proofs.data_integrity import (
    sign_credential,
    verify_credential_proof,
)
from badge_issuer.credentials.proofs.verification_methods import VerificationMethod
from badge_issuer.keys.signer import InMemoryEd25519Signer

PUBLIC_URL = "http://localhost:8000"
ISSUER_DID = "did:web:localhost%3A8000:issuers:default"
START = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


def _achievement() -> Achievement:
    base = f"{PUBLIC_URL}/achievements/dx-case-silver"
    return Achievement(
        id=base,
        name="DX 事例研究 Silver",
        description="実データを使った事例研究プログラムを修了し、地域企業の課題を分析できる。",
        criteria=Criteria(
            narrative="PY101 と CASE-300 を 365 日以内に修了し、Bronze を保有すること"
        ),
        achievement_type="Badge",
        image=Image(id=f"{base}/image.svg"),
        alignment=[
            Alignment(
                target_name="デジタルスキル標準 DX 推進スキル: データ活用",
                target_url="https://www.ipa.go.jp/jinzai/skill-standard/dss/",
                target_code="DSS-P-DATA",
                target_framework="DSS",
            ),
            Alignment(
                target_name="ITSS レベル 2",
                target_url="https://www.ipa.go.jp/jinzai/skill-standard/plus-it-ui/itss/",
                target_code="ITSS-2",
                target_framework="ITSS",
            ),
        ],
        result_description=[
            ResultDescription(id=f"{base}#score", name="Score", result_type="Percent")
        ],
    )


def credentials(count: int) -> list[dict[str, Any]]:
    """Return `count` distinct unsigned credentials of one shape."""
    issuer = Profile(id=ISSUER_DID, name="北海道デジタル人材育成協議会", url=f"{PUBLIC_URL}/")
    achievement = _achievement()
    return [
        assemble_credential(
            credential_id=f"{PUBLIC_URL}/credentials/{index:08d}-5b8e-4f5c-9a0e-2f4f6c7d8e9f",
            issuer=issuer,
            achievement=achievement,
            recipient=email_identity(f"learner{index}@example.jp", f"{index:032x}"),
            valid_from=START + timedelta(minutes=index),
            valid_until=START + timedelta(days=1095),
            credential_status=revocation_entry(f"{PUBLIC_URL}/status-lists/1", index),
            evidence=[
                Evidence(
                    id=f"https://lms.example.jp/cert/{index}",
                    name="CASE-300 修了証",
                    description="e-learning certificate",
                )
            ],
            results=[Result(value=str(index % 101), result_description=f"{achievement.id}#score")],
        )
        for index in range(count)
    ]


# Wall-clock by default; `--clock cpu` counts this thread's CPU time only, which leaves out
# the time the scheduler gives to other processes on a busy machine.
CLOCKS: dict[str, Callable[[], int]] = {"wall": time.perf_counter_ns, "cpu": time.thread_time_ns}


def _timed(operation: Callable[[int], object], count: int, clock: Callable[[], int]) -> list[float]:
    """Return the duration in milliseconds of operation(0..count-1)."""
    durations = []
    for index in range(count):
        started = clock()
        operation(index)
        durations.append((clock() - started) / 1e6)
    return durations


def _report(label: str, durations: Sequence[float], floor: float | None) -> float:
    """Print median, p99, ops/s and the ratio to the floor; return the median."""
    median = statistics.median(durations)
    p99 = statistics.quantiles(durations, n=100)[98]
    ops_per_second = len(durations) / (sum(durations) / 1000)
    ratio = f"{median / floor:7.1f}x floor" if floor else "  (floor)"
    print(
        f"{label:<34} median {median:7.3f} ms  p99 {p99:7.3f} ms  "
        f"{ops_per_second:8.0f} ops/s  {ratio}  (n={len(durations)})"
    )
    return median


def _measure(
    label: str,
    canonicalizer: Canonicalizer,
    warmup_docs: list[dict[str, Any]],
    docs: list[dict[str, Any]],
    floor: float,
    clock: Callable[[], int],
) -> list[dict[str, Any]]:
    """Sign and verify `warmup_docs`, then time sign and verify of `docs`; return them signed."""
    signer = InMemoryEd25519Signer.from_seed(bytes(range(32)), f"{ISSUER_DID}#key-1")
    method = VerificationMethod(signer.verification_method, ISSUER_DID, signer.public_key)

    def resolve(_: str) -> VerificationMethod:
        return method

    def sign(document: dict[str, Any], index: int) -> dict[str, Any]:
        created = START + timedelta(seconds=index)
        return sign_credential(document, signer, created, canonicalizer=canonicalizer)

    def verify(document: dict[str, Any]) -> bool:
        return verify_credential_proof(document, resolve, canonicalizer=canonicalizer).verified

    for index, document in enumerate(warmup_docs):
        verify(sign(document, index))
    signed: list[dict[str, Any]] = []
    sign_ms = _timed(lambda i: signed.append(sign(docs[i], i)), len(docs), clock)
    _report(f"{label}: full sign", sign_ms, floor)
    verified: list[bool] = []
    verify_ms = _timed(lambda i: verified.append(verify(signed[i])), len(docs), clock)
    _report(f"{label}: full verify", verify_ms, floor)
    if not all(verified):
        raise SystemExit(f"{label}: a signed credential did not verify")
    return signed


def main() -> None:
    """Run the benchmark and print one line per measurement."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--reference-ops", type=int, default=100)
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall")
    args = parser.parse_args()
    clock = CLOCKS[args.clock]
    print(f"clock: {args.clock}")
    docs = credentials(args.warmup + args.ops)
    warmup_docs, measured = docs[: args.warmup], docs[args.warmup :]

    signer = InMemoryEd25519Signer.from_seed(bytes(range(32)), f"{ISSUER_DID}#key-1")
    for _ in range(args.warmup):
        signer.sign(bytes(64))
    floor_ms = _timed(lambda _: signer.sign(bytes(64)), args.ops, clock)
    floor = _report("Ed25519 sign, 64 bytes", floor_ms, None)

    fast = _measure("templates", Canonicalizer(), warmup_docs, measured, floor, clock)
    reference = _measure(
        "pyld only (reference)",
        Canonicalizer(use_templates=False),
        warmup_docs[:5],
        measured[: args.reference_ops],
        floor,
        clock,
    )
    identical = all(a == b for a, b in zip(fast, reference, strict=False))
    print(f"proofs identical to the full pyld path on {len(reference)} credentials: {identical}")
    if not identical:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
