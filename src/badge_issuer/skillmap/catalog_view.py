"""The public catalog built from the current skill map (pure)."""

from __future__ import annotations

from badge_issuer.kit.read_models import read_model
from badge_issuer.skillmap.catalog import CourseOption, alignments, catalog_entry
from badge_issuer.skillmap.document import SkillMap
from badge_issuer.skillmap.ob3 import achievement_document, achievement_url
from badge_issuer.skillmap.schemas import CatalogAchievement, CourseOptionRead


def _course(option: CourseOption) -> CourseOptionRead:
    return CourseOptionRead(
        provider=option.course.provider,
        course_id=option.course.course_id,
        name=option.course.name,
        min_score=option.min_score,
    )


def catalog_achievement(
    skill_map: SkillMap, achievement_id: str, *, public_origin: str
) -> CatalogAchievement:
    """Describe one achievement for learners: criteria, skills, and the courses that count."""
    entry = catalog_entry(skill_map, achievement_id)
    achievement = entry.achievement
    return read_model(
        CatalogAchievement,
        achievement,
        url=achievement_url(public_origin, achievement.id),
        alignment=[
            {"targetName": a.target_name, "targetUrl": a.target_url, "targetCode": a.target_code}
            for a in alignments(skill_map, achievement)
        ],
        prerequisites=list(entry.prerequisites),
        courses=[_course(option) for option in entry.courses],
        all_courses=[_course(option) for option in entry.all_courses],
        achievement=achievement_document(skill_map, achievement, public_origin=public_origin),
    )
