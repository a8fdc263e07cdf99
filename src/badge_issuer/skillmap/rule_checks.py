"""Parse achievement rules node by node and check them: shape, dangling references,
impossible numbers and cycles, all reported together.
"""

from __future__ import annotations

from collections.abc import Container, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter, ValidationError

from badge_issuer.skillmap.document import (
    INVALID_RULE_MESSAGE,
    AchievementRule,
    AllOfRule,
    AnyOfRule,
    CourseRule,
    NOfRule,
    Rule,
    rule_children,
    rule_tag,
)
from badge_issuer.skillmap.findings import SkillMapError
from badge_issuer.skillmap.findings import field as field_path
from badge_issuer.skillmap.findings import item as item_path
from badge_issuer.skillmap.sections import Sections, pydantic_errors

_NODE_ADAPTERS: dict[str, TypeAdapter[Any]] = {
    "rule:course": TypeAdapter(CourseRule),
    "rule:achievement": TypeAdapter(AchievementRule),
    "rule:all_of": TypeAdapter(AllOfRule),
    "rule:any_of": TypeAdapter(AnyOfRule),
    "rule:n_of": TypeAdapter(NOfRule),
}
_CHILD_LISTS = {"rule:all_of": "all_of", "rule:any_of": "any_of", "rule:n_of": "of"}

# achievement id -> [(referenced achievement id, path of the reference)]
Edges = Mapping[str, Sequence[tuple[str, str]]]


@dataclass
class RuleContext:
    """What rule checks need to know, and where they put what they find."""

    courses: Container[Hashable]
    achievements: Container[Hashable]
    errors: list[SkillMapError]
    references: list[tuple[str, str]] = field(default_factory=list)


def children_field(rule: Rule) -> str:
    """Return the name of the list that holds a group rule's sub-rules."""
    if isinstance(rule, AllOfRule):
        return "all_of"
    if isinstance(rule, AnyOfRule):
        return "any_of"
    return "of"


def walk_rule(rule: Rule, path: str) -> Iterator[tuple[str, Rule]]:
    """Yield (path, rule) for a rule and every rule nested in it, parents first."""
    yield path, rule
    list_path = field_path(path, children_field(rule))
    for index, child in enumerate(rule_children(rule)):
        yield from walk_rule(child, item_path(list_path, index))


def _has_course(rule: Rule) -> bool:
    return isinstance(rule, CourseRule) or any(_has_course(c) for c in rule_children(rule))


def _check_window_days(path: str, rule: Rule, errors: list[SkillMapError]) -> None:
    if rule.within_days is not None and rule.within_days < 1:
        errors.append(SkillMapError(field_path(path, "within_days"), "must be at least 1"))


def _check_window_effect(path: str, rule: Rule, errors: list[SkillMapError]) -> None:
    if rule.within_days is not None and rule.within_days >= 1 and not _has_course(rule):
        message = "has no effect: no course below this rule (achievements held carry no date)"
        errors.append(SkillMapError(field_path(path, "within_days"), message))


def _check_group(path: str, rule: Rule, children: list[Rule | None], ctx: RuleContext) -> None:
    list_name = children_field(rule)
    if not children:
        ctx.errors.append(SkillMapError(field_path(path, list_name), "must list at least one rule"))
    if isinstance(rule, NOfRule):
        if rule.n_of < 1:
            ctx.errors.append(SkillMapError(field_path(path, "n_of"), "must be at least 1"))
        elif children and rule.n_of > len(children):
            message = f"asks for {rule.n_of} rules but its list has {len(children)}"
            ctx.errors.append(SkillMapError(field_path(path, "n_of"), message))
    for index, child in enumerate(children):
        if child is not None and child in children[:index]:
            earlier = item_path(list_name, children.index(child))
            path_here = item_path(field_path(path, list_name), index)
            ctx.errors.append(SkillMapError(path_here, f"same rule as {earlier}"))


