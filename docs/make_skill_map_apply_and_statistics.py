"""Write docs/skill-map-apply-and-statistics.md: issue 18's skill map and statistics parts, run.

Everything below runs the real code on throwaway SQLite databases (nothing is mocked) and the
transcript records what the commands and requests answered:

1. The example data (`examples/completions.jsonl`, two learners) imported under
   `examples/skill-map.yaml` with the `badge-issuer import completions` CLI; the impact of
   `examples/skill-map-2027.yaml` (CLI, then in the answer of loading it through the API);
   apply without emails (learners deferred: emails are not stored), then through the API with
   the learners' addresses, one learner per batch, resumed; the awards, audit entries and mail
   jobs after; one new credential verified; a learner's progress with the missing courses.
2. Statistics of the example data by completion month, with labels, in JSON, CSV and SVG (two
   learners: every cell is under min_cell and suppressed, shown as it is).
3. The same example map and courses with 400 generated learners whose completions happened
   from May to November 2026, all imported at once today: statistics by learning month and
   region with labels, in JSON, CSV and SVG (files next to the document).
4. The differencing attacker (tests/stats/test_differencing.py) across groupings and periods.

    .venv/bin/python docs/make_skill_map_apply_and_statistics.py
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from badge_issuer.admin import service as admin_service
from badge_issuer.admin.scopes import Scope
from badge_issuer.audit.models import AuditEvent
from badge_issuer.awards.models import Award
from badge_issuer.config import Settings
from badge_issuer.db import session_scope
from badge_issuer.kit.clock import utc_now
from badge_issuer.main import create_app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
OUTPUT = ROOT / "docs" / "skill-map-apply-and-statistics.md"
FILES = ROOT / "docs" / "skill-map-apply-and-statistics"
PROVIDERS = {
    "manabi-portal": "まなびポータル",
    "kitami-it-academy": "北見ITアカデミー",
    "hokudai-mooc": "北大MOOC",
}
MAP_2026 = EXAMPLES / "skill-map.yaml"
MAP_2027 = EXAMPLES / "skill-map-2027.yaml"
EMAILS = EXAMPLES / "completions.jsonl"


class Transcript:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def text(self, words: str) -> None:
        self.parts.append(words.strip() + "\n")

    def block(self, body: str, lang: str = "text") -> None:
        self.parts.append(f"```{lang}\n{body.rstrip()}\n```\n")

    def json(self, value: Any) -> None:
        self.block(json.dumps(value, ensure_ascii=False, indent=2), "json")


@contextmanager
def _database(folder: Path) -> Iterator[tuple[dict[str, str], Settings]]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "BADGE_ISSUER_DATABASE_URL": f"sqlite:///{folder}/badges.db",
        "BADGE_ISSUER_KEY_ENCRYPTION_KEY_FILE": f"{folder}/master.key",
        "BADGE_ISSUER_MAIL_DIR": f"{folder}/mail",
        "BADGE_ISSUER_LOG_LEVEL": "WARNING",
    }
    settings = Settings(
        _env_file=None,
        database_url=env["BADGE_ISSUER_DATABASE_URL"],
        key_encryption_key_file=Path(env["BADGE_ISSUER_KEY_ENCRYPTION_KEY_FILE"]),
        mail_dir=Path(env["BADGE_ISSUER_MAIL_DIR"]),
        log_json=False,
        log_level="WARNING",
    )
    _cli(env, "db", "upgrade")
    subprocess.run(
        [
            sys.executable,
            "-c",
            "from badge_issuer import bootstrap; from badge_issuer.config import get_settings;"
            " bootstrap.prepare(get_settings())",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    for provider, name in PROVIDERS.items():
        _cli(env, "provider", "create", "--id", provider, "--name", name)
    yield env, settings


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 (our own CLI, fixed arguments)
        [sys.executable, "-m", "badge_issuer", *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise SystemExit(f"badge-issuer {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def _shown(args: tuple[str, ...]) -> str:
    return " ".join(str(Path(a).relative_to(ROOT)) if a.startswith(str(ROOT)) else a for a in args)


def _run(t: Transcript, env: dict[str, str], *args: str, keep: int | None = None) -> str:
    out = _cli(env, *args)
    lines = out.rstrip().splitlines()
    if keep is not None and len(lines) > keep:
        lines = [*lines[:keep], f"... ({len(lines) - keep} more lines)"]
    t.block(f"$ badge-issuer {_shown(args)}\n" + "\n".join(lines))
    return out


def _import_files(folder: Path, events: list[dict[str, Any]]) -> list[tuple[str, Path]]:
    """The import CLI takes one provider's completion bodies per file (JSON lines)."""
    by_provider: dict[str, list[str]] = {}
    for event in events:
        body = json.dumps(event["body"], ensure_ascii=False)
        by_provider.setdefault(event["provider"], []).append(body)
    files = []
    for provider in PROVIDERS:
        if provider in by_provider:
            path = folder / f"{provider}.jsonl"
            path.write_text("\n".join(by_provider[provider]) + "\n", encoding="utf-8")
            files.append((provider, path))
    return files


