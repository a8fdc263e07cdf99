"""Bulk import writes a batch in one go (intake/batch.py): the same records as row by row."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from prometheus_client import REGISTRY
from sqlalchemy import select

from badge_issuer import bootstrap
from badge_issuer.awards import signing_pool
from badge_issuer.awards.models import Award, AwardCompletion
from badge_issuer.db import session_scope
from badge_issuer.intake import batch as chunk
from badge_issuer.intake import importer
from badge_issuer.intake import service as intake
from badge_issuer.intake.importer import ImportTally
from badge_issuer.issuers import service as issuer_service
from badge_issuer.issuers.models import Issuer
from badge_issuer.keys import service as key_service
from badge_issuer.kit.clock import utc_now
from badge_issuer.learners.models import Learner
from badge_issuer.outbox.models import OutboxJob
from badge_issuer.providers.models import Completion, Provider
from badge_issuer.providers.schemas import CompletionIn
from tests.faults import ledger
from tests.providers.factories import (
    PROVIDER_ID,
    completion_body,
    create_provider,
    load_skill_map,
    one_badge_per_course,
)


def _skill_map() -> dict[str, Any]:
    """Courses A and B earn badge-a and badge-b; both together also earn `both`."""
    document = one_badge_per_course(PROVIDER_ID, "A", "B")
    both = dict(document["achievements"][0])
    both |= {
        "id": "both",
        "name": "Both",
        "rule": {
            "n_of": 2,
            "of": [{"course": {"provider": PROVIDER_ID, "course_id": c}} for c in ("A", "B")],
        },
    }
    document["achievements"].append(both)
    return document


def _row(email: str, course: str, *, day: int = 1, region: str | None = None) -> str:
    learner: dict[str, str | None] = {"email": email, "region": region, "category": None}
    body = completion_body(
        learner=learner, course_id=course, completed_at=f"2026-10-{day:02d}T10:00:00+09:00"
    )
    return json.dumps(body) + "\n"


ROWS = [
    _row("ichiro@example.jp", "A", region="01-sapporo"),
    _row("jiro@example.jp", "A"),
    _row("Ichiro@Example.jp ", "B", region="01-kitami"),  # the same learner, another course
    _row("jiro@example.jp", "A"),  # the same completion again: a duplicate
    _row("saburo@example.jp", "NOT-IN-MAP"),  # rejected before anything is written
    "{not json\n",  # rejected by parsing
]


def _import(
    app: FastAPI,
    lines: list[str],
    *,
    batch_size: int = 100,
    sign_workers: int = 0,
    on_commit: Callable[[int], None] = lambda line: None,
) -> ImportTally:
    tally = ImportTally()
    importer.import_in_batches(
        app.state.session_factory,
        provider_id=PROVIDER_ID,
        rows=importer.parse_jsonl(lines),
        batch_size=batch_size,
        settings=app.state.settings,
        clock=utc_now,
        tally=tally,
        on_commit=on_commit,
        sign_workers=sign_workers,
    )
    return tally


def _records(app: FastAPI) -> dict[str, Any]:
    for session in session_scope(app.state.session_factory):
        awards = session.scalars(select(Award).order_by(Award.id)).all()
        return {
            "learners": {
                learner.id: (learner.region, learner.category)
                for learner in session.scalars(select(Learner))
            },
            "completions": len(session.scalars(select(Completion)).all()),
            "awards": Counter((a.learner_id, a.achievement_id) for a in awards),
            "evidence": Counter(
                a.achievement_id
                for a, _link in session.execute(
                    select(Award, AwardCompletion).join(
                        AwardCompletion, AwardCompletion.award_id == Award.id
                    )
                )
            ),
            "indexes": [(a.status_list_id, a.status_index) for a in awards],
            "learned_at": {(a.learner_id, a.achievement_id): a.learned_at for a in awards},
            "mail": len(session.scalars(select(OutboxJob)).all()),
        }
    raise AssertionError("unreachable")


@pytest.fixture
def mapped(app: FastAPI) -> FastAPI:
    bootstrap.prepare(app.state.settings)  # the default issuer and its key, as `serve` does
    create_provider(app)
    load_skill_map(app, _skill_map())
    return app


class TestBatchedImport:
    # With signing workers, a batch is prepared in the transaction that writes the previous one
    # (importer._Pipeline): Ichiro's two rows in one batch, in consecutive ones, or further apart.
    @pytest.mark.parametrize("sign_workers", [0, 2])
    @pytest.mark.parametrize("batch_size", [1, 2, 3, 100])
    def test_a_batch_stores_each_completion_once_and_issues_every_met_achievement(
        self, mapped: FastAPI, batch_size: int, sign_workers: int
    ) -> None:
        tally = _import(mapped, ROWS, batch_size=batch_size, sign_workers=sign_workers)

        assert (tally.accepted, tally.duplicates, tally.rejected) == (3, 1, 2)
        assert [r.line for r in tally.rejections] == [5, 6]
        assert "has no course" in tally.rejections[0].reason
        records = _records(mapped)
        assert records["completions"] == 3
        # Ichiro is one learner (the address is normalised) and the latest region wins.
        ichiro, jiro = sorted(records["learners"])
        assert records["learners"][ichiro] == ("01-kitami", None)
        assert records["awards"] == Counter(
            {
                (ichiro, "badge-a"): 1,
                (ichiro, "badge-b"): 1,
                (ichiro, "both"): 1,
                (jiro, "badge-a"): 1,
            }
        )
        # `both` stands on the two completions; every credential has its own status index.
        assert records["evidence"]["both"] == 2
        assert len(set(records["indexes"])) == 4
        assert records["learned_at"][(ichiro, "both")] == records["learned_at"][(ichiro, "badge-b")]

    @pytest.mark.parametrize("sign_workers", [1, 2])
    def test_credentials_signed_in_worker_processes_are_the_same_records_and_verify(
        self, mapped: FastAPI, sign_workers: int
    ) -> None:
        # Enough rows that several chunks go to the workers, some of them in one batch.
        many = [_row(f"learner-{n}@example.jp", "AB"[n % 2], day=1 + n % 9) for n in range(70)]
        lines = ROWS + many

        tally = _import(mapped, lines, batch_size=40, sign_workers=sign_workers)

        assert (tally.accepted, tally.duplicates, tally.rejected) == (73, 1, 2)
        records = _records(mapped)
        assert records["completions"] == 73
        assert sum(records["awards"].values()) == 4 + 70
        assert set(records["awards"].values()) == {1}
        assert len(set(records["indexes"])) == 74
        assert records["mail"] == 74
        for session in session_scope(mapped.state.session_factory):
            awards = list(session.scalars(select(Award)))
            assert ledger.credential_problems(session, mapped.state.settings, awards) == []
            # A fresh salt for every credential, in forked workers too.
            salts = {
                json.loads(a.document)["credentialSubject"]["identifier"][0]["salt"] for a in awards
            }
            assert len(salts) == 74

    def test_re_importing_the_file_issues_nothing_new(self, mapped: FastAPI) -> None:
        _import(mapped, ROWS, batch_size=2)
        first = _records(mapped)

        again = _import(mapped, ROWS, batch_size=4)

        assert (again.accepted, again.duplicates, again.rejected) == (0, 4, 2)
        assert _records(mapped) == first

    @pytest.mark.parametrize("sign_workers", [0, 2])
    def test_a_batch_that_cannot_issue_is_recorded_row_by_row(
        self, mapped: FastAPI, sign_workers: int
    ) -> None:
        for session in session_scope(mapped.state.session_factory):
            issuer = issuer_service.get_issuer(session, _skill_map_issuer(session))
            for key in key_service.list_keys(session, issuer=issuer, after_id=0, limit=10):
                key_service.retire_key(
                    session, issuer=issuer, key_id=key.key_id, actor="t", now=utc_now()
                )

        tally = _import(mapped, ROWS[:2], sign_workers=sign_workers)

        # Row by row, each row's savepoint is undone with its problem, as webhooks answer 409.
        assert (tally.accepted, tally.rejected) == (0, 2)
        assert all("no active signing key" in r.reason for r in tally.rejections)
        assert _records(mapped)["completions"] == 0

    @pytest.mark.parametrize("sign_workers", [0, 2])
    def test_every_credential_queues_its_callback(self, mapped: FastAPI, sign_workers: int) -> None:
        for session in session_scope(mapped.state.session_factory):
            provider = session.get(Provider, PROVIDER_ID)
            assert provider is not None
            provider.callback_url = "https://lms.example.jp/badges"

        _import(mapped, ROWS, batch_size=2, sign_workers=sign_workers)

        for session in session_scope(mapped.state.session_factory):
            evidence: dict[str, set[int]] = {}
            for award, link in session.execute(
                select(Award, AwardCompletion).join(
                    AwardCompletion, AwardCompletion.award_id == Award.id
                )
            ):
                evidence.setdefault(award.uuid, set()).add(link.completion_id)
            jobs = session.scalars(select(OutboxJob).where(OutboxJob.channel == "callbacks"))
            called: Counter[str] = Counter()
            for job in jobs:
                data = job.payload["data"]
                assert job.target == PROVIDER_ID
                assert data["completion_id"] in evidence[data["credential_id"]]
                called[data["credential_id"]] += 1
            # One provider: one callback per credential.
            assert called == Counter(dict.fromkeys(evidence, 1))
            assert len(evidence) == 4


def _issued_counts() -> Counter[tuple[str, str, str]]:
    """credentials_issued_total by (issuer, achievement, source), in this process."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for metric in REGISTRY.collect():
        for sample in metric.samples:
            if sample.name == "badge_issuer_credentials_issued_total":
                labels = sample.labels
                key = (labels["issuer"], labels["achievement"], labels["source"])
                counts[key] += int(sample.value)
    return counts