def _check_leaf(path: str, rule: Rule, ctx: RuleContext) -> None:
    if isinstance(rule, CourseRule):
        ref = rule.course
        if ref.min_score is not None and not 0 <= ref.min_score <= 100:
            ctx.errors.append(
                SkillMapError(field_path(path, "course.min_score"), "must be 0 to 100")
            )
        if ref.key not in ctx.courses:
            message = f"course {ref.course_id!r} of provider {ref.provider!r} is not in courses"
            ctx.errors.append(SkillMapError(field_path(path, "course.course_id"), message))
    elif isinstance(rule, AchievementRule):
        if rule.achievement in ctx.achievements:
            ctx.references.append((rule.achievement, field_path(path, "achievement")))
        else:
            message = f"unknown achievement {rule.achievement!r}"
            ctx.errors.append(SkillMapError(field_path(path, "achievement"), message))


def _validate_node(tag: str, raw: object, path: str, ctx: RuleContext) -> Rule | None:
    try:
        node: Rule = _NODE_ADAPTERS[tag].validate_python(raw)
    except ValidationError as exc:
        ctx.errors.extend(pydantic_errors(path, exc))
        return None
    return node


def _parse_group(tag: str, raw: dict[Any, Any], path: str, ctx: RuleContext) -> Rule | None:
    list_name = _CHILD_LISTS[tag]
    raw_children = raw.get(list_name)
    children: list[Rule | None] | None = None
    if isinstance(raw_children, list):
        list_path = field_path(path, list_name)
        children = [parse_rule(c, item_path(list_path, i), ctx) for i, c in enumerate(raw_children)]
        raw = {**raw, list_name: []}  # children were validated one by one above
    node = _validate_node(tag, raw, path, ctx)
    if node is None or children is None:
        return None
    _check_window_days(path, node, ctx.errors)
    _check_group(path, node, children, ctx)
    if any(child is None for child in children):
        return None
    complete: Rule = node.model_copy(update={list_name: tuple(children)})
    _check_window_effect(path, complete, ctx.errors)
    return complete


def parse_rule(raw: object, path: str, ctx: RuleContext) -> Rule | None:
    """Parse and check one rule tree; None if any node of it is malformed (errors in ctx)."""
    tag = rule_tag(raw)
    if tag is None or not isinstance(raw, dict):
        ctx.errors.append(SkillMapError(path, INVALID_RULE_MESSAGE))
        return None
    if tag in _CHILD_LISTS:
        return _parse_group(tag, raw, path, ctx)
    node = _validate_node(tag, raw, path, ctx)
    if node is not None:
        _check_window_days(path, node, ctx.errors)
        _check_window_effect(path, node, ctx.errors)
        _check_leaf(path, node, ctx)
    return node


def check_rules(sections: Sections, errors: list[SkillMapError]) -> dict[int, Rule]:
    """Parse and check every achievement's rule; return the well-formed ones by entry index."""
    ctx = RuleContext(
        courses=sections.known_ids("courses"),
        achievements=sections.known_ids("achievements"),
        errors=errors,
    )
    rules: dict[int, Rule] = {}
    edges: dict[str, list[tuple[str, str]]] = {}
    for index, raw in sections.raw_rules.items():
        ctx.references = []
        rule = parse_rule(raw, field_path(item_path("achievements", index), "rule"), ctx)
        if rule is not None:
            rules[index] = rule
        achievement_id = sections.raw_ids.get("achievements", {}).get(index)
        # A duplicate id is already an error; only the first definition joins the graph.
        if isinstance(achievement_id, str) and achievement_id not in edges:
            edges[achievement_id] = ctx.references
    check_cycles(edges, errors)
    return rules


def check_cycles(edges: Edges, errors: list[SkillMapError]) -> None:
    """Report every achievement reference that closes a cycle, naming the cycle."""
    state: dict[str, str] = {}
    for start in edges:
        if start in state:
            continue
        state[start] = "open"
        trail = [start]
        stack = [iter(edges[start])]
        while stack:
            step = next(stack[-1], None)
            if step is None:
                state[trail.pop()] = "done"
                stack.pop()
                continue
            target, path = step
            if state.get(target) == "open":
                cycle = [trail[-1], *trail[trail.index(target) :]]
                message = "achievements form a cycle: " + " -> ".join(cycle)
                errors.append(SkillMapError(path, message))
            elif target not in state:
                state[target] = "open"
                trail.append(target)
                stack.append(iter(edges.get(target, ())))
