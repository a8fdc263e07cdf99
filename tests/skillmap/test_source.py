"""Reading skill map files: YAML or JSON, and the caps that keep hostile input cheap."""

from __future__ import annotations

import json

import pytest
import yaml

from badge_issuer.skillmap.source import DEFAULT_MAX_BYTES, SourceError, parse_source
from badge_issuer.skillmap.validation import load_skill_map
from tests.skillmap.factories import document

VALID_YAML = yaml.safe_dump(document(), allow_unicode=True)


def _root_error(source: bytes | str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    check = load_skill_map(source, max_bytes=max_bytes)
    assert len(check.errors) == 1, check.errors
    assert check.errors[0].path == ""
    return check.errors[0].message


class TestParseSource:
    def test_yaml_is_read(self) -> None:
        assert parse_source(VALID_YAML) == document()

    def test_json_is_read(self) -> None:
        assert parse_source(json.dumps(document()).encode()) == document()

    def test_json_can_be_forced(self) -> None:
        assert parse_source(" \n" + json.dumps(document()), fmt="json") == document()

    def test_utf8_byte_order_mark_is_accepted(self) -> None:
        assert parse_source(b"\xef\xbb\xbf" + VALID_YAML.encode()) == document()

    def test_anchors_and_aliases_within_the_caps_are_fine(self) -> None:
        text = "a: &x {k: [1, 2]}\nb: *x\n"
        assert parse_source(text) == {"a": {"k": [1, 2]}, "b": {"k": [1, 2]}}

    def test_python_tags_are_refused(self) -> None:
        with pytest.raises(SourceError, match="invalid YAML"):
            parse_source("a: !!python/object/apply:os.system ['true']\n")


class TestHostileSources:
    def test_too_large(self) -> None:
        assert _root_error(b"a: 1\n" * 10, max_bytes=20) == "document is 50 bytes; the limit is 20"

    def test_not_utf8(self) -> None:
        assert _root_error(b"name: \xff\xfe").startswith("document is not UTF-8")

    def test_yaml_syntax_error(self) -> None:
        assert _root_error("courses: [unclosed\n").startswith("invalid YAML")

    def test_json_syntax_error_names_line_and_column(self) -> None:
        message = _root_error('{"courses": [\n  1,\n]}')
        assert message.startswith("invalid JSON")
        assert "line 3 column 1" in message

    def test_duplicate_yaml_key(self) -> None:
        assert "duplicate key 'skills'" in _root_error("skills: []\nskills: []\n")

    def test_duplicate_json_key(self) -> None:
        assert "duplicate key 'skills'" in _root_error('{"skills": [], "skills": []}')

    def test_root_that_is_a_list(self) -> None:
        assert _root_error("- a\n- b\n") == "the document root must be a mapping, not list"

    def test_empty_document(self) -> None:
        assert _root_error("") == "the document root must be a mapping, not empty"

    def test_alias_bomb_is_refused_quickly(self) -> None:
        lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
        for level in range(1, 10):
            refs = ", ".join([f"*a{level - 1}"] * 10)
            lines.append(f"a{level}: &a{level} [{refs}]")
        message = _root_error("\n".join(lines))
        assert message.startswith("document expands to more than")

    def test_recursive_alias_is_refused(self) -> None:
        assert "recursive node" in _root_error("a: &loop [*loop]\n")

    def test_deep_nesting_is_refused(self) -> None:
        message = _root_error("a: " + "[" * 100 + "]" * 100 + "\n")
        assert message == "document is nested deeper than 48 levels"

    def test_very_deep_json_is_refused_without_crashing(self) -> None:
        message = _root_error('{"a": ' + "[" * 50_000 + "]" * 50_000 + "}")
        assert message in {
            "document is nested too deeply",
            "document is nested deeper than 48 levels",
        }
