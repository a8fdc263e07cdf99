"""Aggregate queries over awards: distinct learners per key, group and period, done in SQL.

A credential counts when it is valid at `as_of` (not revoked, not expired) and belongs to a
learner record. Skills are counted by joining awards to the (achievement, skill) pairs of the
current skill map, passed in as a VALUES list, so one learner holding two achievements that
carry the same skill is counted once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    FromClause,
    SQLColumnExpression,
    String,
    and_,
    column,
    func,
    or_,
    select,
    values,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from badge_issuer.awards.models import Award
from badge_issuer.issuers.models import Issuer
from badge_issuer.stats.period_sql import period_label
from badge_issuer.stats.query import Dimension, Period
from badge_issuer.stats.table import Tally

_GROUP_COLUMNS: dict[Dimension, Any] = {
    Dimension.REGION: Award.learner_region,
    Dimension.CATEGORY: Award.learner_category,
    Dimension.ISSUER: Award.issuer_id,
}


@dataclass(frozen=True, slots=True)
class HolderQuery:
    """One aggregate: `achievement_skills` None counts achievements, else the skills they carry."""

    achievement_skills: Mapping[str, Sequence[str]] | None
    group_by: tuple[Dimension, ...]
    period: Period | None
    issued_from: datetime | None
    issued_before: datetime | None
    as_of: datetime


def count_holders(session: Session, spec: HolderQuery) -> list[Tally]:
    """Count distinct learners per key, group and period of issue."""
    source, key = _key_source(spec.achievement_skills)
    groups = [_GROUP_COLUMNS[d].label(f"g{i}") for i, d in enumerate(spec.group_by)]
    columns: list[Any] = [key.label("key"), *groups]
    if spec.period is not None:
        columns.append(period_label(_dialect(session), spec.period, Award.issued_at).label("p"))
    learners = func.count(Award.learner_id.distinct()).label("learners")
    query = (
        select(*columns, learners).select_from(source).where(*_conditions(spec)).group_by(*columns)
    )
    return _tallies(session, query, spec)


def count_first_holdings(session: Session, spec: HolderQuery) -> list[Tally]:
    """Count distinct learners per key, group and the period they first held it (needs a period)."""
    if spec.period is None:
        raise ValueError("first holdings are counted per period")
    source, key = _key_source(spec.achievement_skills)
    groups = [_GROUP_COLUMNS[d].label(f"g{i}") for i, d in enumerate(spec.group_by)]
    firsts = (
        select(key.label("key"), *groups, func.min(Award.issued_at).label("first_at"))
        .select_from(source)
        .where(*_conditions(spec))
        .group_by(key, *[_GROUP_COLUMNS[d] for d in spec.group_by], Award.learner_id)
        .subquery("firsts")
    )
    first_period = period_label(_dialect(session), spec.period, firsts.c.first_at).label("p")
    outer_groups = [firsts.c[f"g{i}"] for i in range(len(spec.group_by))]
    query = select(
        firsts.c.key, *outer_groups, first_period, func.count().label("learners")
    ).group_by(firsts.c.key, *outer_groups, first_period)
    return _tallies(session, query, spec)


def _key_source(
    achievement_skills: Mapping[str, Sequence[str]] | None,
) -> tuple[FromClause, SQLColumnExpression[str]]:
    award = Award.__table__
    if achievement_skills is None:
        return award, Award.achievement_id
    pairs = [(a, s) for a, skills in achievement_skills.items() for s in skills]
    if not pairs:
        raise ValueError("no (achievement, skill) pairs to count")
    carried = (
        values(column("achievement_id", String), column("skill_id", String), name="carried")
        .data(pairs)
        .cte("carried")
    )
    return award.join(carried, Award.achievement_id == carried.c.achievement_id), carried.c.skill_id


def _conditions(spec: HolderQuery) -> list[ColumnElement[bool]]:
    conditions = [
        Award.learner_id.is_not(None),
        Award.revoked_at.is_(None),
        or_(Award.valid_until.is_(None), Award.valid_until > spec.as_of),
    ]
    if spec.issued_from is not None:
        conditions.append(Award.issued_at >= spec.issued_from)
    if spec.issued_before is not None:
        conditions.append(Award.issued_at < spec.issued_before)
    return [and_(*conditions)]


def _tallies(session: Session, query: Any, spec: HolderQuery) -> list[Tally]:
    width = len(spec.group_by)
    issuer_slugs = _issuer_slugs(session) if Dimension.ISSUER in spec.group_by else {}
    tallies = []
    for row in session.execute(query):
        groups = tuple(
            _group_value(dimension, row[1 + i], issuer_slugs)
            for i, dimension in enumerate(spec.group_by)
        )
        period = row[1 + width] if spec.period is not None else None
        tallies.append(Tally(str(row[0]), groups, period, int(row[-1])))
    return tallies


def _group_value(dimension: Dimension, value: Any, issuer_slugs: dict[int, str]) -> str | None:
    if value is None:
        return None
    if dimension is Dimension.ISSUER:
        return issuer_slugs.get(int(value), str(value))
    return str(value)


def _issuer_slugs(session: Session) -> dict[int, str]:
    return {row.id: row.slug for row in session.execute(select(Issuer.id, Issuer.slug))}


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name
