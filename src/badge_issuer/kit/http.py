"""HTTP pieces the routers share: bounded body reading, ETags, standalone request schemas."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

JSON = "application/json"
VC_LD_JSON = "application/vc+ld+json"
# Public documents (credentials, status lists, profiles, images) may be cached five minutes.
PUBLIC_CACHE = "public, max-age=300"
# OpenAPI content of a signed VC document served as JSON or, when asked for, as JSON-LD.
VC_DOCUMENT_CONTENT = {
    JSON: {"schema": {"type": "object"}},
    VC_LD_JSON: {"schema": {"type": "object"}},
}


async def read_bounded_body(
    request: Request, *, limit: int, too_large: Callable[[], Exception]
) -> bytes:
    """Read the raw body, raising `too_large()` as soon as it passes `limit` bytes.

    A declared Content-Length over the limit is refused before anything is read; a body sent
    without one (chunked) is counted as it streams, so no more than `limit` bytes are held.
    """
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large()
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > limit:
            raise too_large()
    return bytes(received)


def etag_of(content: str | bytes) -> str:
    """Return the strong ETag of a representation: a quoted prefix of its SHA-256."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    return '"' + hashlib.sha256(data).hexdigest()[:32] + '"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Return whether If-None-Match names `etag` (weak comparison, RFC 9110 § 13.1.2) or `*`."""
    if not if_none_match:
        return False
    candidates = [candidate.strip() for candidate in if_none_match.split(",")]
    return "*" in candidates or etag in {candidate.removeprefix("W/") for candidate in candidates}


def _inlined(schema: Any, definitions: dict[str, Any]) -> Any:
    if isinstance(schema, dict):
        reference = schema.get("$ref", "")
        if reference.startswith("#/$defs/"):
            return _inlined(definitions[reference.removeprefix("#/$defs/")], definitions)
        return {key: _inlined(value, definitions) for key, value in schema.items()}
    if isinstance(schema, list):
        return [_inlined(item, definitions) for item in schema]
    return schema


def json_request_body(model: type[BaseModel], *, by_alias: bool = True) -> dict[str, Any]:
    """OpenAPI `openapi_extra` documenting a JSON body the route reads itself (raw bytes).

    Local `$defs` references are inlined so the schema stands alone inside the operation.
    """
    schema = model.model_json_schema(by_alias=by_alias)
    standalone = _inlined(schema, schema.pop("$defs", {}))
    return request_body({"application/json": standalone})


def request_body(schemas: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """OpenAPI `openapi_extra` documenting a required body the route reads itself: the
    schema of each media type it accepts."""
    content = {media_type: {"schema": schema} for media_type, schema in schemas.items()}
    return {"requestBody": {"required": True, "content": content}}


def vc_media_type(accept: str | None) -> str:
    """Return application/vc+ld+json when the Accept header asks for it, else application/json."""
    for part in (accept or "").split(","):
        media_type, *params = (piece.strip() for piece in part.split(";"))
        if media_type.lower() != VC_LD_JSON:
            continue
        refused = any(
            p.replace(" ", "").lower() in {"q=0", "q=0.0", "q=0.00", "q=0.000"} for p in params
        )
        if not refused:
            return VC_LD_JSON
    return JSON


def vc_document_response(
    request: Request, document: str, *, etag: str, vary: str = "Accept"
) -> Response:
    """Serve a signed public VC document byte for byte: 304 when If-None-Match names its ETag.

    Cacheable for five minutes; the media type follows Accept, so caches vary on it (and on
    whatever else chooses the representation, `vary`).
    """
    headers = {"ETag": etag, "Cache-Control": PUBLIC_CACHE, "Vary": vary}
    if etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    media_type = vc_media_type(request.headers.get("accept"))
    return Response(document.encode("utf-8"), media_type=media_type, headers=headers)
