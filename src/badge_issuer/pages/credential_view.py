"""What the badge page shows, read from the signed credential itself (pure).

The page reads the same document an employer's software verifies, so the two cannot disagree.
Anything missing or of the wrong shape is simply not shown: the verdict reports what is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

LINKEDIN_ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"


@dataclass(frozen=True)
class AlignmentView:
    name: str
    code: str | None
    framework: str | None
    url: str | None


@dataclass(frozen=True)
class EvidenceView:
    name: str | None
    narrative: str | None
    genre: str | None
    url: str | None


@dataclass(frozen=True)
class ResultView:
    name: str | None
    value: str


@dataclass(frozen=True)
class EndorsementView:
    endorser: str | None
    comment: str | None


@dataclass(frozen=True)
class CredentialView:
    """The displayable parts of an OB 3.0 credential."""

    id: str | None
    achievement_id: str | None
    achievement_name: str
    description: str | None
    criteria: str | None
    issuer_id: str | None
    issuer_name: str | None
    valid_from: datetime | None
    valid_until: datetime | None
    alignments: tuple[AlignmentView, ...]
    evidence: tuple[EvidenceView, ...]
    results: tuple[ResultView, ...]
    endorsements: tuple[EndorsementView, ...]


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, Mapping):
        # Language maps and objects with an id are both found in the wild.
        for key in ("@value", "name", "id"):
            if isinstance(value.get(key), str):
                return str(value[key])
    return None


def _objects(value: Any) -> list[Mapping[str, Any]]:
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, Mapping)]


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _alignment(item: Mapping[str, Any]) -> AlignmentView | None:
    name = _text(item.get("targetName"))
    if name is None:
        return None
    return AlignmentView(
        name=name,
        code=_text(item.get("targetCode")),
        framework=_text(item.get("targetFramework")),
        url=_web_url(item.get("targetUrl")),
    )


def _web_url(value: Any) -> str | None:
    """A link the page may show: http(s) only, never `javascript:` or `data:`."""
    if isinstance(value, str) and value.startswith(("https://", "http://")):
        return value
    return None


def _endorsement(item: Mapping[str, Any]) -> EndorsementView:
    subject = next(iter(_objects(item.get("credentialSubject"))), {})
    return EndorsementView(
        endorser=_text(item.get("issuer"))
        if not isinstance(item.get("issuer"), Mapping)
        else _text(item["issuer"].get("name")),
        comment=_text(subject.get("endorsementComment")),
    )


def credential_view(document: Mapping[str, Any]) -> CredentialView:
    """Read what the page shows from a credential (best effort: missing parts stay empty)."""
    subject = next(iter(_objects(document.get("credentialSubject"))), {})
    achievement = subject.get("achievement")
    achievement = achievement if isinstance(achievement, Mapping) else {}
    issuer = document.get("issuer")
    criteria = achievement.get("criteria")
    endorsements = [
        *_objects(document.get("endorsement")),
        *_objects(achievement.get("endorsement")),
    ]
    return CredentialView(
        id=_text(document.get("id")),
        achievement_id=_text(achievement.get("id")),
        achievement_name=_text(achievement.get("name")) or _text(document.get("name")) or "",
        description=_text(achievement.get("description")),
        criteria=_text(criteria.get("narrative")) if isinstance(criteria, Mapping) else None,
        issuer_id=_text(issuer.get("id")) if isinstance(issuer, Mapping) else _text(issuer),
        issuer_name=_text(issuer.get("name")) if isinstance(issuer, Mapping) else None,
        valid_from=_moment(document.get("validFrom")),
        valid_until=_moment(document.get("validUntil")),
        alignments=tuple(
            view
            for view in (_alignment(item) for item in _objects(achievement.get("alignment")))
            if view is not None
        ),
        evidence=tuple(
            EvidenceView(
                name=_text(item.get("name")),
                narrative=_text(item.get("narrative")),
                genre=_text(item.get("genre")),
                url=_web_url(item.get("id")),
            )
            for item in _objects(document.get("evidence"))
        ),
        results=tuple(
            ResultView(name=_text(item.get("resultDescription")), value=str(item["value"]))
            for item in _objects(subject.get("result"))
            if isinstance(item.get("value"), str | int | float)
        ),
        endorsements=tuple(_endorsement(item) for item in endorsements),
    )


def linkedin_add_url(
    *,
    name: str,
    organization: str,
    issued: datetime | None,
    expires: datetime | None,
    certificate_url: str,
    certificate_id: str,
) -> str:
    """LinkedIn's add-to-profile link for a certification (opened by the learner, not loaded)."""
    params: dict[str, str] = {
        "startTask": "CERTIFICATION_NAME",
        "name": name,
        "organizationName": organization,
    }
    if issued is not None:
        params |= {"issueYear": str(issued.year), "issueMonth": str(issued.month)}
    if expires is not None:
        params |= {"expirationYear": str(expires.year), "expirationMonth": str(expires.month)}
    params |= {"certUrl": certificate_url, "certId": certificate_id}
    return f"{LINKEDIN_ADD_TO_PROFILE}?{urlencode(params)}"
