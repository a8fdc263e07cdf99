"""The SQL counts equal a plain reading of the award rows, for every shape of request.

Random awards exercise what makes counting hard: a learner holding the same achievement twice
(in the same or another region, month or issuer), two achievements carrying the same skill,
revoked, expired and learner-less awards, late learning, and period and date-range edges in
Japan time. The reference recomputes each cell and total in Python from the raw rows, so any
shortcut in the statements that changes a number fails here on both databases.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from badge_issuer.awards.models import Award
from badge_issuer.issuers.models import Issuer
from badge_issuer.stats import periods as calendar
from badge_issuer.stats import repository
from badge_issuer.stats.query import Dimension, Period
from badge_issuer.stats.table import Tally
from tests.stats.conftest import NOW
from tests.stats.factories import AwardFactory

ACHIEVEMENTS = [f"badge-{n}" for n in range(5)]
SKILLS = {
    "s-shared": ["badge-0", "badge-1", "badge-2"],
    "s-pair": ["badge-3", "badge-4"],
    "s-one": ["badge-1"],
    "s-none": ["badge-9"],
}
REGIONS = ["01-kitami", "02-sapporo", None]
CATEGORIES = ["student", "worker-it", None]
START = datetime(2025, 12, 31, 14, 30, tzinfo=UTC)  # 23:30 JST: the JST month edge is near

SHAPES: list[tuple[tuple[Dimension, ...], Period | None]] = [
    ((), None),
    ((Dimension.REGION,), None),
    ((Dimension.REGION, Dimension.CATEGORY), None),
    ((Dimension.ISSUER,), None),
    ((), Period.MONTH),
    ((Dimension.CATEGORY,), Period.QUARTER),
    ((Dimension.REGION, Dimension.ISSUER), Period.YEAR),
]
RANGES: list[tuple[date | None, date | None]] = [
    (None, None),
    (date(2026, 1, 1), None),
    (date(2026, 2, 15), date(2026, 7, 31)),
]


@pytest.fixture
def awards(session: Session, factory: AwardFactory) -> list[Award]:
    rng = random.Random(20)
    learners = [
        factory.learner(region=rng.choice(REGIONS), category=rng.choice(CATEGORIES))
        for _ in range(40)
    ]
    for _ in range(220):
        learner = rng.choice([*learners, None]) if rng.random() < 0.95 else None
        issued = START + timedelta(hours=rng.randrange(0, 24 * 330))
        late = rng.random() < 0.2
        learned = issued - timedelta(days=rng.randint(1, 90)) if late else issued
        changes: dict[str, object] = {}
        if rng.random() < 0.15:  # the learner moved: the award keeps its own group
            changes["region"] = rng.choice(REGIONS)
        if rng.random() < 0.1:  # numbered apart from the learner's other awards of it
            changes["sequence"] = 1000 + rng.randrange(10**6)
        factory.award(
            learner,
            rng.choice(ACHIEVEMENTS),
            issued_at=issued,
            learned_at=learned,
            issuer=rng.choice(["default", "kitami-city"]),
            valid_until=rng.choice([None, None, NOW - timedelta(days=1), NOW + timedelta(days=9)]),
            revoked_at=NOW - timedelta(days=2) if rng.random() < 0.08 else None,
            **changes,  # type: ignore[arg-type]
        )
    return list(session.scalars(select(Award)))


def _spec(
    keys: dict[str, list[str]],
    group_by: tuple[Dimension, ...],
    period: Period | None,
    days: tuple[date | None, date | None],
) -> repository.HolderQuery:
    first, last = days
    return repository.HolderQuery(
        keys=keys,
        group_by=group_by,
        period=period,
        learned_from=None if first is None else calendar.start_of_day(first),
        learned_before=None if last is None else calendar.start_of_day(last + timedelta(days=1)),
        as_of=NOW,
    )


def _counted(award: Award, spec: repository.HolderQuery) -> bool:
    learned = _aware(award.learned_at)
    return (
        award.learner_id is not None
        and award.revoked_at is None
        and (award.valid_until is None or _aware(award.valid_until) > spec.as_of)
        and (spec.learned_from is None or learned >= spec.learned_from)
        and (spec.learned_before is None or learned < spec.learned_before)
        and (spec.issuer_ids is None or award.issuer_id in spec.issuer_ids)
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _groups(
    award: Award, spec: repository.HolderQuery, slugs: dict[int, str]
) -> tuple[str | None, ...]:
    values = {
        Dimension.REGION: award.learner_region,
        Dimension.CATEGORY: award.learner_category,
        Dimension.ISSUER: slugs[award.issuer_id],
    }
    return tuple(values[d] for d in spec.group_by)


def _label(moment: datetime, period: Period | None) -> str | None:
    return None if period is None else calendar.period_label(calendar.local_date(moment), period)


def _tallies(sets: dict[tuple[str, tuple[str | None, ...], str | None], set[int]]) -> list[Tally]:
    return _sorted(Tally(k, g, p, len(ids), sum(ids)) for (k, g, p), ids in sets.items() if ids)


def _sorted(tallies: Iterable[Tally]) -> list[Tally]:
    return sorted(
        tallies, key=lambda t: (t.key, [(g is None, g or "") for g in t.groups], t.period or "")
    )


def reference_holders(
    rows: Iterable[Award], spec: repository.HolderQuery, slugs: dict[int, str]
) -> list[Tally]:
    sets: dict[tuple[str, tuple[str | None, ...], str | None], set[int]] = defaultdict(set)
    for key, achievements in spec.keys.items():
        for award in rows:
            if award.achievement_id in achievements and _counted(award, spec):
                cell = (key, _groups(award, spec, slugs), _label(award.learned_at, spec.period))
                sets[cell].add(award.learner_id)  # type: ignore[arg-type]
    return _tallies(sets)


def reference_first_holdings(
    rows: Iterable[Award], spec: repository.HolderQuery, slugs: dict[int, str]
) -> list[Tally]:
    firsts: dict[tuple[str, tuple[str | None, ...], int | None], datetime] = {}
    for key, achievements in spec.keys.items():
        for award in rows:
            if award.achievement_id in achievements and _counted(award, spec):
                at = (key, _groups(award, spec, slugs), award.learner_id)
                learned = _aware(award.learned_at)
                firsts[at] = min(firsts.get(at, learned), learned)
    sets: dict[tuple[str, tuple[str | None, ...], str | None], set[int]] = defaultdict(set)
    for (key, groups, learner), first in firsts.items():
        assert learner is not None  # _counted
        sets[(key, groups, _label(first, spec.period))].add(learner)
    return _tallies(sets)


Days = tuple[date | None, date | None]


def _cases() -> list[tuple[str, tuple[Dimension, ...], Period | None, Days]]:
    return [
        (subject, group_by, period, days)
        for subject in ("achievements", "skills")
        for group_by, period in SHAPES
        for days in RANGES
    ]


def _keys(subject: str) -> dict[str, list[str]]:
    return {a: [a] for a in ACHIEVEMENTS} if subject == "achievements" else SKILLS


def _slugs(session: Session) -> dict[int, str]:
    return {issuer.id: issuer.slug for issuer in session.scalars(select(Issuer))}


class TestAgainstTheRows:
    @pytest.mark.parametrize(("subject", "group_by", "period", "days"), _cases())
    def test_holders_cells_and_totals(
        self,
        session: Session,
        awards: list[Award],
        subject: str,
        group_by: tuple[Dimension, ...],
        period: Period | None,
        days: tuple[date | None, date | None],
    ) -> None:
        spec = _spec(_keys(subject), group_by, period, days)
        slugs = _slugs(session)
        cells = reference_holders(awards, spec, slugs)
        totals = reference_holders(awards, replace(spec, group_by=()), slugs) if group_by else []
        counted = repository.holders_with_totals(session, spec)
        assert _sorted(counted.cells) == cells
        assert _sorted(counted.totals) == totals
        assert _sorted(repository.count_holders(session, spec)) == cells

    @pytest.mark.parametrize(
        ("subject", "group_by", "period"),
        [
            (subject, group_by, period)
            for subject in ("achievements", "skills")
            for group_by in ((), (Dimension.CATEGORY,), (Dimension.REGION, Dimension.ISSUER))
            for period in Period
        ],
    )
    def test_first_holdings(
        self,
        session: Session,
        awards: list[Award],
        subject: str,
        group_by: tuple[Dimension, ...],
        period: Period,
    ) -> None:
        spec = _spec(_keys(subject), group_by, period, (None, date(2026, 9, 30)))
        slugs = _slugs(session)
        cells = reference_first_holdings(awards, spec, slugs)
        totals = (
            reference_first_holdings(awards, replace(spec, group_by=()), slugs) if group_by else []
        )
        counted = repository.first_holdings_with_totals(session, spec)
        assert _sorted(counted.cells) == cells
        assert _sorted(counted.totals) == totals
        assert _sorted(repository.count_first_holdings(session, spec)) == cells

    def test_issuer_filter(self, session: Session, awards: list[Award]) -> None:
        kitami = next(i.id for i in session.scalars(select(Issuer)) if i.slug == "kitami-city")
        spec = replace(
            _spec(_keys("skills"), (Dimension.REGION,), Period.MONTH, (None, None)),
            issuer_ids=frozenset({kitami}),
        )
        counted = repository.holders_with_totals(session, spec)
        assert counted.cells
        assert _sorted(counted.cells) == reference_holders(awards, spec, _slugs(session))
        ungrouped = replace(spec, group_by=())
        assert _sorted(counted.totals) == reference_holders(awards, ungrouped, _slugs(session))


def test_reference_sees_duplicates(session: Session, awards: list[Award]) -> None:
    """The data holds the hard cases the reference is meant to catch."""
    held: dict[tuple[int | None, str], int] = defaultdict(int)
    for award in awards:
        if award.learner_id is not None and award.revoked_at is None:
            held[(award.learner_id, award.achievement_id)] += 1
    assert max(held.values()) >= 2
    assert min(held.values()) == 1


def test_reference_sees_every_kind_of_sequence(session: Session, awards: list[Award]) -> None:
    """Statistics count a learner's awards of an achievement with count(*) unless one of them
    has a sequence other than 0 (the unique constraint): the data holds learners who hold an
    achievement once at sequence 0, twice from 0, and only at a sequence other than 0."""
    sequences: dict[tuple[int | None, str], list[int]] = defaultdict(list)
    for award in awards:
        if award.learner_id is not None and award.revoked_at is None:
            sequences[(award.learner_id, award.achievement_id)].append(award.sequence)
    held = list(sequences.values())
    assert any(s == [0] for s in held)
    assert any(len(s) >= 2 and 0 in s for s in held)
    assert any(0 not in s for s in held)
