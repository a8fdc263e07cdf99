"""Settings: every knob comes from `BADGE_ISSUER_*` environment variables (or `.env`)."""

from __future__ import annotations

import ipaddress
import re
from datetime import timedelta
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Self
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Placeholders that make development work out of the box; production refuses them.
DEV_LEARNER_HASH_SECRET = "dev-only-learner-hash-secret"  # noqa: S105
DEV_PUBLIC_URL = "http://localhost:8000"
_RATE = re.compile(r"^\s*(\d{1,7})\s*/\s*(second|minute|hour)\s*$")
_PERIOD_SECONDS = {"second": 1, "minute": 60, "hour": 3600}


class SettingsError(ValueError):
    """The configuration is unusable; the message names the setting, never its value."""


def parse_rate(text: str) -> tuple[int, int] | None:
    """`20/minute` -> (20, 60); `off` or `0/minute` -> None (no limit)."""
    if text.strip().lower() == "off":
        return None
    match = _RATE.match(text)
    if match is None:
        raise ValueError("a rate is COUNT/second, COUNT/minute, COUNT/hour or off")
    count = int(match.group(1))
    return None if count == 0 else (count, _PERIOD_SECONDS[match.group(2)])


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
        # `BADGE_ISSUER_SKILL_MAP=` means "no skill map", not "the current directory".
        env_ignore_empty=True,
        # Validation errors never echo what was given: the inputs include secrets.
        hide_input_in_errors=True,
    )

    env: Environment = Environment.DEVELOPMENT
    database_url: str = "sqlite:///./var/badge-issuer.db"
    public_url: str = DEV_PUBLIC_URL
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
    # Partner issuers the verifier recognizes (YAML/JSON list of {id, name}; CONTRACT section 8).
    trusted_issuers: Path | None = None
    # Prometheus metrics: GET /metrics with a `metrics` token, or (METRICS_PORT) a separate,
    # unauthenticated listener on METRICS_HOST instead. Traces go to OTLP_ENDPOINT when set.
    metrics_enabled: bool = True
    metrics_port: Annotated[int | None, Field(ge=1, le=65535)] = None
    metrics_host: str = "127.0.0.1"
    metrics_dir: Path = Path("var/metrics")
    otlp_endpoint: str | None = None
    # Wallet pickup: claim links (mailed to learners), VCALM exchanges and OpenID4VCI grants.
    # The claim-link MAC key defaults to one derived from LEARNER_HASH_SECRET.
    claim_link_secret: SecretStr | None = None
    claim_link_days: Annotated[int, Field(ge=1, le=366)] = 30
    wallet_exchange_minutes: Annotated[int, Field(ge=1, le=1440)] = 15
    log_level: str = "INFO"
    log_json: bool = True
    # Outbox (outbox/): learner mail and provider callbacks, delivered by every `serve` process.
    # Without smtp_url, development writes each message to mail_dir; production sends no mail.
    smtp_url: SecretStr | None = None
    smtp_ca_file: Path | None = None
    mail_from: str = "北海道デジタル人材バッジ <noreply@localhost>"
    mail_dir: Path = Path("var/mail")
    outbox_dispatcher: bool = True
    outbox_poll_seconds: Annotated[float, Field(gt=0)] = 1.0
    outbox_attempt_timeout_seconds: Annotated[float, Field(gt=0, le=300)] = 15.0
    # Jobs claimed per batch (each batch: three short write transactions; attempts run 4 at a
    # time, see outbox/dispatcher.py SENDERS).
    outbox_batch_size: Annotated[int, Field(ge=1, le=256)] = 8
    # Retry delays (seconds) instead of the Standard Webhooks schedule; tests shorten them.
    outbox_retry_delays: tuple[timedelta, ...] | None = None
    # Hardening (issue 21): request rates per client/provider/token, and the server's patience.
    rate_limit_public: str = "60/minute"
    rate_limit_webhook: str = "600/minute"
    rate_limit_admin: str = "600/minute"
    header_timeout_seconds: Annotated[float, Field(gt=0, le=300)] = 10.0
    body_timeout_seconds: Annotated[float, Field(gt=0, le=3600)] = 30.0
    max_connections_per_client: Annotated[int, Field(ge=1, le=100_000)] = 64
    # My badges (mybadges/): mailed one-time sign-in links, learner sessions, sign-in rates
    # (per client address and per email, whether or not the email is known).
    sign_in_link_minutes: Annotated[int, Field(ge=1, le=1440)] = 15
    learner_session_hours: Annotated[int, Field(ge=1, le=720)] = 12
    sign_in_rate_client: str = "20/hour"
    sign_in_rate_email: str = "3/hour"

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
    def _check_trusted_issuers(self) -> Self:
        # Its content is checked where it is read (verification.trust_list); a list that cannot
        # be read recognizes nobody, so a missing file is refused here, at start.
        if self.trusted_issuers is not None and not self.trusted_issuers.is_file():
            raise ValueError(f"BADGE_ISSUER_TRUSTED_ISSUERS={self.trusted_issuers} is not a file")
        return self

    @model_validator(mode="after")
    def _check_rates_and_database(self) -> Self:
        for name in (
            "rate_limit_public",
            "rate_limit_webhook",
            "rate_limit_admin",
            "sign_in_rate_client",
            "sign_in_rate_email",
        ):
            try:
                parse_rate(getattr(self, name))
            except ValueError as exc:
                raise ValueError(f"BADGE_ISSUER_{name.upper()}: {exc}") from None
        if re.fullmatch(r"sqlite(\+\w+)?:///", self.database_url.strip()):
            raise ValueError("BADGE_ISSUER_DATABASE_URL names no SQLite file (sqlite:///PATH)")
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
        kek = self.key_encryption_key_file
        if not kek.is_file():
            raise ValueError(
                f"production needs an existing key-encryption key file (BADGE_ISSUER_KEY_"
                f"ENCRYPTION_KEY_FILE={kek})"
            )
        if kek.stat().st_mode & 0o077:
            raise ValueError(
                f"the key-encryption key file {kek} is readable by its group or others "
                f"(mode {kek.stat().st_mode & 0o777:o}); chmod 600 it"
            )
        if self.enable_did_key_issuer:
            raise ValueError("the test-only did:key issuer cannot be enabled in production")
        self._refuse_development_public_url()
        return self

    def _refuse_development_public_url(self) -> None:
        if self.public_origin == DEV_PUBLIC_URL:
            raise ValueError(
                "production needs BADGE_ISSUER_PUBLIC_URL (the default would mint "
                "did:web:localhost%3A8000 issuers)"
            )
        parts = urlsplit(self.public_url)
        if parts.scheme == "http" and not _is_loopback(parts.hostname or ""):
            raise ValueError(
                f"BADGE_ISSUER_PUBLIC_URL must be https for the non-loopback host {parts.hostname}"
            )


def is_loopback_http(url: str) -> bool:
    """Whether `url` is plain http on a loopback host (development: no Secure cookies)."""
    parts = urlsplit(url)
    return parts.scheme == "http" and _is_loopback(parts.hostname or "")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def describe_validation_error(error: ValidationError) -> str:
    """One line naming each problem, without the values given (they may be secrets)."""
    parts = []
    for item in error.errors(include_input=False, include_url=False):
        location = ".".join(str(part) for part in item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        parts.append(f"BADGE_ISSUER_{location.upper()}: {message}" if location else message)
    return "; ".join(parts)


def load_settings() -> Settings:
    """Read the settings from the environment; SettingsError says what is wrong in one line."""
    try:
        return Settings()
    except ValidationError as exc:
        raise SettingsError(f"invalid configuration: {describe_validation_error(exc)}") from None


def _check_origin(variable: str, url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"{variable} must be an absolute http(s) URL")
    if parts.query or parts.fragment:
        raise ValueError(f"{variable} must not carry a query or fragment")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings (read from the environment once)."""
    return load_settings()
