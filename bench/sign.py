"""Benchmark: bare Ed25519 sign (the floor), full eddsa-rdfc-2022 sign and full verify.

Each operation works on a different OB 3.0 credential of one shape (new id, recipient, salt,
status index, evidence URL, creation time), as the issuer produces them. After warm-up it
prints the median and p99 milliseconds per operation, operations per second and the ratio of
the median to the floor's; then the same for the full pyld path (no templates) as reference,
and checks that both paths gave byte-identical proofs.

    .venv/bin/python bench/sign.py [--ops 1000] [--warmup 100] [--reference-ops 100]
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


def _timed(operation: Callable[[int], object], count: int) -> list[float]:
    """Return the duration in milliseconds of operation(0..count-1)."""
    durations = []
    for index in range(count):
        started = time.perf_counter_ns()
        operation(index)
        durations.append((time.perf_counter_ns() - started) / 1e6)
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
    label: str, canonicalizer: Canonicalizer, docs: list[dict[str, Any]], warmup: int, floor: float
) -> list[dict[str, Any]]:
    """Warm up, then time sign and verify over `docs`; return the signed documents."""
    signer = InMemoryEd25519Signer.from_seed(bytes(range(32)), f"{ISSUER_DID}#key-1")
    method = VerificationMethod(signer.verification_method, ISSUER_DID, signer.public_key)

    def resolve(_: str) -> VerificationMethod:
        return method

    def sign(index: int) -> dict[str, Any]:
        created = START + timedelta(seconds=index)
        return sign_credential(docs[index], signer, created, canonicalizer=canonicalizer)

    for index in range(warmup):
        verify_credential_proof(sign(index), resolve, canonicalizer=canonicalizer)
    signed: list[dict[str, Any]] = []
    _report(f"{label}: full sign", _timed(lambda i: signed.append(sign(i)), len(docs)), floor)
    results = []
    verify_ms = _timed(
        lambda i: results.append(
            verify_credential_proof(signed[i], resolve, canonicalizer=canonicalizer)
        ),
        len(docs),
    )
    _report(f"{label}: full verify", verify_ms, floor)
    if not all(result.verified for result in results):
        raise SystemExit(f"{label}: a signed credential did not verify")
    return signed


def main() -> None:
    """Run the benchmark and print one line per measurement."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--reference-ops", type=int, default=100)
    args = parser.parse_args()
    docs = credentials(args.warmup + args.ops)
    measured = docs[args.warmup :]

    signer = InMemoryEd25519Signer.from_seed(bytes(range(32)), f"{ISSUER_DID}#key-1")
    for _ in range(args.warmup):
        signer.sign(bytes(64))
    floor = _report(
        "Ed25519 sign, 64 bytes", _timed(lambda _: signer.sign(bytes(64)), args.ops), None
    )

    fast = _measure("templates", Canonicalizer(), measured, args.warmup, floor)
    reference_docs = measured[: args.reference_ops]
    reference = _measure(
        "pyld only (reference)", Canonicalizer(use_templates=False), reference_docs, 5, floor
    )
    identical = all(a == b for a, b in zip(fast, reference, strict=False))
    print(f"proofs identical to the full pyld path on {len(reference)} credentials: {identical}")
    if not identical:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
