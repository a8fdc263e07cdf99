"""Statistics cannot be differenced: across groupings, periods, cumulative series and repeats.

The data reproduces the issue's case: 7 bronze holders in 01-kitami, 6 workers and 1 student.
With exact figures, `group_by=region` (7) minus `group_by=region&group_by=category` (6)
exposed the student. Here every figure of 28 requests (four groupings, three periods, each
plain and cumulative, and no period) is turned into constraints on the finest cells, and an
exact search (tests/stats/attacker.py) looks for any small group whose count they pin.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from badge_issuer.admin.scopes import Scope
from badge_issuer.db import session_scope
from badge_issuer.skillmap import service as skillmap_service
from badge_issuer.stats import periods as calendar
from badge_issuer.stats.query import Period
from tests.admin.factories import bearer, make_token
from tests.shared_data import example_path
from tests.stats.attacker import UNBOUNDED, Cell, Constraint, exposed
from tests.stats.conftest import NOW
from tests.stats.factories import AwardFactory

BRONZE = "dx-literacy-bronze"
SILVER = "dx-case-silver"
MIN_CELL = 5
# (achievement, region, category, month learned, learners); all issued by one import in November.
HOLDINGS = [
    (BRONZE, "01-kitami", "worker-non-it", 4, 4),
    (BRONZE, "01-kitami", "worker-non-it", 5, 2),
    (BRONZE, "01-kitami", "student-high-school", 5, 1),
    (BRONZE, "02-sapporo", "worker-non-it", 4, 9),
    (BRONZE, "02-sapporo", "student-high-school", 6, 3),
    (BRONZE, "03-hakodate", "worker-non-it", 6, 8),
    (SILVER, "01-kitami", "worker-non-it", 7, 6),
    (SILVER, "02-sapporo", "student-high-school", 7, 1),
    (SILVER, "03-hakodate", "worker-non-it", 8, 2),
]
IMPORTED = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
LABELS = """
labels:
  region:
    01-kitami: {ja: 北見, en: Kitami}
    02-sapporo: {ja: 札幌, en: Sapporo}
  category:
    worker-non-it: {ja: 非IT職の社会人, en: Non-IT workers}
