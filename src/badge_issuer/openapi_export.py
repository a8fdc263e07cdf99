"""The OpenAPI document as committed in openapi/openapi.json, built without a database."""

from __future__ import annotations

import json

from badge_issuer.config import Settings


def openapi_json() -> str:
    """Render the OpenAPI document deterministically (sorted keys, trailing newline)."""
    from badge_issuer.main import create_app

    # The document must not depend on the operator's environment: use fixed settings.
    settings = Settings(
        database_url="sqlite://", public_url="http://localhost:8000", _env_file=None
    )
    app = create_app(settings)
    return json.dumps(app.openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
