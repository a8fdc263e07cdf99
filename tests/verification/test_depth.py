"""The JSON check's nesting depth: the level-by-level walk equals the plain recursive definition."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from badge_issuer.verification.checks_document import MAX_DEPTH, _depth, json_check

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=3),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=2), inner, max_size=4)
    ),
    max_leaves=40,
)


def _reference(value: Any) -> int:
    """A scalar or an empty container is 1; a container with members is 1 + its deepest member."""
    if isinstance(value, Mapping):
        members = list(value.values())
    elif isinstance(value, list):
        members = value
    else:
        return 1
    return 1 + max(map(_reference, members)) if members else 1


class TestDepth:
    @settings(max_examples=300, deadline=None)
    @given(_json)
    def test_equals_the_recursive_definition(self, value: Any) -> None:
        assert _depth(value) == _reference(value)

    def test_any_mapping_counts_as_an_object(self) -> None:
        value = OrderedDict(a=OrderedDict(b=[OrderedDict(c=1)]))
        assert _depth(value) == _reference(value) == 5

    def test_scalars_and_empty_containers_are_one_level(self) -> None:
        assert [_depth(v) for v in ("x", 1, 1.5, True, None, [], {})] == [1] * 7
        assert _depth({"a": {}}) == 2
        assert _depth([[[]]]) == 3

    def test_a_credential_nested_past_the_limit_fails_the_json_check(self) -> None:
        deep: Any = "leaf"
        for _ in range(MAX_DEPTH):
            deep = {"nested": deep}
        assert json_check(deep).status == "failed"
        assert json_check(deep["nested"]).status == "passed"
