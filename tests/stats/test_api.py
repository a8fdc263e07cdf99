"""The statistics endpoints: access, parameters, the three formats, and a subtraction attack."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import defusedxml.ElementTree as safe_xml
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from badge_issuer.admin.scopes import Scope
from badge_issuer.config import Settings
from badge_issuer.db import session_scope
from badge_issuer.main import create_app
from badge_issuer.stats.schemas import StatsRead
from tests.admin.factories import bearer, make_token
from tests.stats.conftest import NOW
from tests.stats.factories import AwardFactory, load_example_skill_map

BRONZE = "dx-literacy-bronze"
SILVER = "dx-case-silver"
GOLD = "regional-dx-leader-gold"
# (achievement, region, month issued, learners): bronze and silver each hold small cells.
HOLDINGS = [
    (BRONZE, "01-kitami", 4, 12),
    (BRONZE, "02-sapporo", 4, 3),
    (BRONZE, "03-hakodate", 5, 9),
    (BRONZE, "04-obihiro", 5, 20),
    (SILVER, "01-kitami", 6, 6),
    (SILVER, "02-sapporo", 6, 1),
    (SILVER, "03-hakodate", 7, 1),
    (SILVER, "04-obihiro", 7, 7),
    (GOLD, "01-kitami", 8, 2),
    (GOLD, "02-sapporo", 8, 2),
]


@pytest.fixture
def seeded(app: FastAPI) -> None:
    for session in session_scope(app.state.session_factory):
        factory = AwardFactory(session, NOW)
        factory.issuer("default")
        load_example_skill_map(session, NOW)
        for achievement, region, month, learners in HOLDINGS:
            for _ in range(learners):
                learner = factory.learner(region=region, category="worker-non-it")
                issued_at = datetime(2026, month, 10, tzinfo=UTC)
                factory.award(learner, achievement, issued_at=issued_at)
        revoked = factory.learner(region="02-sapporo")
        factory.award(revoked, BRONZE, issued_at=datetime(2026, 4, 1, tzinfo=UTC), revoked_at=NOW)


@pytest.fixture
def stats_headers(app: FastAPI) -> dict[str, str]:
    return bearer(make_token(app, Scope.STATS))


class TestAccess:
    def test_needs_a_token(self, client: TestClient) -> None:
        response = client.get("/v1/stats/achievements")
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"

    def test_needs_the_stats_scope(self, client: TestClient, app: FastAPI) -> None:
        headers = bearer(make_token(app, Scope.KEYS))
        assert client.get("/v1/stats/skills", headers=headers).status_code == 403

    def test_answers_with_the_stats_scope(
        self, client: TestClient, stats_headers: dict[str, str]
    ) -> None:
        response = client.get("/v1/stats/skills", headers=stats_headers)
        assert response.status_code == 200
        assert response.headers["cache-control"] == "private, no-store"

    def test_is_open_to_anyone_when_statistics_are_public(self, settings: Settings) -> None:
        application = create_app(settings.model_copy(update={"public_stats": True}))
        try:
            with TestClient(application) as anonymous:
                response = anonymous.get("/v1/stats/achievements")
        finally:
            application.state.engine.dispose()
        assert response.status_code == 200
        assert response.headers["cache-control"] == "public, max-age=300"


class TestParameters:
    @pytest.mark.parametrize(
        ("query", "pointer"),
        [
            ("period=week", "/query/period"),
            ("group_by=municipality", "/query/group_by/0"),
            ("group_by=region&group_by=region", "/query/group_by"),
            ("from=2026-05-01&to=2026-04-01", "/query/from"),
            ("from=2026-02-30", "/query/from"),
            ("to=0001-01-01", "/query/to"),
            ("format=xlsx", "/query/format"),
            ("cumulative=perhaps", "/query/cumulative"),
        ],
    )
    def test_invalid_parameters_are_422_problems(
        self, client: TestClient, stats_headers: dict[str, str], query: str, pointer: str
    ) -> None:
        response = client.get(f"/v1/stats/achievements?{query}", headers=stats_headers)
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert pointer in [error["pointer"] for error in response.json()["errors"]]


@pytest.mark.usefixtures("seeded")
class TestFormats:
    @pytest.mark.parametrize(
        "query", ["", "?group_by=region&group_by=issuer&period=month&from=2026-04-01"]
    )
    def test_json_follows_the_documented_schema(
        self, client: TestClient, stats_headers: dict[str, str], query: str
    ) -> None:
        response = client.get(f"/v1/stats/skills{query}", headers=stats_headers)
        assert response.headers["content-type"] == "application/json"
        answer = StatsRead.model_validate(response.json())
        assert answer.cells
        assert answer.model_dump(mode="json", by_alias=True) == response.json()

    def test_json_says_what_is_counted(
        self, client: TestClient, stats_headers: dict[str, str]
    ) -> None:
        body = client.get("/v1/stats/achievements", headers=stats_headers).json()
        counting = body["counting"]
        assert counting["as_of"] == "2026-11-26T03:00:00Z"
        assert counting["excludes"] == ["revoked credentials", "expired credentials"]
        assert counting["min_cell"] == 5
        assert "revoked and expired credentials are not counted" in counting["notes"][0]
        published = {c["key"]: c["learners"] for c in body["cells"]}
        assert published[BRONZE] in _rounded(44)
        assert (published[SILVER], published[GOLD]) == (15, None)

    def test_skills_say_they_come_from_the_current_skill_map(
        self, client: TestClient, stats_headers: dict[str, str]
    ) -> None:
        body = client.get("/v1/stats/skills", headers=stats_headers).json()
        assert body["counting"]["skill_map_version"] == "2026.1"
        assert any("current skill map" in note for note in body["counting"]["notes"])
        cells = {c["label"]: c["learners"] for c in body["cells"]}
        # Silver holders here hold no bronze: data-utilisation counts both groups once each.
        assert cells["データ活用"] in _rounded(44 + 15)
        assert cells["Pythonプログラミング"] == 15

    @pytest.mark.parametrize(
        ("query", "accept"), [("&format=csv", "application/json"), ("", "text/csv")]
    )
    def test_csv_for_spreadsheets(
        self, client: TestClient, stats_headers: dict[str, str], query: str, accept: str
    ) -> None:
        response = client.get(
            f"/v1/stats/achievements?group_by=region{query}",
            headers={**stats_headers, "Accept": accept},
        )
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        assert response.headers["content-disposition"].endswith('stats-achievements-20261126.csv"')
        assert response.content.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        bronze = [r for r in rows if r["key"] == BRONZE and r["kind"] == "cell"]
        assert bronze[0]["label"] == "北海道DXリテラシー（ブロンズ）"
        assert {r["region"]: r["learners"] for r in bronze}["04-obihiro"] == "20"

    def test_svg_chart_with_japanese_labels(
        self, client: TestClient, stats_headers: dict[str, str]
    ) -> None:
        response = client.get(
            "/v1/stats/skills?format=svg&period=month&cumulative=true", headers=stats_headers
        )
        assert response.headers["content-type"] == "image/svg+xml"
        assert "default-src 'none'" in response.headers["content-security-policy"]
        root = safe_xml.fromstring(response.content)
        texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
        assert "データ活用" in texts
        assert "DXリテラシー" in texts

    def test_accept_svg_gives_the_chart(
        self, client: TestClient, stats_headers: dict[str, str]
    ) -> None:
        response = client.get(
            "/v1/stats/achievements", headers={**stats_headers, "Accept": "image/svg+xml"}
        )
        assert response.headers["content-type"] == "image/svg+xml"
        assert response.headers["vary"] == "Accept, Authorization"


def _rounded(count: int) -> set[int]:
    """What a count may be published as: rounded to a multiple of min_cell (5), down or up."""
    low = count - count % 5
    return {count} if count % 5 == 0 else {low, low + 5}


@pytest.mark.usefixtures("seeded")
class TestSubtractionAttack:
    @pytest.mark.parametrize(
        "query",
        [
            "group_by=region",
            "group_by=region&group_by=category",
            "group_by=region&period=month",
            "group_by=region&period=quarter&cumulative=true",
            "group_by=category&group_by=issuer",
        ],
    )
    @pytest.mark.parametrize("subject", ["achievements", "skills"])
    def test_every_published_figure_is_a_rounded_count_of_at_least_min_cell(
        self, client: TestClient, stats_headers: dict[str, str], subject: str, query: str
    ) -> None:
        # The attack combining every figure of many requests is in test_differencing.py.
        body = client.get(f"/v1/stats/{subject}?{query}", headers=stats_headers).json()
        assert body["cells"], "the attack needs something to attack"
        for cell in [*body["cells"], *body["totals"]]:
            assert cell["learners"] is None or cell["learners"] >= 5
            assert cell["learners"] is None or cell["learners"] % 5 == 0
            assert (cell["learners"] is None) == cell["suppressed"]

    def test_the_csv_and_the_chart_publish_nothing_more_than_the_json(
        self, client: TestClient, stats_headers: dict[str, str]
    ) -> None:
        url = "/v1/stats/achievements?group_by=region"
        body = client.get(url, headers=stats_headers).json()
        published = {c["learners"] for c in [*body["cells"], *body["totals"]]} - {None}
        rows = csv.DictReader(
            io.StringIO(
                client.get(url + "&format=csv", headers=stats_headers).content.decode("utf-8-sig")
            )
        )
        assert {int(r["learners"]) for r in rows if r["learners"]} == published
        svg = safe_xml.fromstring(client.get(url + "&format=svg", headers=stats_headers).content)
        numbers = {
            text.text.removeprefix("計 ").replace(",", "")
            for text in svg.iter("{http://www.w3.org/2000/svg}text")
            if text.text and text.text.removeprefix("計 ").replace(",", "").isdigit()
        }
        # Axis ticks are numbers too; every other number is a published count.
        ticks = {str(v) for v in range(0, 101, 5)}
        assert {int(n) for n in numbers - ticks} <= published

    def test_the_small_silver_cells_are_suppressed_with_a_complement(
        self, client: TestClient, stats_headers: dict[str, str]
    ) -> None:
        body = client.get("/v1/stats/achievements?group_by=region", headers=stats_headers).json()
        silver = {c["groups"]["region"]: c["learners"] for c in body["cells"] if c["key"] == SILVER}
        # 1 + 1 alone would reveal both ones: the 6 is suppressed too.
        assert silver == {
            "01-kitami": None,
            "02-sapporo": None,
            "03-hakodate": None,
            "04-obihiro": silver["04-obihiro"],
        }
        assert silver["04-obihiro"] in _rounded(7)
        totals = {t["key"]: t["learners"] for t in body["totals"]}
        assert totals[BRONZE] in _rounded(44)
        assert (totals[SILVER], totals[GOLD]) == (15, None)
