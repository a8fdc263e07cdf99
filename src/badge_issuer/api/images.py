"""Badge images: achievement artwork (admin upload, public badge) and baked credential images."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response, status

from badge_issuer.admin import ownership
from badge_issuer.admin.deps import AchievementArtAdmin
from badge_issuer.api.deps import NowDep, SessionDep, SettingsDep
from badge_issuer.images import service
from badge_issuer.images.errors import ImageTooLarge
from badge_issuer.images.schemas import AchievementImageRead
from badge_issuer.images.unbaked import ImageFormat
from badge_issuer.images.uploads import UPLOAD_LIMITS
from badge_issuer.problems import problem_responses

router = APIRouter()

PUBLIC_CACHE = "public, max-age=300"
ADMIN_CACHE = "private, no-store"
# Served from our own origin: an SVG opened directly must not run anything or fetch anything
# (uploads are checked for this too); embedded raster data: URIs may still display.
_IMAGE_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
    "sandbox",
}
_BINARY = {"schema": {"type": "string", "format": "binary"}}
_PNG_OR_SVG = {"image/png": _BINARY, "image/svg+xml": _BINARY}
_NOT_MODIFIED: dict[int | str, dict[str, Any]] = {304: {"description": "Not modified (ETag)"}}

UuidPath = Annotated[str, Path(max_length=64, description="The credential's uuid.")]
AchievementPath = Annotated[
    str, Path(max_length=128, description="The achievement's id in the skill map.")
]


def _image_response(
    request: Request, image: service.ServedImage, *, cache_control: str
) -> Response:
    """Answer with the image, or 304 when the client's If-None-Match names its ETag."""
    headers = {
        "ETag": image.etag,
        "Cache-Control": cache_control,
        "Content-Disposition": f'inline; filename="{image.filename}"',
        **_IMAGE_SECURITY_HEADERS,
    }
    if _etag_matches(request.headers.get("if-none-match"), image.etag):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(image.content, media_type=image.media_type, headers=headers)


def _etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Return whether If-None-Match names `etag` (weak comparison, RFC 9110 § 13.1.2) or `*`."""
    candidates = [candidate.strip() for candidate in (if_none_match or "").split(",")]
    return "*" in candidates or etag in {candidate.removeprefix("W/") for candidate in candidates}


async def _upload_body(request: Request) -> bytes:
    """Read the request body, refusing it with 413 as soon as it passes the upload limit."""
    limit = UPLOAD_LIMITS.max_image_bytes
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > limit:
            raise ImageTooLarge(f"the image is larger than the limit of {limit} bytes")
    return bytes(received)


@router.get(
    "/credentials/{credential_id}/image.png",
    tags=["badge images"],
    response_class=Response,
    responses={
        200: {
            "description": "The badge PNG with the credential baked in.",
            "content": {"image/png": _BINARY},
        },
        **_NOT_MODIFIED,
        **problem_responses(404),
    },
)
def get_credential_png(credential_id: UuidPath, request: Request, session: SessionDep) -> Response:
    """Return the badge as PNG with the signed credential baked in (404 if no PNG artwork)."""
    image = service.credential_image(
        session, credential_uuid=credential_id, image_format=ImageFormat.PNG
    )
    return _image_response(request, image, cache_control=PUBLIC_CACHE)


@router.get(
    "/credentials/{credential_id}/image.svg",
    tags=["badge images"],
    response_class=Response,
    responses={
        200: {
            "description": "The badge SVG with the credential baked in.",
            "content": {"image/svg+xml": _BINARY},
        },
        **_NOT_MODIFIED,
        **problem_responses(404),
    },
)
def get_credential_svg(credential_id: UuidPath, request: Request, session: SessionDep) -> Response:
    """Return the badge as SVG with the signed credential baked in."""
    image = service.credential_image(
        session, credential_uuid=credential_id, image_format=ImageFormat.SVG
    )
    return _image_response(request, image, cache_control=PUBLIC_CACHE)


@router.get(
    "/achievements/{achievement_id}/image",
    tags=["badge images"],
    response_class=Response,
    responses={
        200: {
            "description": "The uploaded image, else a generated SVG badge.",
            "content": _PNG_OR_SVG,
        },
        **_NOT_MODIFIED,
        **problem_responses(404),
    },
)
def get_achievement_image(
    achievement_id: AchievementPath, request: Request, session: SessionDep
) -> Response:
    """Return the achievement's badge image, without any credential."""
    image = service.achievement_image(session, achievement_id=achievement_id)
    return _image_response(request, image, cache_control=PUBLIC_CACHE)


@router.put(
    "/v1/admin/achievements/{achievement_id}/image",
    tags=["admin: achievement images"],
    status_code=status.HTTP_201_CREATED,
    response_model=AchievementImageRead,
    responses={
        200: {"description": "The earlier image was replaced.", "model": AchievementImageRead},
        **problem_responses(401, 403, 404, 413, 415, 422),
    },
    openapi_extra={"requestBody": {"required": True, "content": _PNG_OR_SVG}},
)
async def put_achievement_image(
    achievement_id: AchievementPath,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    admin: AchievementArtAdmin,
) -> AchievementImageRead:
    """Upload the achievement's PNG or SVG badge image, replacing any earlier one."""
    ownership.require_achievement(session, admin, achievement_id)
    image, created = service.upload_achievement_image(
        session,
        achievement_id=achievement_id,
        data=await _upload_body(request),
        content_type=request.headers.get("content-type"),
        actor=admin.actor,
        now=now,
    )
    if not created:
        response.status_code = status.HTTP_200_OK
    return AchievementImageRead(
        achievement_id=image.achievement_id,
        media_type=image.media_type,
        size=len(image.content),
        sha256=image.sha256,
        uploaded_at=image.uploaded_at,
        uploaded_by=image.uploaded_by,
        url=f"{settings.public_origin}/achievements/{image.achievement_id}/image",
    )


@router.get(
    "/v1/admin/achievements/{achievement_id}/image",
    tags=["admin: achievement images"],
    response_class=Response,
    responses={
        200: {"description": "The image exactly as uploaded.", "content": _PNG_OR_SVG},
        **_NOT_MODIFIED,
        **problem_responses(401, 403, 404),
    },
)
def get_uploaded_achievement_image(
    achievement_id: AchievementPath,
    request: Request,
    session: SessionDep,
    admin: AchievementArtAdmin,
) -> Response:
    """Return the image uploaded for the achievement, byte for byte."""
    ownership.require_achievement(session, admin, achievement_id)
    image = service.uploaded_image(session, achievement_id=achievement_id)
    return _image_response(request, image, cache_control=ADMIN_CACHE)


@router.delete(
    "/v1/admin/achievements/{achievement_id}/image",
    tags=["admin: achievement images"],
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=problem_responses(401, 403, 404),
)
def delete_achievement_image(
    achievement_id: AchievementPath, session: SessionDep, now: NowDep, admin: AchievementArtAdmin
) -> Response:
    """Delete the uploaded image; the badge falls back to the generated SVG."""
    ownership.require_achievement(session, admin, achievement_id)
    service.delete_achievement_image(
        session, achievement_id=achievement_id, actor=admin.actor, now=now
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
