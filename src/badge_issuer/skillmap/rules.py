"""The rules engine: a learner's completions and held achievements in, new awards and progress out.

Pure and deterministic: no clock, no I/O, and the result does not depend on the order of the
completions given. Semantics (windows, evidence choice, progress) are in the docstrings below
and in the project README.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from badge_issuer.skillmap.rulebook import (
    AchievementNode,
    CourseKey,
    CourseNode,
    GroupNode,
    Node,
    RuleBook,
    instant,
)

_BEFORE_ALL = -(1 << 62)  # "no date": what a held achievement contributes to a window
_AFTER_ALL = 1 << 62


@dataclass(frozen=True, slots=True)
class CompletedCourse:
    """A course a learner completed, as far as rules care."""

    completion_id: str
    provider: str
    course_id: str
    completed_at: datetime
    score: float | None = None

    def __post_init__(self) -> None:
        if self.completed_at.utcoffset() is None:
            raise ValueError("completed_at must be timezone-aware")

    @property
    def key(self) -> CourseKey:
        """Return (provider, course_id)."""
        return (self.provider, self.course_id)


@dataclass(frozen=True, slots=True)
class MetAchievement:
    """An achievement newly met, with the completions and held achievements that met it."""

    achievement_id: str
    completions: tuple[CompletedCourse, ...]  # by completed_at, then completion_id
    prerequisites: tuple[str, ...]  # achievements the rule relied on, in rule order
    last_completed_at: datetime | None  # latest evidence completion (not the award time)


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a learner is toward an achievement: met of required top-level requirements."""

    achievement_id: str
    met: int
    required: int


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Awards in dependency order, and progress for every achievement neither held nor awarded."""

    awards: tuple[MetAchievement, ...]
    progress: tuple[Progress, ...]


@dataclass(frozen=True, slots=True)
class _Witness:
    """One way a rule is met: the completions used, their time span, the achievements used."""

    start: int
    finish: int
    completions: tuple[CompletedCourse, ...]
    prerequisites: tuple[str, ...]


def _order_key(completion: CompletedCourse) -> tuple[int, str, str, str, float]:
    score = -1.0 if completion.score is None else completion.score
    return (instant(completion.completed_at), completion.completion_id, *completion.key, score)


class _Unknown:
    """Marks a cached answer not worked out yet."""


_UNKNOWN = _Unknown()


@dataclass
class _Learner:
    """Completions indexed by course (sorted by time) and the achievements held so far."""

    times: dict[CourseKey, list[int]]
    completions: dict[CourseKey, list[CompletedCourse]]
    held: set[str] = field(default_factory=set)
    # Each (course, min_score) answer over all time, by the node's slot, worked out once.
    course_answers: list[_Witness | _Unknown | None] = field(default_factory=list)

    @classmethod
    def index(
        cls, book: RuleBook, completions: Iterable[CompletedCourse], held: set[str]
    ) -> _Learner:
        relevant = sorted((c for c in completions if c.key in book.course_keys), key=_order_key)
        learner = cls({}, {}, held, [_UNKNOWN] * book.course_slots)
        for completion in relevant:
            learner.times.setdefault(completion.key, []).append(instant(completion.completed_at))
            learner.completions.setdefault(completion.key, []).append(completion)
        return learner

    def window_starts(self, keys: Iterable[CourseKey], lo: int, hi: int) -> list[int]:
        """Return the distinct completion times of these courses within [lo, hi], ascending."""
        starts: set[int] = set()
        for key in keys:
            times = self.times.get(key, ())
            starts.update(t for t in times[bisect_left(times, lo) :] if t <= hi)
        return sorted(starts)


def _course(node: CourseNode, lo: int, hi: int, learner: _Learner) -> _Witness | None:
    """The earliest completion of the course within [lo, hi] that reaches min_score."""
    if lo != _BEFORE_ALL or hi != _AFTER_ALL:
        return _first_qualifying(node, lo, hi, learner)
    answer = learner.course_answers[node.slot]
    if isinstance(answer, _Unknown):
        answer = learner.course_answers[node.slot] = _first_qualifying(node, lo, hi, learner)
    return answer


def _first_qualifying(node: CourseNode, lo: int, hi: int, learner: _Learner) -> _Witness | None:
    times = learner.times.get(node.key)
    if not times:
        return None
    completions = learner.completions[node.key]
    for position in range(bisect_left(times, lo), len(times)):
        if times[position] > hi:
            return None
        score = completions[position].score
        if node.min_score is None or (score is not None and score >= node.min_score):
            at = times[position]
            return _Witness(at, at, (completions[position],), ())
    return None


def _merge(parts: list[_Witness]) -> _Witness:
    return _Witness(
        min(part.start for part in parts),
        max(part.finish for part in parts),
        tuple(c for part in parts for c in part.completions),
        tuple(a for part in parts for a in part.prerequisites),
    )


def _met_children(
    node: GroupNode, lo: int, hi: int, learner: _Learner, *, give_up_on_miss: bool
) -> list[tuple[int, int, _Witness]]:
    """Return (finish, position, witness) of each child met within [lo, hi]."""
    met: list[tuple[int, int, _Witness]] = []
    for position, child in enumerate(node.children):
        witness = _satisfy(child, lo, hi, learner)
        if witness is not None:
            met.append((witness.finish, position, witness))
        elif give_up_on_miss:
            break
    return met


def _select(node: GroupNode, met: list[tuple[int, int, _Witness]]) -> _Witness | None:
    """Keep the `need` children met earliest (ties: rule order); None if too few are met."""
    if len(met) < node.need:
        return None
    met.sort(key=lambda entry: (entry[0], entry[1]))
    return _merge([witness for _, _, witness in met[: node.need]])


def _combine(node: GroupNode, lo: int, hi: int, learner: _Learner) -> _Witness | None:
    """Meet a group within [lo, hi], ignoring its own window."""
    all_needed = node.need == len(node.children)
    return _select(node, _met_children(node, lo, hi, learner, give_up_on_miss=all_needed))


def _group(node: GroupNode, lo: int, hi: int, learner: _Learner) -> _Witness | None:
    """Meet a group; with a window, try each completion time as the window's start."""
    witness = _combine(node, lo, hi, learner)
    if witness is None or node.window is None or not witness.completions:
        return witness
    if witness.finish - witness.start <= node.window:
        return witness
    best: _Witness | None = None
    for start in learner.window_starts(node.course_keys, lo, hi):
        if best is not None and start > best.finish:
            break  # every witness from here on finishes after the best one
        candidate = _combine(node, start, min(hi, start + node.window), learner)
        if candidate is not None and (best is None or candidate.finish < best.finish):
            best = candidate
    return best


