"""Badge images over HTTP: achievement artwork (upload, serve) and credentials baked into it.

Artwork comes only from admin uploads (stored in `achievement_image`): the skill map's
`image` is a URL this service never fetches. Without an upload, the badge is the generated
default SVG with the achievement's name and issuer's name. A credential image is the artwork
with `Award.document` baked in as stored, byte for byte.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from badge_issuer.audit import service as audit
from badge_issuer.awards import repository as awards_repository
from badge_issuer.awards.errors import CredentialNotFound
from badge_issuer.awards.models import Award
from badge_issuer.images import repository
from badge_issuer.images.baking import bake, image_format, unbake
from badge_issuer.images.default_badge import default_badge_svg
from badge_issuer.images.models import AchievementImage
from badge_issuer.images.png_checks import png_header
from badge_issuer.images.store_errors import AchievementImageNotUploaded, BadgePngUnavailable
from badge_issuer.images.svg_wrapper import svg_wrapping_png
from badge_issuer.images.unbaked import ImageFormat, UnbakedCredential
from badge_issuer.images.uploads import UPLOAD_LIMITS, check_achievement_image
from badge_issuer.kit.http import etag_of
from badge_issuer.skillmap import service as skillmap_service
from badge_issuer.skillmap.errors import AchievementNotFound, NoSkillMap

TARGET_TYPE = "achievement_image"
# Part of every credential image ETag: bump it if baking ever writes different bytes.
_BAKING_REVISION = "1"


@dataclass(frozen=True, slots=True)
class ServedImage:
    """Image bytes with what an HTTP answer needs to describe and cache them."""

    content: bytes
    media_type: str
    etag: str
    filename: str


@dataclass(frozen=True, slots=True)
class BadgeNames:
    """What a generated badge shows: the achievement's name and its issuer's name."""

    achievement: str
    issuer: str | None


def upload_achievement_image(
    session: Session,
    *,
    achievement_id: str,
    data: bytes,
    content_type: str | None,
    actor: str,
    now: datetime,
) -> tuple[AchievementImage, bool]:
    """Validate and store an achievement's image, replacing any earlier one; True if new."""
    if _names_from_skill_map(session, achievement_id) is None:
        raise AchievementNotFound(f"No achievement `{achievement_id}` in the current skill map.")
    fmt = check_achievement_image(data, content_type)
    fields: dict[str, Any] = {
        "media_type": fmt.media_type,
        "content": data,
        "sha256": hashlib.sha256(data).hexdigest(),
        "uploaded_at": now,
        "uploaded_by": actor,
    }
    image, created = _upsert(session, achievement_id, fields)
    audit.record(
        session,
        actor=actor,
        action="achievement_image.replace" if not created else "achievement_image.upload",
        target_type=TARGET_TYPE,
        target_id=achievement_id,
        now=now,
        details={"media_type": image.media_type, "sha256": image.sha256, "size": len(data)},
    )
    return image, created


def uploaded_image(session: Session, *, achievement_id: str) -> ServedImage:
    """Return the image uploaded for an achievement, exactly as stored."""
    return _served_upload(_require_upload(session, achievement_id))


def delete_achievement_image(
    session: Session, *, achievement_id: str, actor: str, now: datetime
) -> None:
    """Remove an achievement's image; its badge falls back to the generated one."""
    image = _require_upload(session, achievement_id)
    sha256 = image.sha256
    repository.delete(session, image)
    audit.record(
        session,
        actor=actor,
        action="achievement_image.delete",
        target_type=TARGET_TYPE,
        target_id=achievement_id,
        now=now,
        details={"sha256": sha256},
    )


def achievement_image(session: Session, *, achievement_id: str) -> ServedImage:
    """Return an achievement's badge: the uploaded image, else the generated SVG."""
    stored = repository.get(session, achievement_id)
    if stored is not None:
        return _served_upload(stored)
    if skillmap_service.load_current(session) is None:
        raise NoSkillMap("No skill map has been loaded yet.")
    names = _names_from_skill_map(session, achievement_id)
    if names is None:
        raise AchievementNotFound(f"No achievement `{achievement_id}` in the skill map.")
    svg = _default_badge(achievement_id, names)
    return ServedImage(svg, ImageFormat.SVG.media_type, etag_of(svg), f"{achievement_id}.svg")


