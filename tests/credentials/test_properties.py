"""Property-based: random credentials sign and verify; any single-field change breaks the proof."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from badge_issuer.credentials.proofs.data_integrity import (
    sign_credential,
    verify_credential_proof,
)
from tests.credentials.factories import SIGNED_AT, make_credential, make_signer, resolver_for
from tests.credentials.strategies import credentials

SIGNER = make_signer()
RESOLVE = resolver_for(SIGNER)
SIGNED = sign_credential(make_credential(), SIGNER, SIGNED_AT)

Path = tuple[str | int, ...]


def _field_paths(value: Any, path: Path = ()) -> Iterator[Path]:
    """Yield the path of every object member and array item, at any depth."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*path, key)
            yield from _field_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*path, index)
            yield from _field_paths(item, (*path, index))


FIELD_PATHS = sorted(_field_paths(SIGNED), key=str)


def _changed(value: Any, suffix: str) -> Any:
    """Return a different value of the same JSON kind."""
    if isinstance(value, str):
        return value + suffix
    if isinstance(value, bool):
        return not value
    if isinstance(value, list):
        return value[:-1] if len(value) > 1 else [*value, suffix]
    if isinstance(value, dict):
        return {**value, "name": suffix}
    return suffix


def _mutate(document: dict[str, Any], path: Path, operation: str, suffix: str) -> None:
    """Replace or delete the field at `path` in place."""
    parent: Any = document
    for step in path[:-1]:
        parent = parent[step]
    if operation == "delete":
        del parent[path[-1]]
    else:
        parent[path[-1]] = _changed(parent[path[-1]], suffix)


class TestSignAndVerifyProperties:
    @settings(max_examples=30, deadline=None, derandomize=True)
    @given(credentials())
    def test_random_credentials_sign_and_verify(self, document: dict[str, Any]) -> None:
        signed = sign_credential(document, SIGNER, SIGNED_AT)
        result = verify_credential_proof(signed, RESOLVE)
        assert result.verified, result.problems

    @settings(max_examples=60, deadline=None, derandomize=True)
    @given(
        path=st.sampled_from(FIELD_PATHS),
        operation=st.sampled_from(["replace", "delete"]),
        suffix=st.text(min_size=1, max_size=3),
    )
    def test_any_single_field_mutation_fails_verification(
        self, path: Path, operation: str, suffix: str
    ) -> None:
        tampered = copy.deepcopy(SIGNED)
        _mutate(tampered, path, operation, suffix)
        assert not verify_credential_proof(tampered, RESOLVE).verified

    @settings(max_examples=20, deadline=None, derandomize=True)
    @given(credentials(), st.data())
    def test_mutating_any_string_of_a_random_credential_fails(
        self, document: dict[str, Any], data: st.DataObject
    ) -> None:
        signed = sign_credential(document, SIGNER, SIGNED_AT)
        strings = [path for path in _field_paths(signed) if isinstance(_at(signed, path), str)]
        path = data.draw(st.sampled_from(strings))
        _mutate(signed, path, "replace", data.draw(st.text(min_size=1, max_size=2)))
        assert not verify_credential_proof(signed, RESOLVE).verified


def _at(document: Any, path: Path) -> Any:
    for step in path:
        document = document[step]
    return document