def _satisfy(node: Node, lo: int, hi: int, learner: _Learner) -> _Witness | None:
    """Return the witness of node within [lo, hi] that is complete the earliest, or None."""
    if isinstance(node, CourseNode):
        return _course(node, lo, hi, learner)
    if isinstance(node, AchievementNode):
        if node.achievement_id not in learner.held:
            return None
        return _Witness(_AFTER_ALL, _BEFORE_ALL, (), (node.achievement_id,))
    return _group(node, lo, hi, learner)


def _best_window_count(node: GroupNode, window: int, learner: _Learner) -> int:
    """Return the most children met inside any one window of the group."""
    starts = learner.window_starts(node.course_keys, _BEFORE_ALL, _AFTER_ALL)
    windows = [(start, start + window) for start in starts] or [(_BEFORE_ALL, _AFTER_ALL)]
    return max(
        len(_met_children(node, lo, hi, learner, give_up_on_miss=False)) for lo, hi in windows
    )


def _decide(achievement_id: str, node: Node, learner: _Learner) -> _Witness | Progress:
    """Meet a top-level rule, or say how many of its top-level requirements are met.

    Prerequisites are decided before (dependency order), so progress is final here.
    """
    if isinstance(node, GroupNode) and node.window is None:
        met = _met_children(node, _BEFORE_ALL, _AFTER_ALL, learner, give_up_on_miss=False)
        count = len(met)
        witness = _select(node, met)
    else:
        witness = _satisfy(node, _BEFORE_ALL, _AFTER_ALL, learner)
        count = 0
        if witness is None and isinstance(node, GroupNode) and node.window is not None:
            count = _best_window_count(node, node.window, learner)
    if witness is not None:
        return witness
    required = node.need if isinstance(node, GroupNode) else 1
    return Progress(achievement_id, min(count, required), required)


def _award(achievement_id: str, witness: _Witness) -> MetAchievement:
    completions = tuple(sorted(set(witness.completions), key=_order_key))
    last_completed_at = max((c.completed_at for c in completions), key=instant, default=None)
    prerequisites = tuple(dict.fromkeys(witness.prerequisites))
    return MetAchievement(achievement_id, completions, prerequisites, last_completed_at)


def evaluate(
    book: RuleBook, completions: Iterable[CompletedCourse], *, held: Collection[str] = ()
) -> Evaluation:
    """Return the achievements newly met by these completions, and progress toward the rest.

    Achievements in `held` are never awarded again and count as met wherever a rule names
    them. An award can unlock another in the same evaluation (bronze, then silver at once).
    """
    learner = _Learner.index(book, completions, set(held))
    awards: list[MetAchievement] = []
    progress: list[Progress] = []
    for achievement_id, node in book.order:  # prerequisites come first
        if achievement_id in learner.held:
            continue
        outcome = _decide(achievement_id, node, learner)
        if isinstance(outcome, Progress):
            progress.append(outcome)
        else:
            awards.append(_award(achievement_id, outcome))
            learner.held.add(achievement_id)
    progress.sort(key=lambda entry: book.position[entry.achievement_id])
    return Evaluation(tuple(awards), tuple(progress))


class RuleProbe:
    """Answers whether one compiled rule (any node of the book) is met by one learner.

    For explaining progress node by node with the engine's own semantics (windows, scores,
    held achievements), instead of a second, subtly different reading of the rules.
    """

    def __init__(
        self, book: RuleBook, completions: Iterable[CompletedCourse], *, held: Collection[str] = ()
    ) -> None:
        self._learner = _Learner.index(book, completions, set(held))

    def met(self, node: Node) -> bool:
        """Whether the node is met at any time (a window must hold somewhere)."""
        return _satisfy(node, _BEFORE_ALL, _AFTER_ALL, self._learner) is not None

    def completion(self, node: CourseNode) -> CompletedCourse | None:
        """The earliest completion of the course that reaches its min_score, or None."""
        witness = _course(node, _BEFORE_ALL, _AFTER_ALL, self._learner)
        return witness.completions[0] if witness is not None else None