def _stored_counts(app: FastAPI) -> Counter[tuple[str, str, str]]:
    """The committed awards by the same labels."""
    for session in session_scope(app.state.session_factory):
        rows = session.execute(
            select(Issuer.slug, Award.achievement_id, Award.source).join(
                Issuer, Issuer.id == Award.issuer_id
            )
        )
        return Counter((slug, achievement, str(source)) for slug, achievement, source in rows)
    raise AssertionError("unreachable")


class TestImportedCredentialsAreCounted:
    """credentials_issued_total counts each imported credential once, after its commit."""

    @pytest.mark.parametrize("sign_workers", [0, 2])
    @pytest.mark.parametrize("batch_size", [2, 100])
    def test_every_committed_credential_is_counted_once(
        self, mapped: FastAPI, batch_size: int, sign_workers: int
    ) -> None:
        before = _issued_counts()

        _import(mapped, ROWS, batch_size=batch_size, sign_workers=sign_workers)
        _import(mapped, ROWS, batch_size=batch_size, sign_workers=sign_workers)  # duplicates

        stored = _stored_counts(mapped)
        assert sum(stored.values()) == 4
        assert _issued_counts() - before == stored

    @pytest.mark.parametrize("sign_workers", [0, 2])
    def test_a_written_batch_rolled_back_is_not_counted(
        self, mapped: FastAPI, sign_workers: int
    ) -> None:
        rows = [(n, CompletionIn.model_validate_json(line)) for n, line in enumerate(ROWS[:3])]
        settings = mapped.state.settings
        before = _issued_counts()
        with signing_pool.signing_pool(settings, sign_workers) as pool:
            for commit in (False, True):
                with mapped.state.session_factory() as session:
                    prepared = chunk.prepare_chunk(
                        session,
                        provider_id=PROVIDER_ID,
                        rows=rows,
                        courses=intake.known_courses(session),
                        settings=settings,
                        now=utc_now(),
                        pool=pool,
                    )
                    chunk.write_chunk(session, prepared, recheck=False)
                    chunk.finish_chunk(session, prepared)
                    assert len(prepared.awards) == 4
                    if commit:
                        session.commit()
                    else:
                        session.rollback()
                assert _issued_counts() - before == _stored_counts(mapped)

        assert sum(_stored_counts(mapped).values()) == 4


