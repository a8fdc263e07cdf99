"""The credential text carried by an image: validation, parsing and its SVG-safe form.

Open Badges 3.0 (§ Baked Badge) puts either the JSON of an OpenBadgeCredential (embedded
proof) or a VC-JWT Compact JWS in the image. This service signs with embedded proofs, so the
text must be a UTF-8 JSON object; a Compact JWS is recognised and refused with its own error.
"""

from __future__ import annotations

import json
import re
from typing import Any

from badge_issuer.images.errors import (
    CredentialTooLarge,
    InvalidCredentialText,
    UnsupportedCredentialFormat,
)
from badge_issuer.images.limits import ImageLimits
from badge_issuer.kit.json_members import DuplicateMember, unique_members

_COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+")

# Characters that JSON allows raw inside strings but XML 1.0 forbids anywhere.
_XML_ILLEGAL_IN_JSON_STRINGS = {"\ufffe": "\\ufffe", "\uffff": "\\uffff"}


def decode_utf8(raw: bytes, *, where: str) -> str:
    """Decode credential bytes as strict UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidCredentialText(f"{where} is not valid UTF-8 (byte {exc.start})") from None


def parse_credential_text(text: str) -> dict[str, Any]:
    """Parse baked text into a JSON object, refusing VC-JWTs and ambiguous JSON."""
    if _COMPACT_JWS.fullmatch(text.strip()):
        raise UnsupportedCredentialFormat(
            "the image carries a VC-JWT Compact JWS; this service reads credentials "
            "with an embedded proof (JSON) only"
        )
    try:
        value = json.loads(text, object_pairs_hook=unique_members, parse_constant=_refuse_constant)
    except DuplicateMember as repeated:
        raise InvalidCredentialText(
            f"credential JSON repeats the member {repeated.name!r}"
        ) from None
    except RecursionError:
        raise InvalidCredentialText("credential JSON is nested too deeply") from None
    except ValueError as exc:
        raise InvalidCredentialText(f"credential is not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise InvalidCredentialText(
            f"credential JSON must be an object, not {type(value).__name__}"
        )
    return value


def encode_for_baking(credential_json: str, limits: ImageLimits) -> bytes:
    """Check that `credential_json` may be baked and return its UTF-8 bytes."""
    try:
        encoded = credential_json.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidCredentialText(
            "credential text holds a lone surrogate and cannot be encoded as UTF-8"
        ) from None
    check_credential_size(len(encoded), limits)
    parse_credential_text(credential_json)
    return encoded


def check_credential_size(size: int, limits: ImageLimits) -> None:
    """Refuse credential text larger than `max_credential_bytes`."""
    if size > limits.max_credential_bytes:
        raise CredentialTooLarge(
            f"credential text is {size} bytes or more; "
            f"the limit is {limits.max_credential_bytes} bytes"
        )


def svg_safe_json(credential_json: str) -> str:
    """Return JSON text that can sit in a CDATA section and read back unchanged.

    JSON allows `>` only inside strings, where `\\u003e` means the same character, so every
    `]]>` becomes `]]\\u003e` and the CDATA section cannot end early. XML parsers turn CR and
    CRLF into LF; in valid JSON a raw CR is only whitespace between tokens, so it becomes LF
    here and the baked text reads back byte for byte. U+FFFE and U+FFFF, legal raw in JSON
    strings but not in XML, are written as JSON escapes. The parsed value never changes.
    """
    text = credential_json.replace("]]>", "]]\\u003e")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for char, escape in _XML_ILLEGAL_IN_JSON_STRINGS.items():
        text = text.replace(char, escape)
    return text


def _refuse_constant(name: str) -> Any:
    """Refuse NaN and Infinity, which are not JSON."""
    raise InvalidCredentialText(f"credential JSON contains {name}, which is not JSON")
