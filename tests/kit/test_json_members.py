"""The strict object hook: a JSON object may name each member once."""

from __future__ import annotations

import json

import pytest

from badge_issuer.kit.json_members import DuplicateMember, unique_members


class TestUniqueMembers:
    def test_an_object_with_distinct_members_loads_as_usual(self) -> None:
        text = '{"a": 1, "b": {"c": [1, {"d": 2}]}}'
        assert json.loads(text, object_pairs_hook=unique_members) == json.loads(text)

    @pytest.mark.parametrize(
        ("text", "name"),
        [('{"a": 1, "a": 1}', "a"), ('{"x": {"b": 1, "c": 2, "b": 3}}', "b")],
    )
    def test_a_repeated_member_is_refused_by_name(self, text: str, name: str) -> None:
        with pytest.raises(DuplicateMember) as raised:
            json.loads(text, object_pairs_hook=unique_members)
        assert raised.value.name == name
        assert str(raised.value) == name