def _token(app: Any) -> dict[str, str]:
    scopes = [Scope.SKILLMAP, Scope.STATS, Scope.PROVIDERS, Scope.CREDENTIALS]
    for session in session_scope(app.state.session_factory):
        _, token = admin_service.create_token(session, name="docs", scopes=scopes, now=utc_now())
    return {"Authorization": f"Bearer {token}"}


def _awards_table(app: Any) -> str:
    lines = ["id | learner | achievement | source | map version | issued_at | learned_at"]
    for session in session_scope(app.state.session_factory):
        for a in session.scalars(select(Award).order_by(Award.id)):
            lines.append(
                f"{a.id} | {a.learner_id} | {a.achievement_id} | {a.source} | "
                f"{a.skill_map_version_id} | {a.issued_at:%Y-%m-%d %H:%M} | "
                f"{a.learned_at:%Y-%m-%d %H:%M}"
            )
    return "\n".join(lines)


def _audit(app: Any, prefix: str) -> str:
    lines = []
    for session in session_scope(app.state.session_factory):
        query = select(AuditEvent).where(AuditEvent.action.like(f"{prefix}%"))
        for e in session.scalars(query.order_by(AuditEvent.id)):
            lines.append(f"{e.action} {e.target_type}:{e.target_id} {json.dumps(e.details)}")
    return "\n".join(lines)


def _get(client: TestClient, url: str, headers: dict[str, str], **kw: Any) -> Any:
    response = client.get(url, headers=headers, **kw)
    if response.status_code != 200:
        raise SystemExit(f"GET {url}: {response.status_code} {response.text}")
    return response


