"""The public catalog: every badge, its criteria and skills, and the courses that count."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from badge_issuer.api.deps import ReadSessionDep, SettingsDep
from badge_issuer.pages import views as pages
from badge_issuer.pages.documentation import HTML_MEDIA_TYPE, problems_or_pages
from badge_issuer.pages.negotiation import VARY
from badge_issuer.problems import problem_responses
from badge_issuer.skillmap import service
from badge_issuer.skillmap.catalog import UnknownAchievement
from badge_issuer.skillmap.catalog_view import catalog_achievement
from badge_issuer.skillmap.errors import AchievementNotFound, NoSkillMap
from badge_issuer.skillmap.schemas import Catalog, CatalogAchievement

router = APIRouter(prefix="/achievements", tags=["catalog"])


@router.get("", response_model=Catalog, responses=problem_responses(404))
def list_achievements(session: ReadSessionDep, settings: SettingsDep) -> Catalog:
    """List every badge with what to study for it."""
    current = service.load_current(session)
    if current is None:
        raise NoSkillMap("No skill map has been loaded yet.")
    origin = settings.public_origin
    return Catalog(
        skill_map_version=current.skill_map.version or current.content_hash[:12],
        achievements=[
            catalog_achievement(current.skill_map, a.id, public_origin=origin)
            for a in current.skill_map.achievements
        ],
    )


@router.get(
    "/{achievement_id}",
    response_model=CatalogAchievement,
    responses={**problems_or_pages(404), 200: {"content": {HTML_MEDIA_TYPE: {}}}},
)
def get_achievement(
    achievement_id: str,
    request: Request,
    response: Response,
    session: ReadSessionDep,
    settings: SettingsDep,
) -> CatalogAchievement | Response:
    """Describe one badge: criteria, skills, alignment and the courses that count toward it.

    A browser (Accept preferring text/html) gets the achievement page instead.
    """
    if pages.wants_html(request):
        return pages.achievement_html(
            request, session, achievement_id=achievement_id, settings=settings
        )
    response.headers["Vary"] = VARY
    current = service.load_current(session)
    if current is None:
        raise NoSkillMap("No skill map has been loaded yet.")
    try:
        return catalog_achievement(
            current.skill_map, achievement_id, public_origin=settings.public_origin
        )
    except UnknownAchievement:
        raise AchievementNotFound(f"No achievement `{achievement_id}` in the skill map.") from None
