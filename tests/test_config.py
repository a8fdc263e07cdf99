"""Settings: production refuses development defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from badge_issuer.config import Settings


def _settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


class TestSettings:
    def test_development_defaults_are_accepted(self) -> None:
        settings = _settings()
        assert not settings.is_production
        assert settings.database_url.startswith("sqlite:///")

    def test_production_refuses_the_development_learner_secret(self, tmp_path: Path) -> None:
        kek = tmp_path / "master.key"
        kek.write_bytes(b"k" * 32)
        with pytest.raises(ValidationError, match="LEARNER_HASH_SECRET"):
            _settings(env="production", key_encryption_key_file=kek)

    def test_production_refuses_a_missing_key_encryption_key(self, tmp_path: Path) -> None:
        with pytest.raises(ValidationError, match="key-encryption key file"):
            _settings(
                env="production",
                learner_hash_secret="s" * 40,
                key_encryption_key_file=tmp_path / "missing.key",
            )

    def test_production_starts_with_real_secrets(self, tmp_path: Path) -> None:
        kek = tmp_path / "master.key"
        kek.write_bytes(b"k" * 32)
        kek.chmod(0o600)
        settings = _settings(
            env="production",
            learner_hash_secret="s" * 40,
            key_encryption_key_file=kek,
            public_url="https://badges.pref.hokkaido.example",
        )
        assert settings.is_production

    def test_environment_variables_use_the_prefix(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("BADGE_ISSUER_PUBLIC_URL", "https://badges.pref.hokkaido.example")
        assert _settings().public_origin == "https://badges.pref.hokkaido.example"

    def test_public_url_must_be_absolute(self) -> None:
        with pytest.raises(ValidationError, match="PUBLIC_URL"):
            _settings(public_url="badges.example")
