"""Property tests: any change to a signed credential or presentation is caught, never a crash.

Starting from a valid credential (and a valid presentation carrying one), hypothesis changes
one thing anywhere in the document, proofs included: a value replaced by a different JSON
value, a member or array item deleted, or a member added (with a value JSON-LD keeps: a member
whose value is null or an empty array is dropped by JSON-LD processing, so it adds nothing to
the signed graph). Every such document is a change of what was signed, so:
- the engine never raises and never reports `verified: true`;
- over HTTP, `POST /verify`, `POST /credentials/verify` and `POST /presentations/verify`
  never answer 5xx and never `verified: true`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from badge_issuer.credentials.proofs.data_integrity import sign_presentation
from badge_issuer.verification.ports import DidKeyResolver
from badge_issuer.verification.presentation import verify_presentation
from badge_issuer.verification.verify import verify_credential
from tests.verification.factories import did_key_credential, did_key_signer

NOW = datetime.now(UTC)
CHALLENGE = "mutation-challenge"
DOMAIN = "https://badges.example.jp"
CREDENTIAL = did_key_credential(did_key_signer(), now=NOW)
HOLDER = did_key_signer(bytes([5]) * 32)
PRESENTATION = sign_presentation(
    {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": HOLDER.verification_method.partition("#")[0],
        "verifiableCredential": [CREDENTIAL],
    },
    HOLDER,
    NOW,
    challenge=CHALLENGE,
    domain=DOMAIN,
)
Path = tuple[str | int, ...]

_scalars = st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.text(max_size=12)
_values = st.recursive(
    _scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)


def _jsonld_empty(value: Any) -> bool:
    """Null and (nested) empty arrays: JSON-LD drops them, so adding one changes no signed data."""
    return value is None or (isinstance(value, list) and all(map(_jsonld_empty, value)))


_new_keys = st.sampled_from(["name", "description", "id", "type", "x", "narrative", "@id"])


def _paths(value: Any, path: Path = ()) -> Iterator[Path]:
    """Every path to a member or item of the document (the root excluded)."""
    if not isinstance(value, dict | list):
        return
    children: Any = value.items() if isinstance(value, dict) else enumerate(value)
    for key, child in children:
        yield (*path, key)
        yield from _paths(child, (*path, key))


def _objects(value: Any, path: Path = ()) -> Iterator[Path]:
    if isinstance(value, dict):
        yield path
    if isinstance(value, dict | list):
        children: Any = value.items() if isinstance(value, dict) else enumerate(value)
        for key, child in children:
            yield from _objects(child, (*path, key))


def _get(document: Any, path: Path) -> Any:
    for step in path:
        document = document[step]
    return document


def _parent(document: Any, path: Path) -> Any:
    return _get(document, path[:-1])


@st.composite
def mutated(draw: st.DrawFn, original: dict[str, Any]) -> dict[str, Any]:
    """The document with exactly one change that alters what was signed."""
    document = copy.deepcopy(original)
    kind = draw(st.sampled_from(["replace", "delete", "add"]))
    if kind == "add":
        at = draw(st.sampled_from(sorted(_objects(document), key=repr)))
        target = _get(document, at)
        key = draw(_new_keys.filter(lambda name: name not in target))
        target[key] = draw(_values.filter(lambda new: not _jsonld_empty(new)))
        return document
    path = draw(st.sampled_from(sorted(_paths(document), key=repr)))
    parent = _parent(document, path)
    if kind == "delete":
        del parent[path[-1]]
        return document
    old = parent[path[-1]]
    parent[path[-1]] = draw(_values.filter(lambda new: new != old or type(new) is not type(old)))
    return document


class TestEngine:
    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(mutated(CREDENTIAL))
    def test_a_changed_credential_never_verifies(self, document: dict[str, Any]) -> None:
        report = verify_credential(document, now=NOW, resolver=DidKeyResolver())
        assert not report.verified

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(mutated(PRESENTATION))
    def test_a_changed_presentation_never_authenticates(self, document: dict[str, Any]) -> None:
        report = verify_presentation(
            document, challenge=CHALLENGE, domain=DOMAIN, now=NOW, resolver=DidKeyResolver()
        )
        assert not report.verified
        assert report.holder is None

    def test_the_originals_verify(self) -> None:
        assert verify_credential(CREDENTIAL, now=NOW, resolver=DidKeyResolver()).verified
        report = verify_presentation(
            PRESENTATION, challenge=CHALLENGE, domain=DOMAIN, now=NOW, resolver=DidKeyResolver()
        )
        assert report.verified


HTTP = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


class TestHttp:
    @HTTP
    @given(mutated(CREDENTIAL))
    def test_verify_never_5xx_nor_verified(self, client: TestClient, document: Any) -> None:
        answer = client.post("/verify", json=document)
        assert answer.status_code < 500
        assert answer.status_code != 200 or answer.json()["verified"] is False

    @HTTP
    @given(mutated(CREDENTIAL))
    def test_credentials_verify_never_5xx_nor_verified(
        self, client: TestClient, document: Any
    ) -> None:
        answer = client.post("/credentials/verify", json={"verifiableCredential": document})
        assert answer.status_code < 500
        assert answer.status_code != 200

    @HTTP
    @given(mutated(PRESENTATION))
    def test_presentations_verify_never_5xx_nor_verified(
        self, client: TestClient, document: Any
    ) -> None:
        body = {
            "verifiablePresentation": document,
            "options": {"challenge": CHALLENGE, "domain": DOMAIN},
        }
        answer = client.post("/presentations/verify", json=body)
        assert answer.status_code < 500
        assert answer.status_code != 200