def part_one(t: Transcript, folder: Path) -> None:
    t.text("## 1. A changed skill map reaches the example learners: impact, then apply")
    t.text(
        "A fresh SQLite database; the three example providers; `examples/skill-map.yaml` "
        "(2026.1); the example completions imported per provider with the import CLI."
    )
    events = [json.loads(line) for line in EMAILS.read_text(encoding="utf-8").splitlines()]
    with _database(folder) as (env, settings):
        _run(t, env, "skillmap", "load", str(MAP_2026))
        for provider, path in _import_files(folder, events):
            _run(t, env, "import", "completions", str(path), "--provider", provider)
        app = create_app(settings)
        headers = _token(app)
        t.text("Awards after the import (learned_at = the latest completion that earned each):")
        t.block(_awards_table(app))
        t.text(
            "The 2027 revision (`examples/skill-map-2027.yaml`): bronze needs DX入門 and "
            "データ活用の基礎 (SEC-120 withdrawn), silver needs bronze and any one of three "
            "courses, a new badge `data-basics` for データ活用の基礎, course URLs, region and "
            "category labels. Its impact, from the CLI (nothing is issued):"
        )
        _run(t, env, "skillmap", "impact", str(MAP_2027))
        with TestClient(app) as client:
            t.text("Loading it through the API answers the same impact:")
            response = client.put(
                "/v1/admin/skill-map",
                content=MAP_2027.read_bytes(),
                headers={**headers, "Content-Type": "application/yaml"},
            )
            loaded = response.json()
            t.block(
                f"PUT /v1/admin/skill-map  (examples/skill-map-2027.yaml) -> {response.status_code}"
            )
            t.json({"id": loaded["id"], "label": loaded["label"], "impact": loaded["impact"]})
            version = loaded["id"]
            t.text(
                "Apply from the CLI without addresses: emails are not stored (only keyed "
                "hashes), and a credential needs the recipient's email, so both learners are "
                "deferred (they get the badge with their next completion):"
            )
            _run(t, env, "skillmap", "apply")
            emails = sorted(
                {e["body"]["learner"]["email"].lower() for e in events},
            )
            t.text(
                "Apply through the API with the learners' addresses (used for the call only), "
                "one learner per batch and one batch per call: the second call resumes the run."
            )
            for call in (1, 2):
                response = client.post(
                    f"/v1/admin/skill-map/versions/{version}/apply",
                    json={"emails": emails, "batches": 1, "batch_size": 1},
                    headers=headers,
                )
                run = response.json()
                t.block(
                    f"POST /v1/admin/skill-map/versions/{version}/apply (call {call}) -> "
                    f"{response.status_code}\n" + json.dumps(run, ensure_ascii=False, indent=2)
                )
            progress = _get(client, f"/v1/admin/skill-map/applies/{run['id']}", headers).json()
            t.block(
                f"GET /v1/admin/skill-map/applies/{run['id']}\n"
                + json.dumps(progress, ensure_ascii=False, indent=2)
            )
            t.text("A second apply finds nothing new:")
            again = client.post(
                f"/v1/admin/skill-map/versions/{version}/apply",
                json={"emails": emails},
                headers=headers,
            ).json()
            t.block(
                f"learners_done {again['learners_done']}/{again['learners_total']}, "
                f"credentials_issued {again['credentials_issued']}, state {again['state']}"
            )
            t.text(
                "Awards after (rows with map version 2 were issued by the apply; the bronze "
                "earned with SEC-120, withdrawn in 2027, stays valid: removed courses never "
                "revoke):"
            )
            t.block(_awards_table(app))
            t.text("Audit entries of the runs:")
            t.block(_audit(app, "skill_map.apply") + "\n" + _audit(app, "credential.apply"))
            deliveries = _get(
                client, "/v1/admin/deliveries", headers, params={"channel": "mail"}
            ).json()["items"]
            t.text(
                "Learner mail follows as for any award: the outbox's mail jobs (`GET "
                "/v1/admin/deliveries?channel=mail`; the two newest are the apply's; no worker "
                "ran in this script, so they are pending):"
            )
            t.block(
                "\n".join(
                    f"{d['id']} {d['event_type']} {d['state']} recipient_held={d['recipient_held']}"
                    for d in deliveries
                )
            )
            for session in session_scope(app.state.session_factory):
                latest = session.scalars(
                    select(Award).where(Award.skill_map_version_id == version)
                ).first()
                assert latest is not None
                document = json.loads(latest.document)
                achievement = latest.achievement_id
            report = client.post("/verify", json=document).json()
            t.text(f"One credential issued by the apply (`{achievement}`), through `POST /verify`:")
            t.block(
                f"verified: {report['verified']}\n"
                + "\n".join(f"{c['check']}: {c['status']}" for c in report["checks"])
            )
            answer = _get(
                client,
                "/v1/learners/progress",
                headers,
                params={"email": "sato.hanako@example.jp"},
            ).json()
            t.text(
                "The learner's progress after the apply (`GET /v1/learners/progress`, issue 17): "
                "the nearest badges with the rule in words and the courses missing:"
            )
            t.block(_progress_lines(answer))
            part_two(t, client, headers, folder)
        app.state.engine.dispose()


def _progress_lines(answer: dict[str, Any]) -> str:
    lines = ["held: " + ", ".join(f"{b['achievement_id']} ({b['state']})" for b in answer["held"])]
    ways = {way["achievement_id"]: way for way in answer["progress"]}
    for achievement_id in answer["next"]:
        way = ways[achievement_id]
        lines.append(f"next: {way['name']} | {way['rule']['ja']} | {way['status']['ja']}")
        lines.append(f"      {way['rule']['en']} | {way['status']['en']}")
        for course in way["missing"]:
            link = course["url"] or "(no link in the map)"
            lines.append(f"    missing course: {course['course_id']} {course['name']} {link}")
        for badge in way["missing_achievements"]:
            lines.append(f"    badge needed first: {badge['name']}")
        lines.append(f"    courses to go: {way['courses_to_go']}")
    return "\n".join(lines)


