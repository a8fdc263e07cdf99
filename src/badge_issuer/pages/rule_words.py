"""An achievement's rule in words, e.g. 「次の3講座のうち2講座を修了」 (pure).

The rule becomes a tree of lines: a group rule is a line with its parts below it. The caller
passes the language's gettext functions, so every sentence comes from the message catalogues.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from badge_issuer.skillmap import document as skillmap

Gettext = Callable[[str], str]
Ngettext = Callable[[str, str, int], str]


@dataclass(frozen=True)
class RuleLine:
    """One sentence of the rule and, for a group, its parts; `href` links a badge it needs."""

    text: str
    children: tuple[RuleLine, ...] = ()
    href: str | None = None


@dataclass(frozen=True)
class RuleWords:
    """Everything needed to put a rule into words in one language."""

    skill_map: skillmap.SkillMap
    provider_names: Mapping[str, str]
    gettext: Gettext
    ngettext: Ngettext


def describe_rule(rule: skillmap.Rule, words: RuleWords) -> RuleLine:
    """Describe a rule and its parts, in the language of `words`."""
    line = _line(rule, words)
    if rule.within_days is None:
        return line
    within = words.ngettext(
        "%(rule)s, within %(days)d day", "%(rule)s, within %(days)d days", rule.within_days
    ) % {"rule": line.text, "days": rule.within_days}
    return RuleLine(within, line.children, line.href)


def _line(rule: skillmap.Rule, words: RuleWords) -> RuleLine:
    _ = words.gettext
    if isinstance(rule, skillmap.CourseRule):
        return RuleLine(_course_sentence(rule, words))
    if isinstance(rule, skillmap.AchievementRule):
        names = {achievement.id: achievement.name for achievement in words.skill_map.achievements}
        text = _("Hold the badge “%(name)s”") % {
            "name": names.get(rule.achievement, rule.achievement)
        }
        return RuleLine(text, href=f"/achievements/{rule.achievement}")
    children = tuple(describe_rule(child, words) for child in skillmap.rule_children(rule))
    if isinstance(rule, skillmap.AllOfRule):
        return RuleLine(_("All of the following"), children)
    if isinstance(rule, skillmap.AnyOfRule):
        return RuleLine(_("One of the following"), children)
    if not isinstance(rule, skillmap.NOfRule):
        raise TypeError(f"not a skill-map rule: {type(rule).__name__}")
    total = len(rule.of)
    if all(
        isinstance(child, skillmap.CourseRule) and child.within_days is None for child in rule.of
    ):
        text = words.ngettext(
            "Complete %(n)d of the %(total)d courses below",
            "Complete %(n)d of the %(total)d courses below",
            rule.n_of,
        ) % {"n": rule.n_of, "total": total}
    else:
        text = words.ngettext(
            "At least %(n)d of the following %(total)d",
            "At least %(n)d of the following %(total)d",
            rule.n_of,
        ) % {"n": rule.n_of, "total": total}
    return RuleLine(text, children)


def _course_sentence(rule: skillmap.CourseRule, words: RuleWords) -> str:
    _ = words.gettext
    names = {course.key: course.name for course in words.skill_map.courses}
    values = {
        "course": names.get(rule.course.key, rule.course.course_id),
        "provider": words.provider_names.get(rule.course.provider, rule.course.provider),
    }
    if rule.course.min_score is None:
        return _("Complete “%(course)s” (%(provider)s)") % values
    values["score"] = f"{rule.course.min_score:g}"
    return _("Complete “%(course)s” (%(provider)s) with a score of %(score)s or more") % values
