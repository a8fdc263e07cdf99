"""Statistics query times on PostgreSQL: 100,000 learners and 300,000 awards.

Starts a throwaway PostgreSQL, migrates it to head, loads a generated skill map (40
achievements, 30 skills), learners spread over 179 municipalities and 6 categories, and awards
issued over three years (about 3% revoked, 10% expired, each with a credential-sized JSON
document so table scans cost what they would in production), then times each statistics
request: the cells query alone, all the SQL of the request (cells and, for grouped answers,
totals) and the whole use case (SQL, suppression, rounding, labels). Prints medians and p90s
over repeated runs.

    .venv/bin/python bench/stats.py [--learners 100000] [--awards 300000] [--runs 15]
        [--document-bytes 2000] [--explain SCENARIO] [--drop-index NAME ...]
        [--url URL] [--only SCENARIO ...]

--url measures an already loaded database (no server started, nothing loaded): run the bench
of two trees against the same data, alternately, e.g. `PYTHONPATH=/tmp/base/src python
bench/stats.py --url ...` (before) and `python bench/stats.py --url ...` (after).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

import throwaway_postgres  # noqa: E402

from badge_issuer import migrate  # noqa: E402
from badge_issuer.db import create_db_engine, make_session_factory  # noqa: E402
from badge_issuer.skillmap import service as skillmap_service  # noqa: E402
from badge_issuer.stats import repository, service  # noqa: E402
from badge_issuer.stats.query import Dimension, Period, StatsQuery, Subject  # noqa: E402

NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
START = NOW - timedelta(days=3 * 365)
ISSUERS = ("default", "sapporo-city", "kitami-city")
REGIONS = [f"01-{n:03d}" for n in range(1, 180)]
CATEGORIES = ["student", "worker-non-it", "worker-it", "public-servant", "job-seeker", "other"]
TOPICS = [
    "データ活用",
    "セキュリティ",
    "クラウド基礎",
    "Python",
    "生成AI活用",
    "ノーコード開発",
    "プロジェクト管理",
    "UI/UXデザイン",
    "ネットワーク",
    "業務改善",
]

SCENARIOS: dict[str, StatsQuery] = {
    "achievements": StatsQuery(Subject.ACHIEVEMENTS),
    "achievements by region": StatsQuery(Subject.ACHIEVEMENTS, group_by=(Dimension.REGION,)),
    "achievements by region+category": StatsQuery(
        Subject.ACHIEVEMENTS, group_by=(Dimension.REGION, Dimension.CATEGORY)
    ),
    "achievements by issuer, one year": StatsQuery(
        Subject.ACHIEVEMENTS,
        group_by=(Dimension.ISSUER,),
        date_from=date(2025, 4, 1),
        date_to=date(2026, 3, 31),
    ),
    "achievements by month": StatsQuery(Subject.ACHIEVEMENTS, period=Period.MONTH),
    "achievements by category, cumulative month": StatsQuery(
        Subject.ACHIEVEMENTS, group_by=(Dimension.CATEGORY,), period=Period.MONTH, cumulative=True
    ),
    "skills": StatsQuery(Subject.SKILLS),
    "skills by region": StatsQuery(Subject.SKILLS, group_by=(Dimension.REGION,)),
    "skills by category, quarter": StatsQuery(
        Subject.SKILLS, group_by=(Dimension.CATEGORY,), period=Period.QUARTER
    ),
    "skills cumulative by quarter": StatsQuery(
        Subject.SKILLS, period=Period.QUARTER, cumulative=True
    ),
}


def skill_map_document(rng: random.Random) -> dict[str, Any]:
    """A valid skill map: 30 skills, 60 courses, 40 achievements of 1-4 skills each."""
    skills = [
        {"id": f"s{i}", "name": f"{TOPICS[i % 10]}（レベル{i // 10 + 1}）", "framework": "dss"}
        | {"code": f"DSS-{i}"}
        for i in range(30)
    ]
    courses = [
        {"provider": "bench-lms", "course_id": f"C{i:03d}", "name": f"講座{i}"}
        | {"skills": [f"s{rng.randrange(30)}"]}
        for i in range(60)
    ]
    return {
        "version": "bench",
        "frameworks": [{"id": "dss", "name": "DSS", "url": "https://fw.example.jp/dss"}],
        "skills": skills,
        "courses": courses,
        "achievements": [_achievement(rng, i) for i in range(40)],
    }


def _achievement(rng: random.Random, index: int) -> dict[str, Any]:
    courses = rng.sample(range(60), 3)
    return {
        "id": f"badge-{index}",
        "name": f"{TOPICS[index % 10]}バッジ{index}",
        "description": "生成されたバッジ。",
        "criteria": "指定講座のうち2講座以上を修了すること。",
        "image": f"https://badges.example.jp/{index}.png",
        "skills": sorted({f"s{rng.randrange(30)}" for _ in range(rng.randint(1, 4))}),
        "rule": {
            "n_of": 2,
            "of": [
                {"course": {"provider": "bench-lms", "course_id": f"C{c:03d}"}} for c in courses
            ],
        },
    }


def document_text(rng: random.Random, size: int) -> str:
    """A JSON text about the size of a signed credential (random parts do not compress)."""
    body = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": f"https://badges.example.jp/credentials/{uuid.UUID(int=rng.getrandbits(128))}",
        "proofValue": "z" + "".join(rng.choices("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdef", k=86)),
        "salted": f"sha256${rng.getrandbits(256):064x}",
    }
    filler = max(0, size - len(json.dumps(body)) - 20)
    body["description"] = "デジタル人材育成プログラム修了の証明。" * (filler // 57 + 1)
    return json.dumps(body, ensure_ascii=False)[: max(size, 2)]


def setup_rows(session: Session, rng: random.Random) -> tuple[dict[str, tuple[int, int, int]], int]:
    """Issuers with a key and status list each, and the current skill map; return their ids."""
    ids: dict[str, tuple[int, int, int]] = {}
    for slug in ISSUERS:
        issuer_id = session.execute(
            text(
                "INSERT INTO issuer (slug, name, created_at, updated_at) "
                "VALUES (:s, :s, :t, :t) RETURNING id"
            ),
            {"s": slug, "t": NOW},
        ).scalar_one()
        key_id = session.execute(
            text(
                "INSERT INTO signing_key (issuer_id, key_id, state, algorithm, "
                "public_key_multibase, wrapped_private_key, kek_fingerprint, created_at) "
                "VALUES (:i, 'k1', 'active', 'Ed25519', 'z6Mk', :w, 'bench', :t) RETURNING id"
            ),
            {"i": issuer_id, "w": b"bench", "t": NOW},
        ).scalar_one()
        list_id = session.execute(
            text(
                "INSERT INTO status_list (public_id, issuer_id, purpose, size, allocated, "
                "permutation_key, created_at, updated_at) VALUES (:p, :i, 'revocation', "
                "1048576, 0, :k, :t, :t) RETURNING id"
            ),
            {"p": str(uuid.uuid4()), "i": issuer_id, "k": b"\0" * 32, "t": NOW},
        ).scalar_one()
        ids[slug] = (issuer_id, key_id, list_id)
    checked = skillmap_service.check(
        session, data=skill_map_document(rng), allow_unknown_providers=True
    )
    version = skillmap_service.store_version(
        session, checked=checked, source_text="{}", created_by="bench", now=NOW
    )
    return ids, version.id


def learner_rows(count: int, rng: random.Random) -> Iterator[tuple[Any, ...]]:
    for n in range(count):
        region = None if rng.random() < 0.05 else rng.choice(REGIONS)
        category = None if rng.random() < 0.05 else rng.choice(CATEGORIES)
        yield (f"{n:064x}", region, category, NOW, NOW)


def award_rows(
    args: argparse.Namespace,
    rng: random.Random,
    issuers: dict[str, tuple[int, int, int]],
    version_id: int,
    learners: list[tuple[int, str | None, str | None]],
) -> Iterator[tuple[Any, ...]]:
    """Spread `args.awards` awards over learners, each of a distinct achievement."""
    per_learner = args.awards / len(learners)
    counters = dict.fromkeys(issuers, 0)
    produced = 0
    for learner_id, region, category in learners:
        wanted = min(40, max(0, round(rng.gauss(per_learner, 1.2))))
        for badge in rng.sample(range(40), wanted):
            if produced >= args.awards:
                return
            produced += 1
            slug = ISSUERS[badge % 3]
            counters[slug] += 1
            yield (
                str(uuid.UUID(int=rng.getrandbits(128))),
                *_award_columns(rng, issuers[slug], counters[slug], args.document_bytes),
                learner_id,
                f"badge-{badge}",
                version_id,
                region,
                category,
                0,
                "rule",
            )


def _award_columns(
    rng: random.Random, issuer: tuple[int, int, int], index: int, document_bytes: int
) -> tuple[Any, ...]:
    """issuer, key, status list, index, document, issued, valid from/until, revoked, learned."""
    issued = START + timedelta(seconds=rng.randrange(int((NOW - START).total_seconds())))
    expires = issued + timedelta(days=rng.randint(30, 700)) if rng.random() < 0.15 else None
    revoked = NOW - timedelta(days=1) if rng.random() < 0.03 else None
    issuer_id, key_id, list_id = issuer
    document = document_text(rng, document_bytes)
    # Statistics count by learned_at: mostly just before issue (webhooks), a fifth imported
    # late, up to half a year after the learning.
    late = rng.random() < 0.2
    learned = issued - timedelta(days=rng.randint(1, 180) if late else 0, minutes=1)
    return (issuer_id, key_id, list_id, index, document, issued, issued, expires, revoked, learned)


def load(engine: Engine, args: argparse.Namespace) -> None:
    """Generate and COPY everything into the database, then VACUUM (FREEZE, ANALYZE).

    Freezing marks every page all-visible, as autovacuum eventually does on a live database,
    so that index-only scans need no heap fetches.
    """
    rng = random.Random(args.seed)
    with Session(engine) as session:
        issuers, version_id = setup_rows(session, rng)
        session.commit()
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        started = time.perf_counter()
        with cursor.copy(
            "COPY learner (email_hash, region, category, created_at, updated_at) FROM STDIN"
        ) as copy:
            for row in learner_rows(args.learners, rng):
                copy.write_row(row)
        cursor.execute("SELECT id, region, category FROM learner ORDER BY id")
        learners = list(cursor.fetchall())
        columns = (
            "uuid, issuer_id, signing_key_id, status_list_id, status_index, document, "
            "issued_at, valid_from, valid_until, revoked_at, learned_at, learner_id, "
            "achievement_id, skill_map_version_id, learner_region, learner_category, sequence, "
            "source"
        )
        with cursor.copy(f"COPY award ({columns}) FROM STDIN") as copy:
            for row in award_rows(args, rng, issuers, version_id, learners):
                copy.write_row(row)
        raw.commit()
        print(f"loaded in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    finally:
        raw.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM (FREEZE, ANALYZE)"))
        for index in args.drop_index:
            connection.execute(text(f'DROP INDEX IF EXISTS "{index}"'))


def timed(run: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median and p90 in milliseconds over `runs` runs, after two warm-up runs."""
    for _ in range(2):
        run()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(runs - 1, int(0.9 * runs))]


