"""Queries for impact reports and apply runs: learners in id batches with their records."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badge_issuer.awards.apply_models import ApplyState, SkillMapApply
from badge_issuer.awards.models import Award
from badge_issuer.learners.models import Learner
from badge_issuer.providers.models import Completion


def learners_after(session: Session, *, after_id: int, limit: int) -> Sequence[Learner]:
    query = select(Learner).where(Learner.id > after_id).order_by(Learner.id).limit(limit)
    return session.scalars(query).all()


def count_learners(session: Session) -> int:
    return int(session.scalar(select(func.count(Learner.id))) or 0)


def completions_of(session: Session, learner_ids: Sequence[int]) -> dict[int, list[Completion]]:
    found: dict[int, list[Completion]] = defaultdict(list)
    for row in session.scalars(select(Completion).where(Completion.learner_id.in_(learner_ids))):
        found[row.learner_id].append(row)
    return found


def awards_of(session: Session, learner_ids: Sequence[int]) -> dict[int, list[Award]]:
    found: dict[int, list[Award]] = defaultdict(list)
    for row in session.scalars(select(Award).where(Award.learner_id.in_(learner_ids))):
        if row.learner_id is not None:
            found[row.learner_id].append(row)
    return found


def learners_by_hash(session: Session, hashes: Sequence[str]) -> dict[str, int]:
    query = select(Learner.email_hash, Learner.id).where(Learner.email_hash.in_(hashes))
    return {row.email_hash: row.id for row in session.execute(query)}


def get_run(session: Session, run_id: int, *, lock: bool = False) -> SkillMapApply | None:
    query = select(SkillMapApply).where(SkillMapApply.id == run_id)
    return session.scalars(query.with_for_update() if lock else query).first()


def running_for(session: Session, version_id: int) -> SkillMapApply | None:
    query = (
        select(SkillMapApply)
        .where(
            SkillMapApply.skill_map_version_id == version_id,
            SkillMapApply.state == ApplyState.RUNNING,
        )
        .order_by(SkillMapApply.id.desc())
        .with_for_update()
    )
    return session.scalars(query).first()


def runs_for(session: Session, version_id: int) -> Sequence[SkillMapApply]:
    query = (
        select(SkillMapApply)
        .where(SkillMapApply.skill_map_version_id == version_id)
        .order_by(SkillMapApply.id.desc())
    )
    return session.scalars(query).all()


def add_run(session: Session, run: SkillMapApply) -> SkillMapApply:
    session.add(run)
    session.flush()
    return run
