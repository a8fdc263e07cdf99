"""VC API ProblemDetails (pure): typed, titled problems with the JSON pointer of their cause.

The VC API carries errors and warnings as RFC 9457 ProblemDetails whose `type` is a W3C error
URL (VC Data Model 2.0 section 7.2, VC Data Integrity processing errors, VC API). Each one here
also has `pointer` and `message`, the members of the service's own `errors` entries, so the
same list is both a VC API error list and a problem+json `errors` extension.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

VC_ERRORS = "https://www.w3.org/TR/vc-data-model#"
PARSING_ERROR = VC_ERRORS + "PARSING_ERROR"
CRYPTOGRAPHIC_SECURITY_ERROR = VC_ERRORS + "CRYPTOGRAPHIC_SECURITY_ERROR"
MALFORMED_VALUE_ERROR = VC_ERRORS + "MALFORMED_VALUE_ERROR"
RANGE_ERROR = VC_ERRORS + "RANGE_ERROR"
UNKNOWN_OPTION_PROVIDED = "https://www.w3.org/TR/vc-api#UNKNOWN_OPTION_PROVIDED"

_PATH_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


@dataclass(frozen=True)
class ProblemDetail:
    """One VC API problem: `type` URL, short `title`, `detail`, and where (`pointer`)."""

    type: str
    title: str
    detail: str
    pointer: str
    check: str | None = None

    def as_json(self) -> dict[str, Any]:
        """Return the JSON member: a VC API ProblemDetails that is also an `errors` entry."""
        member: dict[str, Any] = {
            "type": self.type,
            "title": self.title,
            "detail": self.detail,
            "pointer": self.pointer,
            "message": self.detail,
        }
        if self.check is not None:
            member["check"] = self.check
        return member


def _code(type_uri: str) -> str:
    """Return the error code of a W3C error URL (`…#PARSING_ERROR` -> `PARSING_ERROR`)."""
    return type_uri.rpartition("#")[2] or type_uri


def problem(
    type_uri: str,
    *,
    pointer: str,
    detail: str,
    title: str | None = None,
    check: str | None = None,
) -> ProblemDetail:
    """Build a ProblemDetail; the title defaults to the error code of `type_uri`."""
    return ProblemDetail(type_uri, title or _code(type_uri), detail, pointer, check)


def _escape(step: str) -> str:
    """Escape one JSON pointer reference token (RFC 6901 section 3)."""
    return step.replace("~", "~0").replace("/", "~1")


def json_pointer(root: str, *steps: str | int) -> str:
    """Return the JSON pointer `root/step/...` with each step escaped."""
    return root + "".join("/" + _escape(str(step)) for step in steps)


def pointer_of_path(root: str, path: str) -> str:
    """Turn a credentials-core JSON path (`a.b[0].c`, `$` for the root) into a JSON pointer."""
    if path in ("", "$"):
        return root
    steps = [key or index for key, index in _PATH_STEP.findall(path)]
    return json_pointer(root, *steps)
