"""A learner's way to each badge not yet held: the rule in words, courses done, courses missing.

Pure: a compiled rule book, the learner's completions and held achievements in; plain data out.
Met-ness of every part of a rule comes from the rules engine (`rules.RuleProbe`), so windows,
minimum scores and held prerequisites mean exactly what they mean when awarding.

`to_go` is the fewest further course completions that could meet the rule, counting the
courses of prerequisite achievements not yet held. It ranks "the nearest badges". A windowed
group whose courses are all done but too far apart counts as one course to go (one of them has
to be taken again inside the window).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from badge_issuer.skillmap.document import (
    AchievementRule,
    CourseRule,
    Rule,
    RuleKind,
    SkillMap,
    rule_children,
    rule_kind,
)
from badge_issuer.skillmap.rulebook import AchievementNode, CourseNode, GroupNode, Node, RuleBook
from badge_issuer.skillmap.rules import CompletedCourse, RuleProbe, evaluate

_FAR = 10_000  # "cannot be reached by courses alone" (e.g. a revoked prerequisite)


@dataclass(frozen=True, slots=True)
class Words:
    """One sentence in Japanese and in English."""

    ja: str
    en: str


@dataclass(frozen=True, slots=True)
class CourseStep:
    """A course of a rule; `completed_at` is set when the learner's completion counts for it."""

    provider: str
    course_id: str
    name: str
    url: str | None
    min_score: float | None
    completed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Requirement:
    """One part of a rule, explained: met or not, in words, with its sub-requirements."""

    kind: RuleKind
    met: bool
    words: Words
    need: int  # sub-requirements needed (1 for a leaf)
    within_days: int | None
    course: CourseStep | None = None
    achievement_id: str | None = None
    children: tuple[Requirement, ...] = ()


@dataclass(frozen=True, slots=True)
class AchievementProgress:
    """The way to one achievement not held: what is done and what is still missing."""

    achievement_id: str
    name: str
    met: int  # top-level requirements met (as the webhook answer's progress)
    required: int
    rule: Words  # the rule in words: "3講座のうち2講座を修了"
    status: Words  # where the learner stands: "3講座のうち1講座を修了済み（あと1講座）"
    requirement: Requirement
    done: tuple[CourseStep, ...]  # courses of this rule the learner has completed
    missing: tuple[CourseStep, ...]  # courses of unmet parts of the rule, any of which helps
    missing_achievements: tuple[str, ...]  # prerequisite achievements not held
    to_go: int  # fewest further course completions (see the module docstring)
    blocked: bool  # a prerequisite or the achievement itself was revoked: not awarded by rules


def _course_name(skill_map: SkillMap, provider: str, course_id: str) -> tuple[str, str | None]:
    course = skill_map.find_course(provider, course_id)
    return (course.name, course.url) if course else (course_id, None)


def _achievement_name(skill_map: SkillMap, achievement_id: str) -> str:
    achievement = skill_map.find_achievement(achievement_id)
    return achievement.name if achievement else achievement_id


def _score_words(min_score: float | None) -> tuple[str, str]:
    if min_score is None:
        return "", ""
    shown = f"{min_score:g}"
    return f"{shown}点以上で", f" with a score of at least {shown}"


def _group_words(rule: Rule, need: int, total: int, all_courses: bool) -> Words:
    """The rule of a group: "3講座のうち2講座を修了" / "Complete 2 of these 3 courses"."""
    if all_courses:
        if need == total:
            words = Words(f"次の{total}講座をすべて修了", f"Complete all {total} of these courses")
        else:
            words = Words(
                f"{total}講座のうち{need}講座を修了", f"Complete {need} of these {total} courses"
            )
    elif need == total:
        words = Words("次のすべてを満たす", "Meet all of the following")
    elif need == 1 and rule_kind(rule) == "any_of":
        words = Words("次のいずれかを満たす", "Meet one of the following")
    else:
        words = Words(f"次の{total}項目のうち{need}項目を満たす", f"Meet {need} of these {total}")
    return _windowed(words, rule.within_days)


def _windowed(words: Words, within_days: int | None) -> Words:
    if within_days is None:
        return words
    return Words(f"{within_days}日以内に{words.ja}", f"{words.en} within {within_days} days")