def calibrate(engine: Engine, runs: int) -> float:
    """Median ms of a fixed CPU-bound query, to compare machines and their load."""
    with engine.connect() as connection:
        statement = text("SELECT count(*) FROM generate_series(1, 1000000)")
        return timed(lambda: connection.execute(statement).scalar_one(), runs)[0]


def measure(engine: Engine, args: argparse.Namespace) -> None:
    factory = make_session_factory(engine)
    print(f"code: {Path(service.__file__).resolve().parents[2]}")
    print(f"calibration: count(*) over generate_series(1, 1e6): {calibrate(engine, 5):.0f} ms")
    print(
        f"{'request':<44} {'cells':>7} {'cells SQL':>10} {'SQL all':>9} {'p90':>7} "
        f"{'all median':>11} {'p90':>7}"
    )
    for name, query in SCENARIOS.items():
        if args.only and name not in args.only:
            continue
        with factory() as session:
            table = service.holder_statistics(session, query=query, as_of=NOW, min_cell=5)
            cells_median, _ = timed(_cells_query(session, query), args.runs)
            sql_median, sql_p90 = timed(_all_sql(session, query), args.runs)
            all_median, all_p90 = timed(
                lambda s=session, q=query: service.holder_statistics(  # type: ignore[misc]
                    s, query=q, as_of=NOW, min_cell=5
                ),
                args.runs,
            )
        print(
            f"{name:<44} {len(table.cells):>7} {cells_median:>8.1f}ms {sql_median:>7.1f}ms "
            f"{sql_p90:>5.1f}ms {all_median:>9.1f}ms {all_p90:>5.1f}ms"
        )


