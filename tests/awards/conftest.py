"""A prepared service (default issuer, the example providers and skill map) for award tests."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from badge_issuer import bootstrap
from badge_issuer.config import Settings
from tests.awards.service_harness import Harness
from tests.shared_data import shared_path

PROVIDERS = {
    "manabi-portal": "まなびポータル",
    "kitami-it-academy": "北見ITアカデミー",
    "hokudai-mooc": "北大MOOC",
}


@pytest.fixture
def harness(settings: Settings, client: TestClient) -> Harness:
    bootstrap.prepare(settings)
    prepared = Harness.start(client)
    for provider_id, name in PROVIDERS.items():
        prepared.register_provider(provider_id, name)
    prepared.load_skill_map(shared_path("examples", "skill-map.yaml").read_bytes())
    return prepared
