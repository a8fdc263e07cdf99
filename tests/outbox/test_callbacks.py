"""Provider callbacks end to end: real loopback receiver, real dispatcher, both databases."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from fastapi import FastAPI

from badge_issuer.awards import service as award_service
from badge_issuer.awards.schemas import DirectAwardCreate
from badge_issuer.config import Environment, Settings
from badge_issuer.db import session_scope
from badge_issuer.outbox import schedule
from badge_issuer.outbox import service as outbox_service
from tests.harness import Harness
from tests.outbox.receivers import CallbackReceiver
from tests.outbox.support import (
    SteppedClock,
    deliveries,
    dispatcher,
    earn_bronze,
    jobs,
    jobs_in,
    set_callback,
)


class TestAwardCreated:
    def test_signed_event_with_the_contract_body(
        self, harness: Harness, app: FastAPI, settings: Settings
    ) -> None:
        with CallbackReceiver() as receiver:
            set_callback(harness, "manabi-portal", receiver.url)
            answer = earn_bronze(harness)
            assert dispatcher(app, settings, SteppedClock()).run_once() >= 1
            [event] = receiver.wait_for(1)
        payload = event.verify(harness.secrets["manabi-portal"])
        award = answer["awards"][0]
        assert payload["type"] == "award.created"
        assert datetime.fromisoformat(payload["timestamp"]).tzinfo is not None
        assert payload["data"] == {
            "achievement_id": "dx-literacy-bronze",
            "credential_id": award["credential_id"],
            "credential_url": award["credential_url"],
            "completion_id": answer["completion_id"],
            "learner": {"email": "hanako@example.jp"},
        }
        assert event.webhook_id.startswith("msg_")

    def test_no_callback_url_no_callback(self, harness: Harness, app: FastAPI) -> None:
        earn_bronze(harness)
        assert jobs(app, "callbacks") == []
        assert len(jobs(app, "mail")) == 1  # the learner is mailed all the same

    def test_address_is_sealed_in_the_queue(self, harness: Harness, app: FastAPI) -> None:
        with CallbackReceiver() as receiver:
            set_callback(harness, "manabi-portal", receiver.url)
            earn_bronze(harness)
        for job in jobs(app):
            assert job.sealed_recipient is not None
            assert b"hanako" not in job.sealed_recipient
            assert "hanako" not in str(job.payload)


class TestRetries:
    def test_503_then_204_delivers_twice_with_one_webhook_id(
        self, harness: Harness, app: FastAPI, settings: Settings
    ) -> None:
        clock = SteppedClock()
        with CallbackReceiver(statuses=[503]) as receiver:
            set_callback(harness, "manabi-portal", receiver.url)
            earn_bronze(harness)
            worker = dispatcher(app, settings, clock)
            worker.run_once()
            receiver.wait_for(1)
            [after_503] = deliveries(harness, channel="callbacks")
            print("GET /v1/admin/deliveries?channel=callbacks after a 503:")
            print(json.dumps(after_503, indent=2, ensure_ascii=False))
            assert after_503["state"] == "pending"
            assert after_503["attempts"] == 1
            assert after_503["last_error"] == "HTTP 503"
            assert after_503["attempt_log"][0]["status_code"] == 503
            assert after_503["recipient_held"] is True
            due = datetime.fromisoformat(after_503["next_attempt_at"])
            # Standard Webhooks: the first retry comes within 10 s.
            assert due - clock() <= timedelta(seconds=10)
            assert worker.run_once() == 0  # not due yet
            clock.skip(10)
            assert worker.run_once() == 1
            first, second = receiver.wait_for(2)
        assert first.webhook_id == second.webhook_id
        assert first.body == second.body
        assert [first.status, second.status] == [503, 204]
        [done] = deliveries(harness, channel="callbacks")
        print("... and after the retry answered 204:")
        print(json.dumps(done, indent=2, ensure_ascii=False))
        assert done["state"] == "delivered"
        assert [a["outcome"] for a in done["attempt_log"]] == ["failed", "delivered"]
        assert done["recipient_held"] is False

    def test_dead_letter_after_the_schedule_then_admin_retry(
        self, harness: Harness, app: FastAPI, settings: Settings
    ) -> None:
        clock = SteppedClock()
        with CallbackReceiver(default=500) as receiver:
            set_callback(harness, "manabi-portal", receiver.url)
            earn_bronze(harness)
            worker = dispatcher(app, settings, clock)
            for _ in range(schedule.MAX_ATTEMPTS):
                assert worker.run_once() >= 1
                clock.skip(timedelta(hours=30).total_seconds())
            assert worker.run_once() == 0
            [dead] = deliveries(harness, channel="callbacks", state="dead")
            assert dead["attempts"] == schedule.MAX_ATTEMPTS == 10
            assert dead["last_error"] == "HTTP 500"
            assert len({r.webhook_id for r in receiver.received}) == 1
            receiver.default = 204
            retried = harness.client.post(
                f"/v1/admin/deliveries/{dead['id']}/retry", headers=harness.admin
            )
            assert retried.status_code == 202, retried.text
            assert retried.json()["state"] == "pending"
            assert worker.run_once() == 1
        [done] = deliveries(harness, channel="callbacks")
        assert done["state"] == "delivered"
        again = harness.client.post(
            f"/v1/admin/deliveries/{done['id']}/retry", headers=harness.admin
        )
        assert again.status_code == 409
        assert again.headers["content-type"] == "application/problem+json"

    def test_the_schedule_spans_about_three_days(self) -> None:
        assert timedelta(days=3) <= schedule.total_span() <= timedelta(days=3, hours=6)
        assert schedule.RETRY_DELAYS[0] * (1 + schedule.JITTER) <= timedelta(seconds=10)


class TestRevocation:
    def test_credential_revoked_goes_to_the_earning_provider(
        self, harness: Harness, app: FastAPI, settings: Settings
    ) -> None:
        with CallbackReceiver() as receiver:
            set_callback(harness, "manabi-portal", receiver.url)
            award = earn_bronze(harness)["awards"][0]
            revoked = harness.client.post(
                f"/v1/admin/credentials/{award['credential_id']}/revoke",
                json={"reason": "issued in error"},
                headers=harness.admin,
            )
            assert revoked.status_code == 200, revoked.text
            dispatcher(app, settings, SteppedClock()).run_once()
            events = receiver.wait_for(2)
        by_type = {e.json()["type"]: e for e in events}
        revocation = by_type["credential.revoked"].verify(harness.secrets["manabi-portal"])
        assert revocation["data"]["credential_id"] == award["credential_id"]
        assert revocation["data"]["learner"] == {"email": None}
        assert by_type["award.created"].webhook_id != by_type["credential.revoked"].webhook_id


class TestTransactions:
    def test_a_rolled_back_award_queues_nothing(
        self, harness: Harness, app: FastAPI, settings: Settings
    ) -> None:
        data = DirectAwardCreate(
            achievement_id="dx-literacy-bronze",
            email="rollback@example.jp",
            narrative="practical experience",
        )
        session = app.state.session_factory()
        try:
            award_service.award_directly(
                session, data=data, settings=settings, now=SteppedClock()()
            )
            session.flush()
            assert jobs_in(session) == 1
        finally:
            session.rollback()
            session.close()
        assert jobs(app) == []
        for session in session_scope(app.state.session_factory):
            award_service.award_directly(
                session, data=data, settings=settings, now=SteppedClock()()
            )
        assert [j.channel for j in jobs(app)] == ["mail"]


class TestQueueStats:
    def test_depth_and_oldest_age_per_channel(
        self, harness: Harness, app: FastAPI, settings: Settings
    ) -> None:
        clock = SteppedClock()
        with CallbackReceiver(default=503) as receiver:
            set_callback(harness, "manabi-portal", receiver.url)
            earn_bronze(harness)
            clock.skip(30)
            for session in session_scope(app.state.session_factory):
                before = {s.channel: s for s in outbox_service.queue_stats(session, now=clock())}
            assert before["callbacks"].pending == before["mail"].pending == 1
            assert before["callbacks"].oldest_pending_age_seconds >= 30
            dispatcher(app, settings, clock).run_once()
        for session in session_scope(app.state.session_factory):
            after = {s.channel: s for s in outbox_service.queue_stats(session, now=clock())}
        assert (after["mail"].pending, after["callbacks"].pending) == (0, 1)


class TestProductionDestinations:
    def test_a_loopback_callback_is_refused_in_production(
        self, harness: Harness, app: FastAPI, settings: Settings
    ) -> None:
        production = settings.model_copy(update={"env": Environment.PRODUCTION})
        with CallbackReceiver() as receiver:
            set_callback(harness, "manabi-portal", receiver.url)
            earn_bronze(harness)
            dispatcher(app, production, SteppedClock()).run_once()
            assert receiver.received == []
        [job] = deliveries(harness, channel="callbacks")
        assert job["state"] == "pending"
        assert job["last_error"].startswith("refused: ")
