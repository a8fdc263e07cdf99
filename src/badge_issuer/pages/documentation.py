"""OpenAPI declarations of the pages: the HTML page, and problems a browser gets as pages."""

from __future__ import annotations

from typing import Any

from badge_issuer.problems import problem_responses

HTML_MEDIA_TYPE = "text/html"
HTML_PAGE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "An HTML page.",
        "content": {HTML_MEDIA_TYPE: {"schema": {"type": "string"}}},
    }
}


def problems_or_pages(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """Problem responses that a browser (Accept: text/html) receives as an HTML page instead."""
    responses = problem_responses(*statuses)
    for response in responses.values():
        response["content"][HTML_MEDIA_TYPE] = {"schema": {"type": "string"}}
    return responses