"""
GROUPINGS = [[], ["region"], ["category"], ["region", "category"]]
PERIODS: list[tuple[str | None, bool]] = [(None, False)] + [
    (period, cumulative) for period in ("month", "quarter", "year") for cumulative in (False, True)
]
DIMENSIONS = ("region", "category")


@pytest.fixture
def seeded(app: FastAPI) -> None:
    for session in session_scope(app.state.session_factory):
        factory = AwardFactory(session, NOW)
        factory.issuer("default")
        source = example_path("skill-map.yaml").read_text(encoding="utf-8") + LABELS
        checked = skillmap_service.check(
            session, source=source, fmt="yaml", allow_unknown_providers=True
        )
        assert checked.ok, checked.errors
        skillmap_service.store_version(
            session, checked=checked, source_text=source, created_by="tests", now=NOW
        )
        for achievement, region, category, month, learners in HOLDINGS:
            for _ in range(learners):
                learner = factory.learner(region=region, category=category)
                learned = datetime(2026, month, 10, tzinfo=UTC)
                factory.award(learner, achievement, issued_at=IMPORTED, learned_at=learned)


@pytest.fixture
def headers(app: FastAPI) -> dict[str, str]:
    return bearer(make_token(app, Scope.STATS))


def _truth(achievement: str) -> dict[Cell, int]:
    truth: dict[Cell, int] = defaultdict(int)
    for key, region, category, month, learners in HOLDINGS:
        if key == achievement:
            truth[(region, category, f"2026-{month:02d}")] += learners
    return dict(truth)


def _months_in(label: str | None, period: str | None, cumulative: bool) -> set[str] | None:
    """The learning months a figure covers; None: every month."""
    if label is None or period is None:
        return None
    first = calendar.label_start(label, Period(period))
    last = calendar.period_labels(first, date(2026, 12, 31), Period(period))
    following = calendar.label_start(last[1], Period(period)) if len(last) > 1 else date(2027, 1, 1)
    months = {f"2026-{m:02d}" for m in range(1, 13)}
    if cumulative:
        return {m for m in months if calendar.label_start(m, Period.MONTH) < following}
    return {m for m in months if first <= calendar.label_start(m, Period.MONTH) < following}


def _members(
    truth: dict[Cell, int], figure: dict[str, Any], months: set[str] | None
) -> frozenset[Cell]:
    groups = figure.get("groups", {})
    return frozenset(
        cell
        for cell in truth
        if all(cell[DIMENSIONS.index(d)] == v for d, v in groups.items())
        and (months is None or cell[2] in months)
    )


def _constraint(members: frozenset[Cell], figure: dict[str, Any], *, exact: bool) -> Constraint:
    learners = figure["learners"]
    if learners is None:  # suppressed: small, or a complement of any size; listed, so not 0
        return Constraint(members, 1, UNBOUNDED)
    spread = 0 if exact else MIN_CELL - 1
    return Constraint(members, max(0, learners - spread), learners + spread)


def _figures(
    client: TestClient, headers: dict[str, str]
) -> Iterator[tuple[str | None, bool, dict[str, Any]]]:
    for grouping in GROUPINGS:
        for period, cumulative in PERIODS:
            params: list[tuple[str, str]] = [("group_by", g) for g in grouping]
            if period is not None:
                params += [("period", period), ("cumulative", str(cumulative).lower())]
            body = client.get("/v1/stats/achievements", params=params, headers=headers).json()
            for figure in [*body["cells"], *body["totals"]]:
                yield period, cumulative, figure


def _attack(
    client: TestClient, headers: dict[str, str], achievement: str, *, exact: bool = False
) -> tuple[list[Constraint], dict[Cell, int]]:
    truth = _truth(achievement)
    constraints = []
    for period, cumulative, figure in _figures(client, headers):
        if figure["key"] != achievement:
            continue
        members = _members(truth, figure, _months_in(figure["period"], period, cumulative))
        if exact and figure["learners"] is not None:
            figure = {**figure, "learners": sum(truth[c] for c in members)}
        constraints.append(_constraint(members, figure, exact=exact))
    return constraints, truth


def _small_groups(truth: dict[Cell, int], constraints: list[Constraint]) -> set[frozenset[Cell]]:
    """Every published group and every finest cell holding 1 to min_cell - 1 learners."""
    groups = {c.members for c in constraints} | {frozenset([cell]) for cell in truth}
    return {g for g in groups if 0 < sum(truth[c] for c in g) < MIN_CELL}


@pytest.mark.usefixtures("seeded")
class TestDifferencingAttack:
    @pytest.mark.parametrize("achievement", [BRONZE, SILVER])
    def test_no_small_group_is_pinned_by_all_groupings_and_periods_together(
        self, client: TestClient, headers: dict[str, str], achievement: str
    ) -> None:
        constraints, truth = _attack(client, headers, achievement)
        assert len(constraints) > 40, "the attack needs figures to combine"
        targets = _small_groups(truth, constraints)
        assert targets, "the data must hold small groups to attack"
        pinned = [sorted(t) for t in targets if exposed(truth, constraints, t)]
        print(  # the must-show transcript (pytest -s)
            f"\nattack on {achievement}: {len(constraints)} published figures from "
            f"{len(GROUPINGS) * len(PERIODS)} requests over {len(truth)} finest cells; "
            f"{len(targets)} groups of 1..{MIN_CELL - 1} learners tried; pinned: {len(pinned)}"
        )
        assert pinned == []

    def test_the_same_attack_finds_the_student_when_figures_are_exact(
        self, client: TestClient, headers: dict[str, str]
    ) -> None:
        """The attacker is strong enough: on unrounded figures it exposes the issue's student."""
        constraints, truth = _attack(client, headers, BRONZE, exact=True)
        student = frozenset(c for c in truth if c[:2] == ("01-kitami", "student-high-school"))
        found = exposed(truth, constraints, student)
        print(f"\ncontrol, exact figures: the 01-kitami student pinned: {found}")
        assert found

    def test_repeating_a_query_or_asking_another_way_gives_the_same_numbers(
        self, client: TestClient, headers: dict[str, str]
    ) -> None:
        url = "/v1/stats/achievements?group_by=region&period=quarter"
        first = client.get(url, headers=headers).json()
        assert all(
            client.get(url, headers=headers).json()["cells"] == first["cells"] for _ in range(3)
        )
        # The same learners through another grouping: Kitami's bronze by region equals Kitami's
        # bronze by region and period=year (all in 2026).
        by_region = client.get("/v1/stats/achievements?group_by=region", headers=headers).json()
        by_year = client.get(
            "/v1/stats/achievements?group_by=region&period=year", headers=headers
        ).json()
        kitami = [
            c["learners"]
            for body in (by_region, by_year)
            for c in body["cells"]
            if c["key"] == BRONZE and c["groups"]["region"] == "01-kitami"
        ]
        assert kitami[0] == kitami[1]
        assert kitami[0] in {5, 10}


@pytest.mark.usefixtures("seeded")
class TestLearningDateAndLabels:
    def test_counts_by_the_month_learning_happened_not_the_import(
        self, client: TestClient, headers: dict[str, str]
    ) -> None:
        body = client.get(
            "/v1/stats/achievements?period=month&from=2026-04-01", headers=headers
        ).json()
        months = {c["period"]: c["learners"] for c in body["cells"] if c["key"] == BRONZE}
        assert set(months) == {"2026-04", "2026-05", "2026-06"}
        assert months["2026-05"] is None  # 3 learners: suppressed
        assert "2026-11" not in {c["period"] for c in body["cells"]}
        assert any("latest completion that earned it" in n for n in body["counting"]["notes"])

    def test_group_codes_carry_their_names_in_json_csv_and_svg(
        self, client: TestClient, headers: dict[str, str]
    ) -> None:
        url = "/v1/stats/achievements?group_by=region&group_by=category"
        cells = client.get(url, headers=headers).json()["cells"]
        kitami = next(c for c in cells if c["groups"]["region"] == "01-kitami")
        assert kitami["group_labels"]["region"] == {"ja": "北見", "en": "Kitami"}
        assert kitami["group_labels"]["category"] in (
            None,
            {"ja": "非IT職の社会人", "en": "Non-IT workers"},
        )
        hakodate = next(c for c in cells if c["groups"]["region"] == "03-hakodate")
        assert hakodate["group_labels"]["region"] is None
        csv_text = client.get(url + "&format=csv", headers=headers).content.decode("utf-8-sig")
        assert csv_text.splitlines()[0] == (
            "kind,key,label,region,region_ja,region_en,category,category_ja,category_en,"
            "period,learners,suppressed"
        )
        assert "01-kitami,北見,Kitami,worker-non-it,非IT職の社会人,Non-IT workers" in csv_text
        svg = client.get(url + "&format=svg", headers=headers).text
        assert "北見 / 非IT職の社会人" in svg