class TestPipelinedImport:
    def test_a_completion_recorded_between_planning_and_writing_is_counted(
        self, mapped: FastAPI
    ) -> None:
        """A webhook records Ichiro's course B after his batch (course A) was planned and before
        it is written: the plan is stale, the batch goes row by row and `both` is issued."""
        lines = [_row("jiro@example.jp", "A"), _row("ichiro@example.jp", "A")]
        commits: list[int] = []

        def webhook_meanwhile(line: int) -> None:
            commits.append(line)
            if line != 1:
                return
            # Line 1 is committed; Ichiro's batch (line 2) is planned, its credential signing.
            completion = CompletionIn.model_validate_json(_row("ichiro@example.jp", "B", day=2))
            for session in session_scope(mapped.state.session_factory):
                intake.record_completion(
                    session,
                    provider_id=PROVIDER_ID,
                    completion=completion,
                    courses=intake.known_courses(session),
                    settings=mapped.state.settings,
                    now=utc_now(),
                )

        counted_before = _issued_counts()
        tally = _import(mapped, lines, batch_size=1, sign_workers=1, on_commit=webhook_meanwhile)

        assert commits == [1, 2]
        # The stale batch's rolled-back write is not counted; the webhook's and rows' awards are.
        assert _issued_counts() - counted_before == _stored_counts(mapped)
        assert (tally.accepted, tally.duplicates, tally.rejected) == (2, 0, 0)
        records = _records(mapped)
        jiro, ichiro = sorted(records["learners"])
        assert records["awards"] == Counter(
            {
                (jiro, "badge-a"): 1,
                (ichiro, "badge-a"): 1,
                (ichiro, "badge-b"): 1,
                (ichiro, "both"): 1,
            }
        )
        assert records["completions"] == 3
        assert len(set(records["indexes"])) == 4
        for session in session_scope(mapped.state.session_factory):
            awards = list(session.scalars(select(Award)))
            assert ledger.credential_problems(session, mapped.state.settings, awards) == []

    @pytest.mark.parametrize("batch_size", [1, 2])
    def test_a_learner_in_consecutive_batches_is_planned_on_the_awards_before(
        self, mapped: FastAPI, batch_size: int, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Ichiro's badge-a, drafted in one batch, is written before the next batch, which has
        his course B, is planned (importer._Pipeline): its plan sees it, so that batch is
        never stale (written row by row) and nothing is issued twice."""
        by_rows: list[int] = []
        record_rows = importer._record_rows

        def counted(session: Any, provider_id: str, rows: Any, *args: Any) -> ImportTally:
            rows = list(rows)
            by_rows.extend(row.line for row in rows)
            return record_rows(session, provider_id, rows, *args)

        monkeypatch.setattr(importer, "_record_rows", counted)
        lines = [_row("jiro@example.jp", "A"), _row("ichiro@example.jp", "A")]
        lines += [_row("Ichiro@Example.jp", "B"), _row("saburo@example.jp", "A")]

        tally = _import(mapped, lines, batch_size=batch_size, sign_workers=2)

        assert by_rows == []
        assert (tally.accepted, tally.duplicates, tally.rejected) == (4, 0, 0)
        records = _records(mapped)
        jiro, ichiro, saburo = sorted(records["learners"])
        assert records["awards"] == Counter(
            {
                (jiro, "badge-a"): 1,
                (ichiro, "badge-a"): 1,
                (ichiro, "badge-b"): 1,
                (ichiro, "both"): 1,
                (saburo, "badge-a"): 1,
            }
        )
        for session in session_scope(mapped.state.session_factory):
            awards = list(session.scalars(select(Award)))
            assert ledger.credential_problems(session, mapped.state.settings, awards) == []


def _skill_map_issuer(session: Any) -> str:
    (issuer,) = issuer_service.list_issuers(session, after_id=0, limit=10)
    return issuer.slug
