"""Talent visibility: privacy-safe learner counts per achievement and skill (scope `stats`)."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from badge_issuer.admin import service as admin_service
from badge_issuer.admin.scopes import Scope
from badge_issuer.api.deps import NowDep, SessionDep, SettingsDep
from badge_issuer.problems import problem_responses
from badge_issuer.stats import service
from badge_issuer.stats.chart import render_svg
from badge_issuer.stats.csv_format import render_csv
from badge_issuer.stats.formats import MEDIA_TYPES, OutputFormat, choose_format
from badge_issuer.stats.query import Dimension, Period, Subject, build_query
from badge_issuer.stats.schemas import StatsRead, stats_json
from badge_issuer.stats.table import StatsTable

router = APIRouter(prefix="/v1/stats", tags=["stats"])

# auto_error=False: a missing token is our own 401 problem, and no token at all is fine when
# statistics are public.
_bearer = HTTPBearer(
    auto_error=False, description="Admin token with scope `stats` (unless statistics are public)"
)

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


def stats_access(
    settings: SettingsDep,
    session: SessionDep,
    now: NowDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
) -> admin_service.AdminPrincipal | None:
    """Let anyone read when statistics are public; otherwise require the `stats` scope."""
    if settings.public_stats:
        return None
    token = credentials.credentials if credentials else None
    return admin_service.authenticate(session, token=token, scope=Scope.STATS, now=now)


StatsAccess = Annotated[admin_service.AdminPrincipal | None, Depends(stats_access)]


@dataclass(frozen=True, slots=True)
class StatsParameters:
    group_by: list[Dimension]
    period: Period | None
    cumulative: bool
    date_from: date | None
    date_to: date | None
    output: OutputFormat | None


def stats_parameters(
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
) -> StatsParameters:
    return StatsParameters(group_by or [], period, cumulative, date_from, date_to, output)


ParametersDep = Annotated[StatsParameters, Depends(stats_parameters)]


@router.get(
    "/achievements",
    response_model=StatsRead,
    responses=_RESPONSES,
    description=DESCRIPTION.format(subject="achievement", skills=""),
)
def achievement_statistics(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    _access: StatsAccess,
    parameters: ParametersDep,
) -> Response:
    """Count learners holding each achievement."""
    return _answer(request, session, settings, now, Subject.ACHIEVEMENTS, parameters)


@router.get(
    "/skills",
    response_model=StatsRead,
    responses=_RESPONSES,
    description=DESCRIPTION.format(subject="skill", skills=_SKILLS_NOTE),
)
def skill_statistics(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    _access: StatsAccess,
    parameters: ParametersDep,
) -> Response:
    """Count learners holding each skill."""
    return _answer(request, session, settings, now, Subject.SKILLS, parameters)


def _answer(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    subject: Subject,
    parameters: StatsParameters,
) -> Response:
    query = build_query(
        subject=subject,
        group_by=parameters.group_by,
        period=parameters.period,
        cumulative=parameters.cumulative,
        date_from=parameters.date_from,
        date_to=parameters.date_to,
    )
    table = service.holder_statistics(
        session,
        query=query,
        as_of=now,
        min_cell=settings.stats_min_cell,
        cell_secret=_cell_secret(settings),
        labels_file=settings.stats_labels_file,
    )
    output = choose_format(parameters.output, request.headers.get("accept"))
    return _render(table, output, public=settings.public_stats)


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