def _stats_files(
    t: Transcript, client: TestClient, headers: dict[str, str], url: str, stem: str
) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for fmt in ("json", "csv", "svg"):
        response = _get(client, f"{url}&format={fmt}", headers)
        path = FILES / f"{stem}.{fmt}"
        if fmt == "json":
            body = response.json()
            path.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        else:
            path.write_bytes(response.content)
        t.text(
            f"`GET {url}&format={fmt}` -> {response.headers['content-type']}, "
            f"[{path.relative_to(OUTPUT.parent)}]({path.relative_to(OUTPUT.parent)})"
        )
    return body


def part_two(t: Transcript, client: TestClient, headers: dict[str, str], folder: Path) -> None:
    t.text("## 2. Statistics of the example data by completion month, with labels")
    t.text(
        "Same database (after the apply). Two learners: every cell holds one learner, under "
        "`min_cell` (5), so every figure is suppressed; shown as the service answers it. The "
        "periods are the months the learning happened (October, November), not the day of "
        "the import; the labels come from the 2027 map's `labels` section."
    )
    url = "/v1/stats/achievements?period=month&group_by=region&group_by=category"
    body = _stats_files(t, client, headers, url, "example-by-month")
    t.block((FILES / "example-by-month.csv").read_bytes().decode("utf-8-sig"), "csv")
    t.text(
        "(The row without region or category: takahashi's bronze was awarded while the "
        "manabi-portal file was imported, before the kitami rows that carry his region; a "
        "credential keeps the region and category known when it was issued.)"
    )
    t.text("The JSON's first cell and its `counting` block:")
    t.json({"cells[0]": body["cells"][0], "counting": body["counting"]})


GENERATED_REGIONS = ["01-ishikari", "01-okhotsk", "01-kamikawa", "01-oshima", "01-tokachi"]
GENERATED_CATEGORIES = ["worker-non-it", "worker-it", "student-high-school", "public-servant"]


def _generated(count: int) -> list[dict[str, Any]]:
    """`count` learners in the example's shape: courses of the example map, completed between
    May and November 2026 (Japan time), in a fixed pseudo-random pattern (seeded)."""
    rng = random.Random(2027)  # noqa: S311 (sample data, not a secret)
    events: list[dict[str, Any]] = []
    courses = [
        ("manabi-portal", "DXL-101", 0.9),
        ("manabi-portal", "DATA-110", 0.8),
        ("kitami-it-academy", "NC201", 0.35),
        ("kitami-it-academy", "PY101", 0.2),
        ("hokudai-mooc", "CASE-300", 0.25),
        ("hokudai-mooc", "CASE-310", 0.1),
    ]
    start = datetime(2026, 5, 1, 1, 0, tzinfo=UTC)
    for n in range(count):
        # More learners later in the year: a programme that is growing.
        first = start + timedelta(days=int(214 * rng.random() ** 0.7))
        learner = {
            "email": f"learner{n:04d}@example.jp",
            "region": rng.choice(GENERATED_REGIONS),
            "category": rng.choice(GENERATED_CATEGORIES),
        }
        moment = first
        for provider, course_id, share in courses:
            if rng.random() >= share:
                continue
            moment = min(
                moment + timedelta(days=rng.randint(0, 20)), datetime(2026, 11, 30, tzinfo=UTC)
            )
            events.append(
                {
                    "provider": provider,
                    "body": {
                        "learner": learner,
                        "course_id": course_id,
                        "completed_at": moment.isoformat(),
                        "score": rng.randint(60, 100),
                    },
                }
            )
    return events


