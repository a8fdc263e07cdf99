"""Read VC API request bodies (pure): strict JSON, then the request schema, then the options.

The body is parsed here rather than by FastAPI so that what gets signed is unambiguous: keys
repeated in one object (parsers keep different ones) and the non-JSON constants `NaN` and
`Infinity` are refused, and nesting too deep for Python's parser is a 422, not a 500.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from badge_issuer.kit.json_members import DuplicateMember, unique_members
from badge_issuer.vcapi.problem_details import (
    MALFORMED_VALUE_ERROR,
    PARSING_ERROR,
    UNKNOWN_OPTION_PROVIDED,
    ProblemDetail,
    json_pointer,
    problem,
)
from badge_issuer.vcapi.schemas import IssueRequest, VerifyPresentationRequest, VerifyRequest
from badge_issuer.verification.checks_document import MAX_CREDENTIAL_BYTES
from badge_issuer.verification.unicode_text import has_lone_surrogate

# The credential plus room for the options around it.
MAX_BODY_BYTES = MAX_CREDENTIAL_BYTES + 16 * 1024
JSON_MEDIA_TYPES = frozenset({"application/json", "application/ld+json"})

Request = TypeVar("Request", bound=BaseModel)


class MalformedRequest(ValueError):
    """The body is not the request it should be; `problems` say where and why."""

    def __init__(self, problems: Iterable[ProblemDetail]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(f"{p.pointer or '/'}: {p.detail}" for p in self.problems))


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _malformed(detail: str, pointer: str = "") -> MalformedRequest:
    return MalformedRequest([problem(PARSING_ERROR, pointer=pointer, detail=detail)])


def load_json(body: bytes) -> Any:
    """Parse a JSON body strictly, or raise MalformedRequest."""
    try:
        value = json.loads(body, object_pairs_hook=unique_members, parse_constant=_refuse_constant)
    except DuplicateMember as key:
        raise _malformed(f"member {key} appears twice in one object") from None
    except RecursionError:
        raise _malformed("the body is nested too deeply") from None
    except ValueError as error:
        raise _malformed(f"the body is not JSON: {error}") from None
    if has_lone_surrogate(body, value):
        raise _malformed("the body is not JSON text: a string holds a lone surrogate")
    return value


def _validated(model: type[Request], body: bytes) -> Request:
    """Parse and validate a body against a request model, naming each invalid member."""
    try:
        return model.model_validate(load_json(body))
    except ValidationError as error:
        problems = [
            problem(
                MALFORMED_VALUE_ERROR,
                pointer=json_pointer("", *(str(step) for step in item["loc"])),
                detail=item["msg"],
            )
            for item in error.errors(include_url=False)
        ]
        raise MalformedRequest(problems) from None


def parse_issue_request(body: bytes) -> IssueRequest:
    """Return the issue request in `body`, or raise MalformedRequest."""
    return _validated(IssueRequest, body)


def parse_verify_request(body: bytes) -> VerifyRequest:
    """Return the verify request in `body`, or raise MalformedRequest."""
    return _validated(VerifyRequest, body)


def parse_verify_presentation_request(body: bytes) -> VerifyPresentationRequest:
    """Return the presentation verify request in `body`, or raise MalformedRequest."""
    return _validated(VerifyPresentationRequest, body)


def unknown_options(options: BaseModel) -> list[ProblemDetail]:
    """Return an UNKNOWN_OPTION_PROVIDED problem for every option the schema does not know."""
    return [
        problem(
            UNKNOWN_OPTION_PROVIDED,
            pointer=json_pointer("/options", name),
            detail=f"option {name!r} is not supported by this service",
        )
        for name in (options.model_extra or {})
    ]
