"""Settings: secrets never in messages, production refuses weak settings, empty means unset."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from badge_issuer.config import Settings, SettingsError, load_settings

SECRET = "tooshort-but-secret-Zq81"


def _kek(tmp_path: Path, mode: int = 0o600) -> Path:
    kek = tmp_path / f"master-{mode:o}.key"
    kek.write_bytes(b"k" * 32)
    kek.chmod(mode)
    return kek


def _production(tmp_path: Path, **values: object) -> Settings:
    base: dict[str, object] = {
        "env": "production",
        "learner_hash_secret": "s" * 40,
        "key_encryption_key_file": _kek(tmp_path),
        "public_url": "https://badges.pref.hokkaido.example",
    }
    base.update(values)
    return Settings(_env_file=None, **base)  # type: ignore[arg-type]


class TestSecretsNeverPrinted:
    def test_a_short_learner_secret_is_not_in_the_refusal(self, tmp_path: Path) -> None:
        with pytest.raises(ValidationError) as caught:
            _production(tmp_path, learner_hash_secret=SECRET)
        assert "at least 32 characters" in str(caught.value)
        assert SECRET not in str(caught.value)
        assert SECRET[-12:] not in repr(caught.value)

    def test_a_missing_kek_file_does_not_print_the_secret(self, tmp_path: Path) -> None:
        secret = "a-long-enough-learner-secret-XYZ-0123456789"
        with pytest.raises(ValidationError) as caught:
            _production(
                tmp_path, learner_hash_secret=secret, key_encryption_key_file=tmp_path / "nope"
            )
        assert "key-encryption key file" in str(caught.value)
        assert secret[-22:] not in str(caught.value)

    def test_load_settings_gives_one_line_without_values(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("BADGE_ISSUER_ENV", "production")
        monkeypatch.setenv("BADGE_ISSUER_LEARNER_HASH_SECRET", SECRET)
        with pytest.raises(SettingsError) as caught:
            load_settings()
        message = str(caught.value)
        assert "\\n" not in message
        assert "LEARNER_HASH_SECRET" in message
        assert SECRET not in message

    def test_the_secret_is_masked_in_the_settings_repr(self) -> None:
        settings = Settings(_env_file=None, learner_hash_secret=SECRET)  # type: ignore[call-arg]
        assert SECRET not in repr(settings)
        assert SECRET not in str(settings.model_dump())


class TestProductionRefusals:
    @pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
    def test_a_group_or_world_readable_kek_file(self, tmp_path: Path, mode: int) -> None:
        with pytest.raises(ValidationError, match="readable by its group or others"):
            _production(tmp_path, key_encryption_key_file=_kek(tmp_path, mode))

    def test_the_default_public_url(self, tmp_path: Path) -> None:
        with pytest.raises(ValidationError, match="did:web:localhost"):
            _production(tmp_path, public_url="http://localhost:8000")

    def test_http_for_a_public_host(self, tmp_path: Path) -> None:
        with pytest.raises(ValidationError, match="must be https"):
            _production(tmp_path, public_url="http://badges.pref.hokkaido.example")

    @pytest.mark.parametrize("url", ["http://127.0.0.1:9000", "http://[::1]:9000"])
    def test_http_on_loopback_is_accepted(self, tmp_path: Path, url: str) -> None:
        assert _production(tmp_path, public_url=url).is_production

    def test_development_keeps_its_defaults(self, tmp_path: Path) -> None:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None, key_encryption_key_file=_kek(tmp_path, 0o644)
        )
        assert settings.public_url == "http://localhost:8000"


class TestEnvironment:
    def test_an_empty_variable_counts_as_unset(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("BADGE_ISSUER_SKILL_MAP", "")
        monkeypatch.setenv("BADGE_ISSUER_PUBLIC_URL", "")
        settings = load_settings()
        assert settings.skill_map is None
        assert settings.public_url == "http://localhost:8000"

    def test_an_empty_sqlite_path_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="names no SQLite file"):
            Settings(_env_file=None, database_url="sqlite:///")  # type: ignore[call-arg]

    @pytest.mark.parametrize("rate", ["20/minute", "1/second", "500/hour", "off", "0/minute"])
    def test_rates_parse(self, rate: str) -> None:
        Settings(_env_file=None, rate_limit_public=rate)  # type: ignore[call-arg]

    @pytest.mark.parametrize("rate", ["20", "x/minute", "20/fortnight", "-1/second"])
    def test_bad_rates_are_refused_with_the_setting_named(self, rate: str) -> None:
        with pytest.raises(ValidationError, match="RATE_LIMIT_PUBLIC"):
            Settings(_env_file=None, rate_limit_public=rate)  # type: ignore[call-arg]
