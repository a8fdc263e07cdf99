"""OB 3.0 Evidence and Result objects for a credential, from completions (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class CompletionEvidence:
    """What a credential says about one completion that met its rule."""

    provider_name: str
    course_id: str
    course_name: str
    completed_at: datetime
    score: float | None
    certificate_url: str | None


def _score_text(score: float) -> str:
    return f"{score:g}"


def completion_evidence(item: CompletionEvidence) -> dict[str, Any]:
    """One Evidence entry citing the provider's certificate when there is one."""
    narrative = (
        f"{item.provider_name}: {item.course_name} ({item.course_id}) "
        f"completed {item.completed_at.date().isoformat()}"
    )
    if item.score is not None:
        narrative += f", score {_score_text(item.score)}"
    evidence: dict[str, Any] = {
        "type": ["Evidence"],
        "name": item.course_name,
        "narrative": narrative,
        "genre": "Course completion",
    }
    if item.certificate_url:
        evidence["id"] = item.certificate_url
    return evidence


def direct_evidence(narrative: str, urls: list[str]) -> list[dict[str, Any]]:
    """Evidence an admin gives for a direct award (e.g. proven practical experience)."""
    if not urls:
        return [{"type": ["Evidence"], "narrative": narrative, "genre": "Practical experience"}]
    return [
        {"id": url, "type": ["Evidence"], "narrative": narrative, "genre": "Practical experience"}
        for url in urls
    ]


def score_result(achievement_url: str, score: float) -> tuple[dict[str, Any], dict[str, Any]]:
    """The achievement's ResultDescription and the subject's Result for a single-course score."""
    description_id = f"{achievement_url}#score"
    description = {
        "id": description_id,
        "type": ["ResultDescription"],
        "name": "Score",
        "resultType": "Percent",
        "valueMin": "0",
        "valueMax": "100",
    }
    result = {"type": ["Result"], "resultDescription": description_id, "value": _score_text(score)}
    return description, result
