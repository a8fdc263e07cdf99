"""Decide whether CSS inside an SVG could fetch anything or run code, by parsing it (tinycss2).

Regular expressions over CSS text were bypassed by escapes (`fill:\\75 rl(https://…)`,
`@\\69mport`) and by functions they did not name (`image-set("https://…")`). The tokenizer
undoes escapes exactly as a browser does, so the checks below see what a browser would see:
- at-rules: only `@media` and `@keyframes` (whose contents are checked in turn);
- functions in style sheets and `style` attributes: an allow-list (colours, maths, transforms,
  gradients, filters, selector functions); `url(…)` only to a `#fragment`;
- other attributes (where CSS functions are unusual and ids may hold parentheses): `url(…)`
  only to a `#fragment`, and none of the functions that load images;
- properties that ran code in old browsers (`behavior`, `-moz-binding`) are refused.
Every check returns a reason in words, or None.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import tinycss2

_ALLOWED_AT_RULES = frozenset({"media", "keyframes", "-webkit-keyframes"})
_FORBIDDEN_PROPERTIES = frozenset({"behavior", "-moz-binding", "-ms-behavior"})
_LOADING_FUNCTIONS = frozenset(
    {
        "url",
        "src",
        "image",
        "image-set",
        "-webkit-image-set",
        "cross-fade",
        "element",
        "-moz-element",
        "paint",
        "expression",
        "local",
    }
)
_ALLOWED_FUNCTIONS = frozenset(
    {
        # colours and maths
        "rgb",
        "rgba",
        "hsl",
        "hsla",
        "hwb",
        "lab",
        "lch",
        "oklab",
        "oklch",
        "color",
        "color-mix",
        "calc",
        "min",
        "max",
        "clamp",
        "var",
        "round",
        "mod",
        "rem",
        "abs",
        # transforms and timing
        "translate",
        "translatex",
        "translatey",
        "translatez",
        "translate3d",
        "rotate",
        "rotatex",
        "rotatey",
        "rotatez",
        "rotate3d",
        "scale",
        "scalex",
        "scaley",
        "scalez",
        "scale3d",
        "skew",
        "skewx",
        "skewy",
        "matrix",
        "matrix3d",
        "perspective",
        "cubic-bezier",
        "steps",
        # gradients and filter functions (drawn, never fetched)
        "linear-gradient",
        "radial-gradient",
        "conic-gradient",
        "repeating-linear-gradient",
        "repeating-radial-gradient",
        "repeating-conic-gradient",
        "blur",
        "brightness",
        "contrast",
        "drop-shadow",
        "grayscale",
        "hue-rotate",
        "invert",
        "opacity",
        "saturate",
        "sepia",
        # selectors
        "not",
        "is",
        "where",
        "has",
        "nth-child",
        "nth-last-child",
        "nth-of-type",
        "nth-last-of-type",
        "lang",
        "dir",
    }
)


def stylesheet_problem(text: str) -> str | None:
    """Why a `<style>` element's content is unsafe, or None."""
    return _rules_problem(tinycss2.parse_stylesheet(text, skip_comments=True))


def style_attribute_problem(text: str) -> str | None:
    """Why a `style="…"` attribute is unsafe, or None."""
    return _declarations_problem(tinycss2.parse_blocks_contents(text, skip_comments=True))


def attribute_value_problem(text: str) -> str | None:
    """Why another attribute's value (e.g. `fill="url(…)"`) would load something, or None."""
    if "(" not in text and "\\" not in text:
        return None
    values = tinycss2.parse_component_value_list(text, skip_comments=True)
    return _values_problem(values, allowed=None)


def _rules_problem(rules: Iterable[Any]) -> str | None:
    for rule in rules:
        if rule.type == "error":
            return f"CSS that does not parse ({rule.message})"
        if rule.type == "at-rule":
            if rule.lower_at_keyword not in _ALLOWED_AT_RULES:
                return f"the CSS at-rule @{rule.lower_at_keyword}"
            problem = _values_problem(rule.prelude, allowed=_ALLOWED_FUNCTIONS)
            if problem is None and rule.content is not None:
                # @media holds rules; @keyframes holds `from {…}` rules: both parse as rules.
                problem = _rules_problem(tinycss2.parse_rule_list(rule.content))
            if problem:
                return problem
        elif rule.type == "qualified-rule":
            problem = _values_problem(rule.prelude, allowed=_ALLOWED_FUNCTIONS)
            problem = problem or _declarations_problem(
                tinycss2.parse_blocks_contents(rule.content, skip_comments=True)
            )
            if problem:
                return problem
    return None


def _declarations_problem(items: Iterable[Any]) -> str | None:
    for item in items:
        if item.type == "error":
            return f"CSS that does not parse ({item.message})"
        if item.type == "at-rule":
            return f"the CSS at-rule @{item.lower_at_keyword} inside declarations"
        if item.type == "qualified-rule":
            problem = _rules_problem([item])
            if problem:
                return problem
        if item.type == "declaration":
            if item.lower_name in _FORBIDDEN_PROPERTIES:
                return f"the CSS property {item.lower_name}"
            problem = _values_problem(item.value, allowed=_ALLOWED_FUNCTIONS)
            if problem:
                return problem
    return None


def _values_problem(tokens: Iterable[Any], *, allowed: frozenset[str] | None) -> str | None:
    """Walk component values; `allowed` None means only loading functions are refused."""
    stack = list(tokens)
    while stack:
        token = stack.pop()
        kind = token.type
        if kind == "url":
            if not token.value.strip().startswith("#"):
                return f"a CSS url({token.value[:80]}) outside the document"
        elif kind == "function":
            name = token.lower_name
            if name == "url":
                target = _first_string(token.arguments)
                if target is None or not target.strip().startswith("#"):
                    return f"a CSS url({(target or '')[:80]}) outside the document"
            elif name in _LOADING_FUNCTIONS or (allowed is not None and name not in allowed):
                return f"the CSS function {name}()"
            stack.extend(token.arguments)
        elif kind in ("() block", "[] block", "{} block"):
            stack.extend(token.content)
        elif kind == "at-keyword":
            return f"the CSS at-keyword @{token.lower_value}"
        elif kind == "error":
            return f"CSS that does not parse ({token.message})"
    return None


def _first_string(tokens: Iterable[Any]) -> str | None:
    for token in tokens:
        if token.type == "string":
            return str(token.value)
        if token.type not in ("whitespace", "comment"):
            return None
    return None
