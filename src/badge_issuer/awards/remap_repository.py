"""Queries over skill map apply runs (learners, completions and awards come from their own
repositories)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from badge_issuer.awards.apply_models import ApplyState, SkillMapApply


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
