"""A skill map compiled for evaluation: rules as small nodes, achievements in dependency order.

Compile once per skill map version and reuse it for every learner.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from badge_issuer.skillmap.document import (
    AchievementRule,
    AnyOfRule,
    CourseRule,
    NOfRule,
    Rule,
    SkillMap,
    rule_children,
)

CourseKey = tuple[str, str]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_MICROSECONDS_PER_DAY = 86_400_000_000


def instant(moment: datetime) -> int:
    """Return an aware datetime as integer microseconds since the epoch (exact, fast to compare)."""
    return (moment - _EPOCH) // _MICROSECOND


@dataclass(frozen=True, slots=True)
class CourseNode:
    key: CourseKey
    min_score: float | None
    slot: int  # one per distinct (key, min_score) in the book: evaluation caches by slot


@dataclass(frozen=True, slots=True)
class AchievementNode:
    achievement_id: str


@dataclass(frozen=True, slots=True)
class GroupNode:
    """all_of (need = all), any_of (need = 1) or n_of (need = N), with an optional window."""

    children: tuple[Node, ...]
    need: int
    window: int | None  # microseconds; None when the rule has no within_days
    course_keys: tuple[CourseKey, ...]  # every course below, for window start candidates


Node = CourseNode | AchievementNode | GroupNode


def _need(rule: Rule, children: int) -> int:
    if isinstance(rule, NOfRule):
        return rule.n_of
    return 1 if isinstance(rule, AnyOfRule) else children


def compile_rule(rule: Rule, slots: dict[tuple[CourseKey, float | None], int]) -> Node:
    """Compile a rule tree. A window on a single leaf changes nothing, so it is dropped."""
    if isinstance(rule, CourseRule):
        requirement = (rule.course.key, rule.course.min_score)
        slot = slots.setdefault(requirement, len(slots))
        return CourseNode(rule.course.key, rule.course.min_score, slot)
    if isinstance(rule, AchievementRule):
        return AchievementNode(rule.achievement)
    children = tuple(compile_rule(child, slots) for child in rule_children(rule))
    window = None if rule.within_days is None else rule.within_days * _MICROSECONDS_PER_DAY
    keys = tuple(dict.fromkeys(key for child in children for key in _keys_below(child)))
    return GroupNode(children, _need(rule, len(children)), window, keys)


def _keys_below(node: Node) -> tuple[CourseKey, ...]:
    if isinstance(node, CourseNode):
        return (node.key,)
    return node.course_keys if isinstance(node, GroupNode) else ()


def _prerequisites(node: Node) -> set[str]:
    if isinstance(node, AchievementNode):
        return {node.achievement_id}
    if isinstance(node, GroupNode):
        return set().union(*(_prerequisites(child) for child in node.children))
    return set()


@dataclass(frozen=True, slots=True)
class RuleBook:
    """Compiled rules of one skill map: `order` lists achievements after their prerequisites."""

    skill_map: SkillMap
    order: tuple[tuple[str, Node], ...]
    position: dict[str, int]  # achievement id -> index in the file, to report in file order
    course_keys: frozenset[CourseKey]  # every course some rule names
    course_slots: int  # distinct (course, min_score) requirements


def _dependency_order(rules: dict[str, Node], position: dict[str, int]) -> list[str]:
    """Topological order (Kahn), ties broken by file order so the result is deterministic."""
    needs = {aid: _prerequisites(node) & rules.keys() for aid, node in rules.items()}
    unlocks: dict[str, list[str]] = {aid: [] for aid in rules}
    for aid, prerequisites in needs.items():
        for prerequisite in prerequisites:
            unlocks[prerequisite].append(aid)
    waiting = {aid: len(prerequisites) for aid, prerequisites in needs.items()}
    ready = [(position[aid], aid) for aid, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        _, aid = heapq.heappop(ready)
        order.append(aid)
        for unlocked in unlocks[aid]:
            waiting[unlocked] -= 1
            if waiting[unlocked] == 0:
                heapq.heappush(ready, (position[unlocked], unlocked))
    if len(order) != len(rules):
        raise ValueError("achievement rules form a cycle; validate the skill map first")
    return order


def compile_rules(skill_map: SkillMap) -> RuleBook:
    """Compile a validated skill map for `rules.evaluate`."""
    position = {achievement.id: index for index, achievement in enumerate(skill_map.achievements)}
    if len(position) != len(skill_map.achievements):
        raise ValueError("achievement ids are not unique; validate the skill map first")
    slots: dict[tuple[CourseKey, float | None], int] = {}
    rules = {a.id: compile_rule(a.rule, slots) for a in skill_map.achievements}
    order = _dependency_order(rules, position)
    keys = frozenset(key for node in rules.values() for key in _keys_below(node))
    ordered = tuple((aid, rules[aid]) for aid in order)
    return RuleBook(skill_map, ordered, position, keys, len(slots))
