"""Skill map achievements as OB 3.0 `Achievement` objects (pure)."""

from __future__ import annotations

from typing import Any

from badge_issuer.skillmap.catalog import alignments
from badge_issuer.skillmap.document import Achievement, SkillMap


def achievement_url(public_origin: str, achievement_id: str) -> str:
    """The achievement's public id: its page in the catalog."""
    return f"{public_origin}/achievements/{achievement_id}"


def achievement_document(
    skill_map: SkillMap,
    achievement: Achievement,
    *,
    public_origin: str,
    creator: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the OB 3.0 Achievement embedded in credentials and shown in the catalog."""
    document: dict[str, Any] = {
        "id": achievement_url(public_origin, achievement.id),
        "type": ["Achievement"],
        "achievementType": "Badge",
        "name": achievement.name,
        "description": achievement.description,
        "criteria": {"narrative": achievement.criteria},
        "image": {"id": str(achievement.image), "type": "Image"},
        "alignment": [
            {
                "type": ["Alignment"],
                "targetName": alignment.target_name,
                "targetUrl": alignment.target_url,
                "targetFramework": alignment.target_framework,
                "targetCode": alignment.target_code,
            }
            for alignment in alignments(skill_map, achievement)
        ],
    }
    if creator is not None:
        document["creator"] = creator
    return document
