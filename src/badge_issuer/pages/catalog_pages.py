"""Gather what the achievement, issuer and landing pages show, from the current skill map."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from badge_issuer.issuers import repository as issuer_repository
from badge_issuer.issuers.models import Issuer
from badge_issuer.pages.rule_words import Gettext, Ngettext, RuleLine, RuleWords, describe_rule
from badge_issuer.providers import service as provider_service
from badge_issuer.skillmap import service as skillmap_service
from badge_issuer.skillmap.catalog import Alignment, alignments, catalog_entry
from badge_issuer.skillmap.document import Achievement, SkillMap
from badge_issuer.skillmap.errors import AchievementNotFound, NoSkillMap

# Enough for any real programme; the pages list providers by name, not page by page.
MAX_PROVIDERS = 500


@dataclass(frozen=True)
class BadgeCard:
    """A badge in a list: what `_card.html`'s `badge_card` macro shows."""

    name: str
    image_url: str
    href: str
    detail: str | None = None


@dataclass(frozen=True)
class CourseRow:
    name: str
    provider: str
    min_score: str | None
    url: str | None = None


@dataclass(frozen=True)
class AchievementPage:
    achievement: Achievement
    rule: RuleLine
    courses: tuple[CourseRow, ...]
    alignments: tuple[Alignment, ...]
    issuer: Issuer | None


def _skill_map(session: Session) -> SkillMap:
    current = skillmap_service.load_current(session)
    if current is None:
        raise NoSkillMap("No skill map has been loaded yet.")
    return current.skill_map


def provider_names(session: Session) -> dict[str, str]:
    """Provider ids to the names they registered under."""
    return {p.id: p.name for p in provider_service.list_providers(session, limit=MAX_PROVIDERS)}


def badge_card(achievement: Achievement, lang_query: str = "") -> BadgeCard:
    """The card of an achievement, linking to its page."""
    return BadgeCard(
        name=achievement.name,
        image_url=f"/achievements/{achievement.id}/image",
        href=f"/achievements/{achievement.id}{lang_query}",
        detail=achievement.description,
    )


def achievement_page(
    session: Session, *, achievement_id: str, gettext: Gettext, ngettext: Ngettext
) -> AchievementPage:
    """One achievement with its rule in words and the courses that count (404 if unknown)."""
    skill_map = _skill_map(session)
    by_id = {achievement.id: achievement for achievement in skill_map.achievements}
    if achievement_id not in by_id:
        raise AchievementNotFound(f"No achievement `{achievement_id}` in the skill map.")
    achievement = by_id[achievement_id]
    names = provider_names(session)
    words = RuleWords(skill_map, names, gettext, ngettext)
    entry = catalog_entry(skill_map, achievement_id)
    return AchievementPage(
        achievement=achievement,
        rule=describe_rule(achievement.rule, words),
        courses=tuple(
            CourseRow(
                name=option.course.name,
                provider=names.get(option.course.provider, option.course.provider),
                min_score=None if option.min_score is None else f"{option.min_score:g}",
            )
            for option in entry.courses
        ),
        alignments=alignments(skill_map, achievement),
        issuer=issuer_repository.get_by_slug(session, achievement.issuer),
    )


def issuer_badges(session: Session, *, issuer: Issuer, lang_query: str = "") -> list[BadgeCard]:
    """The cards of the issuer's achievements in the current skill map (none without a map)."""
    current = skillmap_service.load_current(session)
    if current is None:
        return []
    return [
        badge_card(achievement, lang_query)
        for achievement in current.skill_map.achievements
        if achievement.issuer == issuer.slug
    ]


def all_badges(session: Session, *, lang_query: str = "") -> list[BadgeCard]:
    """The cards of every achievement of the current skill map."""
    current = skillmap_service.load_current(session)
    if current is None:
        return []
    return [badge_card(achievement, lang_query) for achievement in current.skill_map.achievements]