def _cells_query(session: Session, query: StatsQuery) -> Callable[[], object]:
    """The cells query of the use case, alone."""
    _labels, keys = service._catalog(session, query.subject)
    spec = service._holder_query(query, keys, NOW)
    if query.cumulative and query.period is not None:
        return lambda: repository.count_first_holdings(session, spec)
    return lambda: repository.count_holders(session, spec)


def _all_sql(session: Session, query: StatsQuery) -> Callable[[], object]:
    """Every counting statement of the use case: cells and, for grouped answers, totals
    (together where the code under test can; as two statements in trees before that)."""
    _labels, keys = service._catalog(session, query.subject)
    spec = service._holder_query(query, keys, NOW)
    first = query.cumulative and query.period is not None
    together = getattr(
        repository, "first_holdings_with_totals" if first else "holders_with_totals", None
    )
    if together is not None:
        return lambda: together(session, spec)
    count = repository.count_first_holdings if first else repository.count_holders
    if not query.group_by:
        return lambda: count(session, spec)
    ungrouped = replace(spec, group_by=())
    return lambda: (count(session, spec), count(session, ungrouped))


def explain(engine: Engine, name: str) -> None:
    """Print the plan of one scenario's cells query (its first statement)."""
    with make_session_factory(engine)() as session:
        captured: list[str] = []
        original = session.execute

        def capture(statement: Any, *a: Any, **k: Any) -> Any:
            compiled = statement.compile(engine, compile_kwargs={"literal_binds": True})
            captured.append(str(compiled))
            return original(statement, *a, **k)

        run = _cells_query(session, SCENARIOS[name])
        session.execute = capture  # type: ignore[method-assign]
        run()
        session.execute = original  # type: ignore[method-assign]
        plan = session.execute(text("EXPLAIN (ANALYZE, BUFFERS) " + captured[-1]))
        print("\n".join(row[0] for row in plan))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--awards", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--document-bytes", type=int, default=2000)
    parser.add_argument("--explain", metavar="SCENARIO", help="print the plan of one request")
    parser.add_argument("--drop-index", action="append", default=[])
    parser.add_argument("--url", help="measure this loaded database instead of a new one")
    parser.add_argument("--only", action="append", default=[], metavar="SCENARIO")
    args = parser.parse_args()
    if args.url:
        engine = create_db_engine(args.url)
        report(engine, args)
        engine.dispose()
        return 0
    server = throwaway_postgres.start()
    try:
        admin = create_engine(server.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text('CREATE DATABASE "bench"'))
        admin.dispose()
        url = make_url(server.url).set(database="bench").render_as_string(False)
        migrate.upgrade(url)
        engine = create_db_engine(url)
        load(engine, args)
        report(engine, args)
        engine.dispose()
    finally:
        throwaway_postgres.stop(server)
    return 0


def report(engine: Engine, args: argparse.Namespace) -> None:
    with engine.connect() as connection:
        awards = connection.execute(text("SELECT count(*) FROM award")).scalar_one()
        size = connection.execute(
            text("SELECT pg_size_pretty(pg_total_relation_size('award'))")
        ).scalar_one()
    print(f"{awards} awards (award table {size}), {args.runs} runs")
    load_before = os.getloadavg()[0]
    measure(engine, args)
    print(
        f"load average (1 min) before/after: {load_before:.1f} / {os.getloadavg()[0]:.1f}"
        f" on {os.cpu_count()} CPUs"
    )
    if args.explain:
        explain(engine, args.explain)


if __name__ == "__main__":
    raise SystemExit(main())
