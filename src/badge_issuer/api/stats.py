"""Talent visibility: privacy-safe learner counts per achievement and skill (scope `stats`)."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from badge_issuer.admin import ownership
from badge_issuer.admin import service as admin_service
from badge_issuer.admin.binding import Binding
from badge_issuer.admin.deps import AdminGuard, BearerDep
from badge_issuer.admin.scopes import Scope
from badge_issuer.api.deps import NowDep, SessionDep, SettingsDep
from badge_issuer.problems import problem_responses
from badge_issuer.stats import service
from badge_issuer.stats.chart import render_svg
from badge_issuer.stats.csv_format import render_csv
from badge_issuer.stats.formats import MEDIA_TYPES, OutputFormat, choose_format
from badge_issuer.stats.query import Dimension, Period, StatsQuery, Subject, build_query
from badge_issuer.stats.schemas import StatsRead, stats_json
from badge_issuer.stats.table import StatsTable

router = APIRouter(prefix="/v1/stats", tags=["stats"])

DESCRIPTION = """Distinct learners holding each {subject}, counted among credentials valid now
(revoked and expired ones never count), optionally grouped by `region`, `category` and `issuer`
(repeat `group_by`) and split by `period`: learners who earned it in each period, or with
`cumulative=true` learners holding it at each period's end. A credential counts at the date of
the latest completion that earned it (direct awards: their award date), not its issue date.
`from` and `to` are inclusive days in Japan time. Region and category codes carry their names
(`group_labels`, ja/en) from the skill map's `labels` or BADGE_ISSUER_STATS_LABELS_FILE.{skills}

**Privacy.** No answer holds an individual's data. Cells with fewer than
`BADGE_ISSUER_STATS_MIN_CELL` (default 5) learners are suppressed (`learners: null`,
`suppressed: true`). Grouped answers also give a total per {subject} and period; wherever a
total minus its published cells would reveal a suppressed cell (only one suppressed cell in it,
or suppressed cells that could only hold one learner each), the smallest other cells, or the
total, are suppressed too. Every published number is then rounded to a multiple of the minimum
cell, up or down at random with a draw fixed by the set of learners counted (cell-key
perturbation, as the ABS TableBuilder and the UK 2021 Census): the same learners give the same
number in every request, grouping and period, so differencing groupings, periods or repeated
queries leaves an interval of about twice the minimum cell, never a small group's count.

**Formats.** JSON by default; `text/csv` or `image/svg+xml` (a chart to embed, Japanese
labels) with `?format=csv|svg` or the Accept header. The CSV is UTF-8 with a byte-order mark:
without it, Excel on Japanese Windows reads CSV as Shift_JIS and garbles every Japanese name.

Access: scope `stats`, or anyone when `BADGE_ISSUER_PUBLIC_STATS` is true."""

_SKILLS_NOTE = """ A learner holds a skill when they hold a valid achievement that carries it
in the current skill map."""

_OTHER_FORMATS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The table: JSON, CSV or an SVG chart",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "image/svg+xml": {"schema": {"type": "string"}},
        },
    }
}
_RESPONSES = {**_OTHER_FORMATS, **problem_responses(401, 403, 422)}


class StatsGuard(AdminGuard):
    """Let anyone read everything when statistics are public; else require the `stats` scope.

    A token bound to issuers counts only its issuers' credentials (`filtered`).
    """

    def __call__(  # type: ignore[override]
        self,
        request: Request,
        session: SessionDep,
        now: NowDep,
        credentials: BearerDep,
        settings: SettingsDep,
    ) -> admin_service.AdminPrincipal | None:
        if settings.public_stats:
            return None
        return super().__call__(request, session, now, credentials)


# Not authenticated before the body (these are GETs): public statistics need no token at all.
StatsAccess = Annotated[
    admin_service.AdminPrincipal | None,
    Depends(StatsGuard(Scope.STATS, Binding.FILTERED, before_body=False)),
]


@dataclass(frozen=True, slots=True)
class StatsRequest:
    query: StatsQuery
    output: OutputFormat | None


def _add_statistics_route(subject: Subject, *, name: str, noun: str, skills: str = "") -> None:
    """Register GET /v1/stats/<subject>: count learners holding each achievement or skill."""

    def parameters(
        group_by: Annotated[
            list[Dimension] | None, Query(description="Repeat to group by several dimensions.")
        ] = None,
        period: Annotated[Period | None, Query(description="Split by calendar period.")] = None,
        cumulative: Annotated[bool, Query(description="Holders at each period's end.")] = False,
        date_from: Annotated[date | None, Query(alias="from", description="First day.")] = None,
        date_to: Annotated[date | None, Query(alias="to", description="Last day.")] = None,
        output: Annotated[
            OutputFormat | None, Query(alias="format", description="Overrides the Accept header.")
        ] = None,
    ) -> StatsRequest:
        query = build_query(
            subject=subject,
            group_by=group_by or [],
            period=period,
            cumulative=cumulative,
            date_from=date_from,
            date_to=date_to,
        )
        return StatsRequest(query, output)

    # A default, not an annotation: annotations are strings looked up in the module, where
    # this closure's `parameters` is not. `access` comes first: the token is checked before
    # the parameters' combination.
    asked_in_query = Depends(parameters)

    def statistics(
        request: Request,
        session: SessionDep,
        settings: SettingsDep,
        now: NowDep,
        access: StatsAccess,
        asked: StatsRequest = asked_in_query,
    ) -> Response:
        table = service.holder_statistics(
            session,
            query=asked.query,
            as_of=now,
            min_cell=settings.stats_min_cell,
            issuer_ids=ownership.issuer_ids(session, access.issuers if access else None),
            cell_secret=_cell_secret(settings),
            labels_file=settings.stats_labels_file,
        )
        output = choose_format(asked.output, request.headers.get("accept"))
        return _render(table, output, public=settings.public_stats)

    router.get(
        f"/{subject.value}",
        name=name,
        response_model=StatsRead,
        responses=_RESPONSES,
        description=DESCRIPTION.format(subject=noun, skills=skills),
    )(statistics)


_add_statistics_route(Subject.ACHIEVEMENTS, name="achievement_statistics", noun="achievement")
_add_statistics_route(Subject.SKILLS, name="skill_statistics", noun="skill", skills=_SKILLS_NOTE)


def _cell_secret(settings: SettingsDep) -> bytes:
    """The perturbation secret, derived from (never equal to) the learner hash secret."""
    secret = settings.learner_hash_secret.get_secret_value().encode("utf-8")
    return hmac.new(secret, b"statistics cell key", hashlib.sha256).digest()


def _render(table: StatsTable, output: OutputFormat, *, public: bool) -> Response:
    headers = {
        "Vary": "Accept, Authorization",
        "Cache-Control": "public, max-age=300" if public else "private, no-store",
        "X-Content-Type-Options": "nosniff",
    }
    if output is OutputFormat.CSV:
        name = f"stats-{table.subject}-{table.as_of:%Y%m%d}.csv"
        headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return Response(
            render_csv(table).encode("utf-8"), media_type=MEDIA_TYPES[output], headers=headers
        )
    if output is OutputFormat.SVG:
        # Nothing in the chart runs or loads anything; say so to browsers opening it directly.
        headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
        return Response(
            render_svg(table).encode("utf-8"), media_type=MEDIA_TYPES[output], headers=headers
        )
    return Response(stats_json(table), media_type=MEDIA_TYPES[output], headers=headers)
