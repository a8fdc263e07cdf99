"""Issuers, learners and awards written straight into the database for statistics tests.

Statistics never read the signed document or the key material, so the signing key and status
list rows are minimal and every award's document is "{}".
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from badge_issuer.awards.models import Award
from badge_issuer.issuers.models import Issuer
from badge_issuer.keys.models import KeyState, SigningKey
from badge_issuer.learners.models import Learner
from badge_issuer.stats import tabulate
from badge_issuer.stats.query import Dimension, Period, StatsQuery, Subject
from badge_issuer.stats.table import GroupNames, StatsTable, Tally
from badge_issuer.status.models import StatusList
from tests.shared_data import example_path
from tests.skillmap.factories import store_skill_map

_UNSET = "unset"
TABLE_AS_OF = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


@dataclass
class _IssuerRows:
    issuer: Issuer
    key: SigningKey
    status_list: StatusList


@dataclass
class AwardFactory:
    """Creates rows in `session`; `now` stamps the bookkeeping columns."""

    session: Session
    now: datetime
    _issuers: dict[str, _IssuerRows] = field(default_factory=dict)
    _learners: int = 0
    _sequences: dict[tuple[int | None, str], int] = field(default_factory=dict)

    def issuer(self, slug: str = "default") -> Issuer:
        return self._issuer_rows(slug).issuer

    def learner(self, region: str | None = None, category: str | None = None) -> Learner:
        self._learners += 1
        learner = Learner(
            email_hash=f"{self._learners:064x}",
            region=region,
            category=category,
            created_at=self.now,
            updated_at=self.now,
        )
        self.session.add(learner)
        self.session.flush()
        return learner

    def award(
        self,
        learner: Learner | None,
        achievement_id: str,
        *,
        issued_at: datetime,
        learned_at: datetime | None = None,
        issuer: str = "default",
        valid_until: datetime | None = None,
        revoked_at: datetime | None = None,
        region: str | None = _UNSET,
        category: str | None = _UNSET,
        sequence: int | None = None,
    ) -> Award:
        """Add one award; region and category default to the learner's, the sequence numbers
        the learner's awards of the achievement from 0 (as awards/ does)."""
        rows = self._issuer_rows(issuer)
        rows.status_list.allocated += 1
        if sequence is None:
            sequence = self._sequences.get((learner and learner.id, achievement_id), 0)
        self._sequences[(learner and learner.id, achievement_id)] = sequence + 1
        award = Award(
            uuid=str(uuid.uuid4()),
            issuer_id=rows.issuer.id,
            learner_id=None if learner is None else learner.id,
            achievement_id=achievement_id,
            sequence=sequence,
            source="rule",
            signing_key_id=rows.key.id,
            status_list_id=rows.status_list.id,
            status_index=rows.status_list.allocated,
            document="{}",
            issued_at=issued_at,
            learned_at=learned_at or issued_at,
            valid_from=issued_at,
            valid_until=valid_until,
            learner_region=learner.region if region == _UNSET and learner else _set(region),
            learner_category=learner.category if category == _UNSET and learner else _set(category),
            revoked_at=revoked_at,
        )
        self.session.add(award)
        self.session.flush()
        return award

    def _issuer_rows(self, slug: str) -> _IssuerRows:
        if slug not in self._issuers:
            self._issuers[slug] = self._create_issuer(slug)
        return self._issuers[slug]

    def _create_issuer(self, slug: str) -> _IssuerRows:
        issuer = Issuer(slug=slug, name=f"発行者 {slug}", created_at=self.now, updated_at=self.now)
        self.session.add(issuer)
        self.session.flush()
        key = SigningKey(
            issuer_id=issuer.id,
            key_id="key-1",
            state=KeyState.ACTIVE,
            public_key_multibase="z6MkStatsTestKey",
            wrapped_private_key=b"not a key",
            kek_fingerprint="stats-test",
            created_at=self.now,
        )
        status_list = StatusList(
            public_id=str(uuid.uuid4()),
            issuer_id=issuer.id,
            size=131072,
            allocated=0,
            permutation_key=b"\x00" * 32,
            created_at=self.now,
            updated_at=self.now,
        )
        self.session.add_all([key, status_list])
        self.session.flush()
        return _IssuerRows(issuer, key, status_list)


def _set(value: str | None) -> str | None:
    return None if value == _UNSET else value


def load_example_skill_map(session: Session, now: datetime) -> None:
    """Store examples/skill-map.yaml as the current version (needs issuer `default`)."""
    source = example_path("skill-map.yaml").read_text(encoding="utf-8")
    store_skill_map(
        session, source=source, now=now, allow_unknown_providers=True, created_by="stats-tests"
    )


def make_table(
    cells: list[Tally],
    *,
    subject: Subject = Subject.ACHIEVEMENTS,
    group_by: tuple[Dimension, ...] = (),
    period: Period | None = None,
    totals: list[Tally] | None = None,
    min_cell: int = 5,
    names: dict[str, str] | None = None,
    group_names: GroupNames | None = None,
) -> StatsTable:
    """A finished table from raw counts, through the real ordering, suppression and rounding."""
    query = StatsQuery(subject, group_by=group_by, period=period)
    periods = tuple(sorted({c.period for c in cells if c.period is not None}))
    return tabulate.assemble(
        query,
        as_of=TABLE_AS_OF,
        min_cell=min_cell,
        labels=tabulate.Labels(names or {}, "2026.1"),
        periods=periods,
        cells=cells,
        totals=totals or [],
        group_names=group_names,
    )
