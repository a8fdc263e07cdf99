"""Settings: every knob comes from `BADGE_ISSUER_*` environment variables (or `.env`)."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Self
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Placeholders that make development work out of the box; production refuses them.
DEV_LEARNER_HASH_SECRET = "dev-only-learner-hash-secret"  # noqa: S105


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class Settings(BaseSettings):
    """The service's configuration, validated once at start."""

    model_config = SettingsConfigDict(
        env_prefix="BADGE_ISSUER_",
        env_file=".env",
        env_file_encoding="utf-8",
        env_nested_delimiter="__",
        extra="ignore",
    )

    env: Environment = Environment.DEVELOPMENT
    database_url: str = "sqlite:///./var/badge-issuer.db"
    public_url: str = "http://localhost:8000"
    # Origins the service answered under before a domain change (comma-separated): credentials,
    # DID documents and status lists minted under them stay served and verifiable.
    previous_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    key_encryption_key_file: Path = Path("keys/master.key")
    skill_map: Path | None = None
    default_issuer_name: Annotated[str, Field(min_length=1, max_length=200)] = (
        "北海道 (Hokkaido Prefecture)"
    )
    # Keyed hash for learner emails (HMAC-SHA256): lets providers be matched without storing emails.
    learner_hash_secret: SecretStr = SecretStr(DEV_LEARNER_HASH_SECRET)
    store_emails: bool = False
    public_stats: bool = False
    stats_min_cell: Annotated[int, Field(ge=2)] = 5
    # Names of region/category codes for statistics (YAML/JSON: {region: {code: {ja, en}},
    # category: ...}); a skill map's `labels` section wins for codes named in both.
    stats_labels_file: Path | None = None
    problem_type_base: str = "https://badge-issuer.example/problems/"
    max_body_bytes: Annotated[int, Field(gt=1024)] = 1_048_576
    webhook_tolerance_seconds: Annotated[int, Field(gt=0)] = 300
    # did:web hosts the verifier may fetch from; empty means it never fetches anything.
    verifier_allowed_hosts: list[str] = Field(default_factory=list)
    enable_did_key_issuer: bool = False
    # Wallet pickup: claim links (mailed to learners), VCALM exchanges and OpenID4VCI grants.
    # The claim-link MAC key defaults to one derived from LEARNER_HASH_SECRET.
    claim_link_secret: SecretStr | None = None
    claim_link_days: Annotated[int, Field(ge=1, le=366)] = 30
    wallet_exchange_minutes: Annotated[int, Field(ge=1, le=1440)] = 15
    log_level: str = "INFO"
    log_json: bool = True

    @property
    def is_production(self) -> bool:
        return self.env is Environment.PRODUCTION

    @property
    def public_origin(self) -> str:
        """The public URL without a trailing slash: the prefix of every minted URL."""
        return self.public_url.rstrip("/")

    @property
    def known_origins(self) -> tuple[str, ...]:
        """The public origin first, then every previous origin still answered for."""
        return (self.public_origin, *self.previous_origins)

    @field_validator("previous_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @model_validator(mode="after")
    def _check_public_url(self) -> Self:
        _check_origin("BADGE_ISSUER_PUBLIC_URL", self.public_url)
        for origin in self.previous_origins:
            _check_origin("BADGE_ISSUER_PREVIOUS_ORIGINS", origin)
        self.previous_origins = list(
            dict.fromkeys(
                origin.rstrip("/")
                for origin in self.previous_origins
                if origin.rstrip("/") != self.public_origin
            )
        )
        return self

    @model_validator(mode="after")
    def _refuse_development_defaults_in_production(self) -> Self:
        if not self.is_production:
            return self
        if self.learner_hash_secret.get_secret_value() == DEV_LEARNER_HASH_SECRET:
            raise ValueError(
                "production needs BADGE_ISSUER_LEARNER_HASH_SECRET (not the dev default)"
            )
        if len(self.learner_hash_secret.get_secret_value()) < 32:
            raise ValueError("BADGE_ISSUER_LEARNER_HASH_SECRET must be at least 32 characters")
        if not self.key_encryption_key_file.is_file():
            raise ValueError(
                "production needs an existing key-encryption key file "
                f"(BADGE_ISSUER_KEY_ENCRYPTION_KEY_FILE={self.key_encryption_key_file})"
            )
        if self.enable_did_key_issuer:
            raise ValueError("the test-only did:key issuer cannot be enabled in production")
        return self


def _check_origin(variable: str, url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"{variable} must be an absolute http(s) URL")
    if parts.query or parts.fragment:
        raise ValueError(f"{variable} must not carry a query or fragment")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings (read from the environment once)."""
    return Settings()