def credential_image(
    session: Session, *, credential_uuid: str, image_format: ImageFormat
) -> ServedImage:
    """Return the credential's badge with the stored credential baked in, byte for byte.

    A revoked credential is served too: the image is a container for the signed document,
    which stays published; verifying it reports the revocation through its status list.
    """
    award = awards_repository.get_by_uuid(session, credential_uuid)
    if award is None:
        raise CredentialNotFound(f"No credential with id {credential_uuid!r}.")
    artwork = _artwork(session, award, image_format)
    baked = bake(artwork, award.document, image_format.media_type)
    revision = "|".join(
        [_BAKING_REVISION, image_format.value, _sha256(award.document.encode()), _sha256(artwork)]
    )
    filename = f"{award.achievement_id}.{image_format.value}"
    return ServedImage(baked, image_format.media_type, etag_of(revision), filename)


def credential_from_upload(body: bytes, content_type: str) -> UnbakedCredential:
    """Extract the credential from an uploaded baked PNG or SVG, for verification.

    Raises the typed 4xx problems of `images.errors`: 415 for another media type, 413 for an
    oversized image or credential, 422 for a malformed, unsafe or credential-less image.
    """
    return unbake(body, content_type)


def _artwork(session: Session, award: Award, wanted: ImageFormat) -> bytes:
    """Return the unbaked badge of the award's achievement in the wanted format."""
    stored = repository.get(session, award.achievement_id)
    stored_format = image_format(b"", stored.media_type) if stored else ImageFormat.SVG
    if wanted is ImageFormat.PNG and stored_format is not ImageFormat.PNG:
        raise BadgePngUnavailable(
            f"No PNG artwork was uploaded for achievement `{award.achievement_id}` and SVG "
            "badges are not rasterised; this badge is available as SVG.",
            svg_url=f"/credentials/{award.uuid}/image.svg",
        )
    if stored is not None and wanted is stored_format:
        return stored.content
    names = _names_from_skill_map(session, award.achievement_id) or _names_from_credential(
        award.document, award.achievement_id
    )
    if stored is None:
        return _default_badge(award.achievement_id, names)
    header = png_header(stored.content, UPLOAD_LIMITS)
    return svg_wrapping_png(
        stored.content, width=header.width, height=header.height, title=names.achievement
    )


def _upsert(
    session: Session, achievement_id: str, fields: dict[str, Any]
) -> tuple[AchievementImage, bool]:
    """Replace the stored image or insert one; a concurrent first upload becomes a replace."""
    existing = repository.get(session, achievement_id)
    if existing is None:
        try:
            # A savepoint, so losing an insert race leaves the request's transaction usable.
            with session.begin_nested():
                return repository.add(
                    session, AchievementImage(achievement_id=achievement_id, **fields)
                ), True
        except IntegrityError:
            existing = repository.get(session, achievement_id)
            if existing is None:
                raise
    for name, value in fields.items():
        setattr(existing, name, value)
    session.flush()
    return existing, False


def _require_upload(session: Session, achievement_id: str) -> AchievementImage:
    image = repository.get(session, achievement_id)
    if image is None:
        raise AchievementImageNotUploaded(
            f"No image was uploaded for achievement `{achievement_id}`."
        )
    return image


def _served_upload(image: AchievementImage) -> ServedImage:
    extension = image_format(b"", image.media_type).value
    return ServedImage(
        image.content,
        image.media_type,
        f'"{image.sha256[:32]}"',
        f"{image.achievement_id}.{extension}",
    )


def _names_from_skill_map(session: Session, achievement_id: str) -> BadgeNames | None:
    """Return the names from the current skill map, or None if it lacks the achievement."""
    current = skillmap_service.load_current(session)
    achievement = current.skill_map.find_achievement(achievement_id) if current else None
    if achievement is None:
        return None
    return BadgeNames(achievement.name, repository.issuer_name(session, achievement.issuer))


def _names_from_credential(document: str, achievement_id: str) -> BadgeNames:
    """Return the names a credential states (for achievements gone from the skill map)."""
    parsed = json.loads(document)
    credential: dict[str, Any] = parsed if isinstance(parsed, dict) else {}
    subject = credential.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    name = achievement.get("name") if isinstance(achievement, dict) else None
    issuer = credential.get("issuer")
    issuer_name = issuer.get("name") if isinstance(issuer, dict) else None
    return BadgeNames(
        name if isinstance(name, str) else achievement_id,
        issuer_name if isinstance(issuer_name, str) else None,
    )


def _default_badge(achievement_id: str, names: BadgeNames) -> bytes:
    """Draw the generated badge; a name of control characters only falls back to the id."""
    try:
        return default_badge_svg(
            names.achievement, achievement_id=achievement_id, issuer_name=names.issuer
        )
    except ValueError:
        return default_badge_svg(
            achievement_id, achievement_id=achievement_id, issuer_name=names.issuer
        )


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