class _Explainer:
    def __init__(self, book: RuleBook, probe: RuleProbe, held: set[str], blocked: set[str]):
        self.book = book
        self.skill_map = book.skill_map
        self.probe = probe
        self.held = held
        self.blocked = blocked
        self.nodes = dict(book.order)
        self.rules = {a.id: a.rule for a in book.skill_map.achievements}
        self._to_go: dict[str, int] = {}

    def achievement_to_go(self, achievement_id: str, visiting: frozenset[str] = frozenset()) -> int:
        if achievement_id in self.held:
            return 0
        if achievement_id in self.blocked or achievement_id in visiting:
            return _FAR
        if achievement_id not in self._to_go:
            requirement = self.explain(self.rules[achievement_id], self.nodes[achievement_id])
            self._to_go[achievement_id] = self.to_go(requirement, visiting | {achievement_id})
        return self._to_go[achievement_id]

    def to_go(self, requirement: Requirement, visiting: frozenset[str]) -> int:
        if requirement.met:
            return 0
        if requirement.kind == "course":
            return 1
        if requirement.kind == "achievement" and requirement.achievement_id is not None:
            return self.achievement_to_go(requirement.achievement_id, visiting)
        costs = sorted(self.to_go(child, visiting) for child in requirement.children)
        # Every part met but the window not: one course has to be taken again.
        return min(_FAR, max(1, sum(costs[: requirement.need])))

    def explain(self, rule: Rule, node: Node) -> Requirement:
        if isinstance(rule, CourseRule) and isinstance(node, CourseNode):
            return self._course(rule, node)
        if isinstance(rule, AchievementRule) and isinstance(node, AchievementNode):
            name = _achievement_name(self.skill_map, rule.achievement)
            return Requirement(
                "achievement",
                self.probe.met(node),
                Words(f"「{name}」を保有", f"Hold “{name}”"),
                1,
                rule.within_days,
                achievement_id=rule.achievement,
            )
        if not isinstance(node, GroupNode):
            raise ValueError("the rule book was not compiled from this skill map")
        children = tuple(
            self.explain(child_rule, child_node)
            for child_rule, child_node in zip(rule_children(rule), node.children, strict=True)
        )
        kind = rule_kind(rule)
        all_courses = all(child.kind == "course" for child in children)
        return Requirement(
            kind,
            self.probe.met(node),
            _group_words(rule, node.need, len(children), all_courses),
            node.need,
            rule.within_days,
            children=children,
        )

    def _course(self, rule: CourseRule, node: CourseNode) -> Requirement:
        ref = rule.course
        name, url = _course_name(self.skill_map, ref.provider, ref.course_id)
        completion = self.probe.completion(node)
        step = CourseStep(
            ref.provider,
            ref.course_id,
            name,
            url,
            ref.min_score,
            completion.completed_at if completion else None,
        )
        score_ja, score_en = _score_words(ref.min_score)
        words = Words(f"「{name}」を{score_ja}修了", f"Complete “{name}”{score_en}")
        return Requirement(
            "course", completion is not None, words, 1, rule.within_days, course=step
        )


def _walk(requirement: Requirement) -> Iterable[Requirement]:
    yield requirement
    for child in requirement.children:
        yield from _walk(child)


def _missing(requirement: Requirement) -> Iterable[Requirement]:
    """Leaves under unmet parts; a windowed group not met lists all its courses."""
    if requirement.met:
        return
    if not requirement.children:
        yield requirement
        return
    for child in requirement.children:
        if not child.met:
            yield from _missing(child)
        elif requirement.within_days is not None:
            # Done, but outside the window that the rest must fit in: may need taking again.
            yield from (leaf for leaf in _walk(child) if leaf.kind == "course")


def _unique(steps: Iterable[CourseStep]) -> tuple[CourseStep, ...]:
    return tuple(dict.fromkeys(steps))


def _status(requirement: Requirement, met: int, required: int) -> Words:
    left = required - met
    courses = requirement.kind in {"all_of", "n_of", "any_of"} and all(
        child.kind == "course" for child in requirement.children
    )
    if courses:
        total = len(requirement.children)
        return Words(
            f"{total}講座のうち{met}講座を修了済み（あと{left}講座）",
            f"{met} of {total} courses done, {left} to go",
        )
    return Words(
        f"{required}項目のうち{met}項目を達成（あと{left}項目）",
        f"{met} of {required} requirements met, {left} to go",
    )


def learner_progress(
    book: RuleBook,
    completions: Iterable[CompletedCourse],
    *,
    held: Collection[str] = (),
    blocked: Collection[str] = (),
) -> tuple[AchievementProgress, ...]:
    """Explain the way to every achievement of the book that is neither held nor met now.

    `held`: achievements the learner holds (valid). `blocked`: achievements whose credential was
    revoked: rules never re-award them, so they and what stacks on them are marked `blocked`.
    Returned in skill map file order; sort by `to_go` for "the nearest badges".
    """
    completions = list(completions)
    held_set = set(held)
    evaluation = evaluate(book, completions, held=held_set)
    probe = RuleProbe(book, completions, held=held_set)
    explainer = _Explainer(book, probe, held_set, set(blocked))
    result: list[AchievementProgress] = []
    for entry in evaluation.progress:
        aid = entry.achievement_id
        requirement = explainer.explain(explainer.rules[aid], explainer.nodes[aid])
        leaves = list(_walk(requirement))
        missing = list(_missing(requirement))
        missing_achievements = tuple(
            dict.fromkeys(r.achievement_id for r in missing if r.achievement_id is not None)
        )
        to_go = explainer.achievement_to_go(aid)
        result.append(
            AchievementProgress(
                achievement_id=aid,
                name=_achievement_name(book.skill_map, aid),
                met=entry.met,
                required=entry.required,
                rule=requirement.words,
                status=_status(requirement, entry.met, entry.required),
                requirement=requirement,
                done=_unique(
                    r.course for r in leaves if r.course is not None and r.course.completed_at
                ),
                missing=_unique(r.course for r in missing if r.course is not None),
                missing_achievements=missing_achievements,
                to_go=to_go,
                blocked=aid in explainer.blocked or to_go >= _FAR,
            )
        )
    return tuple(result)


def nearest(
    progress: Iterable[AchievementProgress], *, limit: int = 3
) -> tuple[AchievementProgress, ...]:
    """The achievements closest to being earned (fewest courses to go; file order on ties),
    leaving out blocked ones."""
    ranked = [(p.to_go, index, p) for index, p in enumerate(progress) if not p.blocked]
    ranked.sort(key=lambda entry: (entry[0], entry[1]))
    return tuple(p for _, _, p in ranked[:limit])
