"""Benchmark the pure rules engine: one learner with 200 completions, a map of 500 achievements.

Run: .venv/bin/python bench/award_eval.py [--runs 500] [--seed 7]
Prints validation and compile times of the generated map, then the evaluation time (median,
p99) for a learner holding nothing and for the same learner holding what the first run awarded.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from badge_issuer.skillmap.document import SkillMap
from badge_issuer.skillmap.rulebook import compile_rules
from badge_issuer.skillmap.rules import CompletedCourse, evaluate
from badge_issuer.skillmap.validation import validate_skill_map

PROVIDERS = ("manabi-portal", "kitami-it-academy", "hokudai-mooc", "sapporo-cloud", "obihiro-lab")
COURSES_PER_PROVIDER = 60
ACHIEVEMENTS = 500
COMPLETIONS = 200
START = datetime(2025, 4, 1, tzinfo=UTC)


def _course_rule(rng: random.Random, course: tuple[str, str]) -> dict[str, Any]:
    reference: dict[str, Any] = {"provider": course[0], "course_id": course[1]}
    if rng.random() < 0.3:
        reference["min_score"] = rng.choice([60, 70, 80])
    return {"course": reference}


def _course_group(rng: random.Random, courses: list[tuple[str, str]]) -> dict[str, Any]:
    picked = rng.sample(courses, rng.randint(2, 6))
    leaves = [_course_rule(rng, course) for course in picked]
    kind = rng.choice(["all_of", "any_of", "n_of", "n_of"])
    group: dict[str, Any] = (
        {"n_of": rng.randint(1, len(leaves)), "of": leaves} if kind == "n_of" else {kind: leaves}
    )
    if rng.random() < 0.4:
        group["within_days"] = rng.choice([30, 90, 180, 365])
    return group


def _rule(rng: random.Random, index: int, courses: list[tuple[str, str]]) -> dict[str, Any]:
    """Tier 1 (first 150): courses only; tier 2: one earlier badge + courses; tier 3: two."""
    if index < 150:
        return _course_group(rng, courses)
    prerequisites = rng.sample(range(index), 1 if index < 350 else 2)
    return {
        "all_of": [
            *({"achievement": f"badge-{p}"} for p in prerequisites),
            _course_group(rng, courses),
        ]
    }


def generated_document(rng: random.Random) -> dict[str, Any]:
    """Return a skill map document with 300 courses and 500 stacked achievements."""
    courses = [(p, f"C{n:03d}") for p in PROVIDERS for n in range(COURSES_PER_PROVIDER)]
    return {
        "version": "bench",
        "frameworks": [{"id": "dss", "name": "DSS", "url": "https://fw.example.jp/dss"}],
        "skills": [{"id": "s1", "name": "Skill", "framework": "dss", "code": "S1"}],
        "courses": [
            {"provider": p, "course_id": c, "name": f"Course {c}", "skills": ["s1"]}
            for p, c in courses
        ],
        "achievements": [
            {
                "id": f"badge-{index}",
                "name": f"Badge {index}",
                "description": "Generated.",
                "criteria": "Generated.",
                "image": f"https://badges.example.jp/{index}.png",
                "skills": ["s1"],
                "rule": _rule(rng, index, courses),
            }
            for index in range(ACHIEVEMENTS)
        ],
    }


def learner_completions(rng: random.Random, skill_map: SkillMap) -> list[CompletedCourse]:
    """Return 200 completions of random courses over two years, most with a score."""
    return [
        CompletedCourse(
            completion_id=f"completion-{n}",
            provider=course.provider,
            course_id=course.course_id,
            completed_at=START + timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60)),
            score=None if rng.random() < 0.2 else rng.randint(40, 100),
        )
        for n, course in enumerate(rng.choices(skill_map.courses, k=COMPLETIONS))
    ]


def _timed(action: Callable[[], object], runs: int) -> tuple[list[float], list[float]]:
    """Return wall and CPU time of each run in milliseconds, after a few warm-up runs.

    CPU time (this process only) shows the cost without other processes' interference.
    """
    for _ in range(min(runs, 5)):
        action()
    gc.collect()
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter_ns(), time.process_time_ns()
        action()
        cpu.append((time.process_time_ns() - started_cpu) / 1e6)
        wall.append((time.perf_counter_ns() - started) / 1e6)
    return wall, cpu


def _summary(label: str, timings: tuple[list[float], list[float]]) -> str:
    wall, cpu = sorted(timings[0]), sorted(timings[1])
    p99 = wall[min(len(wall) - 1, round(0.99 * (len(wall) - 1)))]
    return (
        f"{label}: median {statistics.median(wall):.2f} ms, p99 {p99:.2f} ms, "
        f"min {wall[0]:.2f} ms, max {wall[-1]:.2f} ms (wall, {len(wall)} runs); "
        f"CPU median {statistics.median(cpu):.2f} ms"
    )


def main() -> None:
    """Generate the map and learner, then time validation, compilation and evaluation."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    document = generated_document(rng)
    check = validate_skill_map(document)
    if check.skill_map is None:
        raise SystemExit(f"generated map is invalid: {check.errors[:5]}")
    skill_map = check.skill_map
    book = compile_rules(skill_map)
    completions = learner_completions(rng, skill_map)
    first = evaluate(book, completions)
    held = {award.achievement_id for award in first.awards}
    print(f"map: {len(skill_map.courses)} courses, {len(skill_map.achievements)} achievements")
    print(f"learner: {len(completions)} completions; first evaluation awards {len(held)}")
    print(_summary("validate map", _timed(lambda: validate_skill_map(document), 10)))
    print(_summary("compile rules", _timed(lambda: compile_rules(skill_map), 20)))
    print(
        _summary("evaluate, nothing held", _timed(lambda: evaluate(book, completions), args.runs))
    )
    print(
        _summary(
            f"evaluate, {len(held)} held",
            _timed(lambda: evaluate(book, completions, held=held), args.runs),
        )
    )


if __name__ == "__main__":
    main()
