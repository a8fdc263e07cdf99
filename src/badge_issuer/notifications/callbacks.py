"""Send one callback: sign with the provider's newest secret and POST through the safe client."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

import httpx
from sqlalchemy.orm import Session
from standardwebhooks.webhooks import Webhook

from badge_issuer.kit.clock import Clock
from badge_issuer.notifications.sender import Sender, transaction
from badge_issuer.outbox.callbacks import client, events
from badge_issuer.outbox.service import ClaimedJob, DeliveryResult
from badge_issuer.providers import repository as provider_repository
from badge_issuer.providers import service as provider_service
from badge_issuer.providers.models import ProviderStatus

USER_AGENT = "badge-issuer-callbacks/1"
Send = Callable[[], DeliveryResult]
# Where a provider's callbacks go (URL, newest secret), or why they cannot go anywhere now.
Destination = tuple[str, str] | DeliveryResult


def signed_headers(
    secret: str, *, event_id: str, sent_at_clock: Clock, body: bytes
) -> dict[str, str]:
    """The Standard Webhooks headers for `body` (webhook-timestamp is the time of sending)."""
    sent_at = sent_at_clock()
    signature = Webhook(secret).sign(event_id, sent_at, body.decode("utf-8"))
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": signature,
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


class CallbackSender(Sender):
    """The `callbacks` channel's handler."""

    def _destination(self, session: Session, provider_id: str) -> Destination:
        provider = provider_repository.get_provider(session, provider_id)
        if provider is None or not provider.callback_url:
            return DeliveryResult(False, error="the provider has no callback_url", give_up=True)
        if provider.status != ProviderStatus.ACTIVE:
            return DeliveryResult(False, error="the provider is suspended", give_up=True)
        # cached: the secret unwrapped for the webhooks it verifies serves here too.
        secrets = provider_service.live_secrets(
            session, provider_id=provider_id, settings=self.settings, now=self.clock(), cached=True
        )
        if not secrets:
            return DeliveryResult(False, error="the provider has no live signing secret")
        return provider.callback_url, secrets[0]

    def prepare(self, jobs: Sequence[ClaimedJob]) -> list[Send]:
        """The batch's destinations read in one read session (once per provider), then one
        send each."""
        destinations: dict[str, Destination] = {}
        with transaction(self.read_factory) as session:
            for job in jobs:
                if job.target is not None and job.target not in destinations:
                    destinations[job.target] = self._destination(session, job.target)
        return [partial(self.send, job, destinations.get(job.target or "")) for job in jobs]

    def __call__(self, job: ClaimedJob) -> DeliveryResult:
        if job.target is None:
            return self.send(job, None)
        with transaction(self.read_factory) as session:
            destination = self._destination(session, job.target)
        return self.send(job, destination)

    def send(self, job: ClaimedJob, found: Destination | None) -> DeliveryResult:
        if job.target is None or found is None:
            return DeliveryResult(False, error="callback without a provider", give_up=True)
        if isinstance(found, DeliveryResult):
            return found
        url, secret = found
        body = events.body_bytes(job.payload, email=job.recipient)
        headers = signed_headers(secret, event_id=job.event_id, sent_at_clock=self.clock, body=body)
        try:
            response = client.post(
                url,
                content=body,
                headers=headers,
                timeout=self.settings.outbox_attempt_timeout_seconds,
                allow_loopback=not self.settings.is_production,
            )
        except client.DestinationRefused as refused:
            return DeliveryResult(False, error=f"refused: {refused}")
        except httpx.TimeoutException:
            return DeliveryResult(False, error="timed out")
        except httpx.HTTPError as error:
            return DeliveryResult(False, error=f"{type(error).__name__}: {error}")
        if 200 <= response.status_code < 300:
            return DeliveryResult(True, status_code=response.status_code)
        note = " (redirects are not followed)" if 300 <= response.status_code < 400 else ""
        return DeliveryResult(
            False, status_code=response.status_code, error=f"HTTP {response.status_code}{note}"
        )
