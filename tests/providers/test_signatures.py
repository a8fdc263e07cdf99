"""Standard Webhooks header checks and signature matching (pure, fixed clock)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook

from badge_issuer.providers import signatures, webhook_secrets
from badge_issuer.providers.errors import WebhookRejected

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # the Standard Webhooks test secret
BODY = b'{"test": 2432232314}'


def _headers(*, sent_at: datetime = NOW, signature: str | None = None) -> signatures.SignedHeaders:
    return signatures.read_headers(
        webhook_id="msg_p5jXN8AQM9LWM0D4loKWxJek",
        timestamp=str(int(sent_at.timestamp())),
        signature=signature or "v1,placeholder",
        now=NOW,
        tolerance_seconds=300,
    )


class TestReadHeaders:
    def test_accepts_a_timestamp_inside_the_tolerance(self) -> None:
        headers = _headers(sent_at=NOW - timedelta(seconds=299))
        assert headers.timestamp == NOW - timedelta(seconds=299)

    @pytest.mark.parametrize("offset", [-301, 301])
    def test_refuses_a_timestamp_outside_the_tolerance(self, offset: int) -> None:
        with pytest.raises(WebhookRejected):
            _headers(sent_at=NOW + timedelta(seconds=offset))

    @pytest.mark.parametrize("missing", ["webhook_id", "timestamp", "signature"])
    def test_refuses_a_missing_header(self, missing: str) -> None:
        values: dict[str, str | None] = {
            "webhook_id": "msg_1",
            "timestamp": str(int(NOW.timestamp())),
            "signature": "v1,AAAA",
        }
        values[missing] = None
        with pytest.raises(WebhookRejected):
            signatures.read_headers(**values, now=NOW, tolerance_seconds=300)

    def test_refuses_an_oversized_signature_header(self) -> None:
        with pytest.raises(WebhookRejected):
            _headers(signature="v1,AAAA " * 1000)


class TestSignatureMatches:
    def test_matches_what_the_reference_library_signs(self) -> None:
        headers = _headers()
        signature = Webhook(SECRET).sign(headers.webhook_id, NOW, BODY.decode())
        signed = _headers(signature=signature)
        assert signatures.signature_matches([SECRET], signed, BODY)

    def test_any_of_several_offered_signatures_may_match(self) -> None:
        good = signatures.sign(SECRET, webhook_id=_headers().webhook_id, timestamp=NOW, body=BODY)
        offered = f"v1,AAAA v1a,xyz garbage {good}"
        assert signatures.signature_matches([SECRET], _headers(signature=offered), BODY)

    def test_any_of_several_live_secrets_may_match(self) -> None:
        good = signatures.sign(SECRET, webhook_id=_headers().webhook_id, timestamp=NOW, body=BODY)
        other = webhook_secrets.generate_secret()
        assert signatures.signature_matches([other, SECRET], _headers(signature=good), BODY)

    def test_another_secret_does_not_match(self) -> None:
        good = signatures.sign(SECRET, webhook_id=_headers().webhook_id, timestamp=NOW, body=BODY)
        other = webhook_secrets.generate_secret()
        assert not signatures.signature_matches([other], _headers(signature=good), BODY)

    def test_no_secret_matches_nothing(self) -> None:
        good = signatures.sign(SECRET, webhook_id=_headers().webhook_id, timestamp=NOW, body=BODY)
        assert not signatures.signature_matches([], _headers(signature=good), BODY)

    def test_another_timestamp_does_not_match(self) -> None:
        earlier = NOW - timedelta(seconds=1)
        good = signatures.sign(
            SECRET, webhook_id=_headers().webhook_id, timestamp=earlier, body=BODY
        )
        assert not signatures.signature_matches([SECRET], _headers(signature=good), BODY)


class TestGenerateSecret:
    def test_is_whsec_and_base64_of_32_bytes(self) -> None:
        import base64

        secret = webhook_secrets.generate_secret()
        assert secret.startswith("whsec_")
        assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32

    def test_is_fresh_each_time(self) -> None:
        assert webhook_secrets.generate_secret() != webhook_secrets.generate_secret()