def part_three(t: Transcript, folder: Path, learners: int) -> None:
    t.text("## 3. The example map with 400 learners: statistics by learning month, with labels")
    t.text(
        f"A second fresh database with `examples/skill-map-2027.yaml` and {learners} generated "
        "learners (seeded, in this script): the example's courses, five regions (four "
        "labelled in the map, `01-tokachi` not, to show the fallback) and four categories, "
        "completions from May to November 2026, all imported today in one go, as a provider "
        "backfilling its records would."
    )
    events = _generated(learners)
    with _database(folder) as (env, settings):
        _run(t, env, "skillmap", "load", str(MAP_2027))
        for provider, path in _import_files(folder, events):
            _run(t, env, "import", "completions", str(path), "--provider", provider)
        app = create_app(settings)
        headers = _token(app)
        with TestClient(app) as client:
            url = "/v1/stats/achievements?period=month&group_by=category"
            body = _stats_files(t, client, headers, url, "generated-by-month-category")
            t.text(
                "CSV (every published figure rounded to a multiple of min_cell, cells under it "
                "suppressed; category names in Japanese and English from the map's labels):"
            )
            t.block(
                (FILES / "generated-by-month-category.csv").read_bytes().decode("utf-8-sig"),
                "csv",
            )
            t.text("SVG (Japanese labels):")
            t.text(
                "![achievements by learning month and category](skill-map-apply-and-statistics/"
                "generated-by-month-category.svg)"
            )
            t.text("JSON: one published cell and the `counting` block:")
            labelled = next(c for c in body["cells"] if c["learners"] is not None)
            t.json({"cell": labelled, "counting": body["counting"]})
            t.text("By region (`01-tokachi` has no label in the map: its label fields are empty):")
            url = "/v1/stats/achievements?period=month&group_by=region"
            _stats_files(t, client, headers, url, "generated-by-month-region")
            t.text(
                "![achievements by learning month and region](skill-map-apply-and-statistics/"
                "generated-by-month-region.svg)"
            )
            totals = _get(client, "/v1/stats/achievements?period=month&format=json", headers).json()
            months = sorted({c["period"] for c in totals["cells"]})
            issued = set()
            for session in session_scope(app.state.session_factory):
                issued = {f"{a.issued_at:%Y-%m}" for a in session.scalars(select(Award))}
            t.text(
                f"Months with figures (by learning date): {', '.join(months)}. "
                f"Months in which those credentials were issued: {', '.join(sorted(issued))}."
            )
        app.state.engine.dispose()


def part_four(t: Transcript) -> None:
    t.text("## 4. The differencing attacker across groupings and periods")
    t.text(
        "`tests/stats/test_differencing.py` seeds the issue's case (7 bronze holders in "
        "01-kitami: 6 workers, 1 student; silver holders elsewhere), asks 28 requests (no "
        "grouping, region, category, region+category × no period, month, quarter, year, each "
        "plain and cumulative), turns every published figure into a constraint on the finest "
        "cells and searches exactly (tests/stats/attacker.py) for any small group whose count "
        "the figures pin. The control runs the same attacker on exact figures and finds the "
        "student."
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-v",
            "-s",
            "tests/stats/test_differencing.py",
        ],
        env={**os.environ, "BADGE_ISSUER_TEST_BACKENDS": "sqlite"},
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    lines = []
    for line in done.stdout.splitlines():
        if line.startswith(("attack", "control")):
            # pytest -s -v writes the outcome right after the test's own output.
            for outcome in ("PASSED", "FAILED"):
                if line.endswith(outcome):
                    line = line.removesuffix(outcome) + f"\n    -> {outcome}"
            lines.append(line)
        elif line.startswith(("tests/", "=")) or "PASSED" in line or "FAILED" in line:
            lines.append(line)
    t.block(
        "$ BADGE_ISSUER_TEST_BACKENDS=sqlite pytest -v -s tests/stats/test_differencing.py\n"
        + "\n".join(lines)
    )
    if done.returncode != 0:
        raise SystemExit("the differencing tests failed:\n" + done.stdout[-4000:])


def main() -> None:
    FILES.mkdir(parents=True, exist_ok=True)
    t = Transcript()
    t.text("# Skill map apply and statistics (issue 18), run on the example data")
    t.text(
        "Generated by `docs/make_skill_map_apply_and_statistics.py` on "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; re-run it to re-make this file and "
        "the files in `docs/skill-map-apply-and-statistics/`. Real SQLite databases, the real "
        "CLI (`python -m badge_issuer`) and the real HTTP application."
    )
    with tempfile.TemporaryDirectory() as one, tempfile.TemporaryDirectory() as two:
        part_one(t, Path(one))
        part_three(t, Path(two), learners=400)
    part_four(t)
    OUTPUT.write_text("\n".join(t.parts), encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
