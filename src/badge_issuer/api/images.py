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
from badge_issuer.kit.http import PUBLIC_CACHE, etag_matches, read_bounded_body, request_body
from badge_issuer.problems import problem_responses

router = APIRouter()
admin_router = APIRouter(
    prefix="/v1/admin/achievements/{achievement_id}/image", tags=["admin: achievement images"]
)

ADMIN_CACHE = "private, no-store"
# Served from our own origin: an SVG opened directly must not run anything or fetch anything
# (uploads are checked for this too); embedded raster data: URIs may still display.
_IMAGE_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
    "sandbox",
}
_BINARY_SCHEMA = {"type": "string", "format": "binary"}
_BINARY = {"schema": _BINARY_SCHEMA}
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
    if etag_matches(request.headers.get("if-none-match"), image.etag):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(image.content, media_type=image.media_type, headers=headers)


def _too_large() -> ImageTooLarge:
    limit = UPLOAD_LIMITS.max_image_bytes
    return ImageTooLarge(f"the image is larger than the limit of {limit} bytes")


def _add_credential_image_route(image_format: ImageFormat, *, what: str, docstring: str) -> None:
    """Register GET /credentials/{id}/image.<png|svg>: the badge with the credential baked in."""

    def endpoint(credential_id: UuidPath, request: Request, session: SessionDep) -> Response:
        image = service.credential_image(
            session, credential_uuid=credential_id, image_format=image_format
        )
        return _image_response(request, image, cache_control=PUBLIC_CACHE)

    extension = image_format.value
    router.get(
        f"/credentials/{{credential_id}}/image.{extension}",
        name=f"get_credential_{extension}",
        description=docstring,
        tags=["badge images"],
        response_class=Response,
        responses={
            200: {
                "description": f"The badge {what} with the credential baked in.",
                "content": {image_format.media_type: _BINARY},
            },
            **_NOT_MODIFIED,
            **problem_responses(404),
        },
    )(endpoint)


_add_credential_image_route(
    ImageFormat.PNG,
    what="PNG",
    docstring=(
        "Return the badge as PNG with the signed credential baked in (404 if no PNG artwork)."
    ),
)
_add_credential_image_route(
    ImageFormat.SVG,
    what="SVG",
    docstring="Return the badge as SVG with the signed credential baked in.",
)


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


@admin_router.put(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=AchievementImageRead,
    responses={
        200: {"description": "The earlier image was replaced.", "model": AchievementImageRead},
        **problem_responses(401, 403, 404, 413, 415, 422),
    },
    openapi_extra=request_body({"image/png": _BINARY_SCHEMA, "image/svg+xml": _BINARY_SCHEMA}),
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
        data=await read_bounded_body(
            request, limit=UPLOAD_LIMITS.max_image_bytes, too_large=_too_large
        ),
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


@admin_router.get(
    "",
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


@admin_router.delete(
    "",
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
