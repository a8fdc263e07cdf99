"""Validation of skill maps: every error kind with its exact path, all reported at once."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from badge_issuer.skillmap.findings import SkillMapError
from badge_issuer.skillmap.validation import (
    canonical_json,
    content_hash,
    load_skill_map,
    validate_skill_map,
)
from tests.shared_data import example_path
from tests.skillmap.factories import (
    Document,
    achievement_entry,
    course,
    document,
    errors_of,
    only_error,
)

A, B = course("A"), course("B")
Mutation = Callable[[Document], None]


def _set(path: list[Any], value: Any) -> Mutation:
    def mutate(doc: Document) -> None:
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


def _delete(path: list[Any]) -> Mutation:
    def mutate(doc: Document) -> None:
        target = doc
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return mutate


RULE = ["achievements", 0, "rule"]
SCHEMA_CASES = [
    ("missing field", _delete(["achievements", 0, "name"]), "achievements[0].name", "required"),
    ("missing rule", _delete(RULE), "achievements[0].rule", "required"),
    (
        "unknown field",
        _set(["achievements", 0, "colour"], "red"),
        "achievements[0].colour",
        "unknown field",
    ),
    ("unknown root field", _set(["badges"], []), "badges", "unknown field"),
    ("missing section", _delete(["skills"]), "skills", "required"),
    ("section not a list", _set(["frameworks"], {"id": "x"}), "frameworks", "must be a list"),
    ("entry not a mapping", _set(["skills", 0], "skill-a"), "skills[0]", "must be a mapping"),
    (
        "list field not a list",
        _set(["courses", 1, "skills"], "skill-a"),
        "courses[1].skills",
        "must be a list",
    ),
    ("number where text is due", _set(["courses", 0, "name"], 101), "courses[0].name", "quote it"),
    (
        "url not http",
        _set(["frameworks", 0, "url"], "ftp://fw"),
        "frameworks[0].url",
        "http(s) URL",
    ),
    (
        "id with spaces",
        _set(["achievements", 0, "id"], "my badge"),
        "achievements[0].id",
        "letters",
    ),
    (
        "issuer not a slug",
        _set(["achievements", 0, "issuer"], "Main Issuer"),
        "achievements[0].issuer",
        "slug",
    ),
    (
        "valid_for_days zero",
        _set(["achievements", 0, "valid_for_days"], 0),
        "achievements[0].valid_for_days",
        "at least 1",
    ),
    (
        "valid_for_days text",
        _set(["achievements", 0, "valid_for_days"], "30"),
        "achievements[0].valid_for_days",
        "integer",
    ),
    ("rule not a mapping", _set(RULE, "A"), "achievements[0].rule", "exactly one of"),
    (
        "rule without a kind",
        _set(RULE, {"within_days": 3}),
        "achievements[0].rule",
        "exactly one of",
    ),
    (
        "rule with two kinds",
        _set(RULE, {**A, "achievement": "x"}),
        "achievements[0].rule",
        "exactly one of",
    ),
    (
        "unknown field in a rule",
        _set(RULE, {**A, "weight": 2}),
        "achievements[0].rule.weight",
        "unknown field",
    ),
    (
        "unknown field in a course reference",
        _set(RULE, {"course": {"provider": "lms", "course_id": "A", "grade": "B"}}),
        "achievements[0].rule.course.grade",
        "unknown field",
    ),
    (
        "n_of not a number",
        _set(RULE, {"n_of": "1", "of": [A]}),
        "achievements[0].rule.n_of",
        "integer",
    ),
    (
        "within_days boolean",
        _set(RULE, {**A, "within_days": True}),
        "achievements[0].rule.within_days",
        "integer",
    ),
    (
        "group list not a list",
        _set(RULE, {"all_of": A}),
        "achievements[0].rule.all_of",
        "must be a list",
    ),
    (
        "nested course id a number",
        _set(RULE, {"all_of": [A, {"course": {"provider": "lms", "course_id": 5}}]}),
        "achievements[0].rule.all_of[1].course.course_id",
        "quote it",
    ),
]


class TestSchemaErrors:
    @pytest.mark.parametrize(
        ("mutate", "path", "fragment"),
        [pytest.param(*case[1:], id=case[0]) for case in SCHEMA_CASES],
    )
    def test_error_names_the_offending_path(
        self, mutate: Mutation, path: str, fragment: str
    ) -> None:
        doc = document()
        mutate(doc)
        error_path, message = only_error(doc)
        assert error_path == path
        assert fragment in message

    def test_root_that_is_not_a_mapping_is_an_error_at_the_root(self) -> None:
        assert only_error([document()]) == ("", "the document root must be a mapping")

    def test_version_is_optional(self) -> None:
        doc = document()
        del doc["version"]
        assert validate_skill_map(doc).ok


class TestReferenceErrors:
    def test_unknown_framework_of_a_skill(self) -> None:
        doc = document()
        doc["skills"][0]["framework"] = "nist"
        assert only_error(doc) == ("skills[0].framework", "unknown framework 'nist'")

    def test_unknown_skill_of_a_course(self) -> None:
        doc = document()
        doc["courses"][1]["skills"] = ["skill-a", "cooking"]
        assert only_error(doc) == ("courses[1].skills[1]", "unknown skill 'cooking'")

    def test_unknown_skill_of_an_achievement(self) -> None:
        doc = document()
        doc["achievements"][0]["skills"] = ["cooking"]
        assert only_error(doc) == ("achievements[0].skills[0]", "unknown skill 'cooking'")

    def test_skill_listed_twice(self) -> None:
        doc = document()
        doc["achievements"][0]["skills"] = ["skill-a", "skill-a"]
        assert only_error(doc) == ("achievements[0].skills[1]", "skill 'skill-a' is listed twice")


class TestDuplicateIds:
    @pytest.mark.parametrize(
        ("section", "path", "message"),
        [
            ("frameworks", "frameworks[1]", "duplicate framework id 'fw'"),
            ("skills", "skills[1]", "duplicate skill id 'skill-a'"),
            ("courses", "courses[5]", "duplicate course 'A' of provider 'lms'"),
            ("achievements", "achievements[1]", "duplicate achievement id 'only'"),
        ],
    )
    def test_second_entry_with_an_id_is_an_error(
        self, section: str, path: str, message: str
    ) -> None:
        doc = document()
        doc[section].append(dict(doc[section][0]))
        assert only_error(doc) == (path, f"{message} (first defined at {section}[0])")

    def test_same_course_id_at_two_providers_is_fine(self) -> None:
        doc = document()
        doc["courses"].append({**doc["courses"][0], "provider": "other-lms"})
        assert validate_skill_map(doc).ok


class TestKnownProvidersAndIssuers:
    def test_course_of_an_unknown_provider_is_an_error_when_providers_are_given(self) -> None:
        doc = document()
        doc["courses"][3]["provider"] = "elsewhere"
        errors = errors_of(doc, known_providers={"lms"})
        assert errors == [("courses[3].provider", "unknown provider 'elsewhere'")]

    def test_providers_are_not_checked_when_not_given(self) -> None:
        doc = document()
        doc["courses"][3]["provider"] = "elsewhere"
        assert errors_of(doc) == []

    def test_default_issuer_must_be_known_when_issuers_are_given(self) -> None:
        assert errors_of(document(), known_issuers={"hokkaido"}) == [
            ("achievements[0].issuer", "unknown issuer 'default'")
        ]

    def test_named_issuer_known(self) -> None:
        doc = document()
        doc["achievements"][0]["issuer"] = "hokkaido"
        assert errors_of(doc, known_issuers={"default", "hokkaido"}) == []


class TestManyErrorsAtOnce:
    def test_every_error_is_reported_in_file_order(self) -> None:
        doc = document({"a": A, "b": B})
        doc["frameworks"][0]["url"] = "fw.example.jp"
        doc["skills"][0]["framework"] = "nist"
        doc["courses"][2]["skills"] = ["nope"]
        doc["achievements"][0]["colour"] = "red"
        doc["achievements"][0]["rule"] = {
            "all_of": [
                {"course": {"provider": "lms", "course_id": "Z"}},
                {"n_of": 4, "of": [A, B]},
                {"achievement": "b"},
                "not a rule",
            ]
        }
        doc["achievements"][1]["rule"] = {"any_of": [{"achievement": "a"}], "within_days": 0}
        doc["achievements"].append(achievement_entry("a", A))
        assert [path for path, _ in errors_of(doc)] == [
            "frameworks[0].url",
            "skills[0].framework",
            "courses[2].skills[0]",
            "achievements[0].colour",
            "achievements[0].rule.all_of[0].course.course_id",
            "achievements[0].rule.all_of[1].n_of",
            "achievements[0].rule.all_of[3]",
            "achievements[1].rule.within_days",
            "achievements[1].rule.any_of[0].achievement",
            "achievements[2]",
        ]


class TestSharedExample:
    def test_shared_example_is_valid(self) -> None:
        check = load_skill_map(example_path("skill-map.yaml").read_bytes())
        assert check.errors == ()
        assert check.skill_map is not None
        assert [a.id for a in check.skill_map.achievements] == [
            "dx-literacy-bronze",
            "nocode-practitioner",
            "dx-case-silver",
            "regional-dx-leader-gold",
        ]

    def test_shared_example_with_its_providers_and_issuer(self) -> None:
        check = load_skill_map(
            example_path("skill-map.yaml").read_bytes(),
            known_providers={"manabi-portal", "kitami-it-academy", "hokudai-mooc"},
            known_issuers={"default"},
        )
        assert check.ok


class TestContentHash:
    def test_yaml_and_json_of_the_same_map_hash_equal(self) -> None:
        doc = document({"pair": {"all_of": [A, course("B", min_score=80)]}})
        from_yaml = load_skill_map(yaml.safe_dump(doc, allow_unicode=True))
        from_json = load_skill_map(json.dumps(doc))
        assert from_yaml.content_hash is not None
        assert from_yaml.content_hash == from_json.content_hash

    def test_spelling_out_defaults_does_not_change_the_hash(self) -> None:
        implicit, explicit = document(), document()
        explicit["achievements"][0]["issuer"] = "default"
        explicit["achievements"][0]["rule"] = {
            "course": {"provider": "lms", "course_id": "A", "min_score": None}
        }
        assert (
            validate_skill_map(implicit).content_hash == validate_skill_map(explicit).content_hash
        )

    def test_any_change_changes_the_hash(self) -> None:
        changed = document()
        changed["courses"][0]["name"] = "Course A, revised"
        assert (
            validate_skill_map(document()).content_hash != validate_skill_map(changed).content_hash
        )

    def test_canonical_json_round_trips_to_the_same_map_and_hash(self) -> None:
        check = load_skill_map(example_path("skill-map.yaml").read_bytes())
        assert check.skill_map is not None
        again = validate_skill_map(json.loads(canonical_json(check.skill_map)))
        assert again.skill_map == check.skill_map
        assert again.content_hash == content_hash(check.skill_map) == check.content_hash

    def test_invalid_map_has_no_hash(self) -> None:
        doc = document()
        del doc["courses"]
        check = validate_skill_map(doc)
        assert check.content_hash is None
        assert check.skill_map is None


class TestSkillMapError:
    def test_str_shows_path_then_message(self) -> None:
        assert (
            str(SkillMapError("skills[0].framework", "unknown")) == "skills[0].framework: unknown"
        )

    def test_str_of_a_root_error_is_the_message(self) -> None:
        assert str(SkillMapError("", "document is not UTF-8")) == "document is not UTF-8"
