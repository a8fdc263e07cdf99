"""Verifying against a status list with no stored signed copy reads the entry's own bits only.

Such a list is rebuilt from its revoked entries. Walking every entry of the list (up to 131,072
awards) on each verification grew with the list; the verifier asks about the indexes the
credential names, each an index lookup.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text, update
from sqlalchemy.orm import Session

from badge_issuer.awards.models import Award
from badge_issuer.config import Settings
from badge_issuer.issuers import repository as issuer_repository
from badge_issuer.kit.clock import utc_now
from badge_issuer.status.encoding import bit_is_set, decode_list, encode_list
from badge_issuer.status.models import StatusList
from badge_issuer.verification import repository
from badge_issuer.verification.checks_keys import KeyCache
from badge_issuer.verification.checks_status import (
    STATUS_RETRIEVAL_ERROR,
    revocation_check,
    status_indexes,
)
from badge_issuer.verification.ports import ResolvedStatusList
from badge_issuer.verification.resolver import ServiceResolver
from badge_issuer.verification.service import prefetched_resolver
from tests.verification.factories import db, make_issuer, store_award, stored_document
from tests.verification.resolvers import DictResolver


def _issue(app: FastAPI, settings: Settings, count: int) -> list[tuple[str, dict[str, Any]]]:
    """Store `count` credentials of one issuer (one status list); return (uuid, document)."""
    with db(app) as session:
        issuer = issuer_repository.get_by_slug(session, "kushiro") or make_issuer(
            session, slug="kushiro", now=utc_now(), settings=settings
        )
        awards = [
            store_award(session, issuer=issuer, settings=settings, now=utc_now())
            for _ in range(count)
        ]
        return [(award.uuid, stored_document(award)) for award in awards]


def _revoke_unsigned(app: FastAPI, uuids: list[str]) -> None:
    """Mark awards revoked and drop every stored signed list: the lists are rebuilt on read."""
    with db(app) as session:
        session.execute(update(Award).where(Award.uuid.in_(uuids)).values(revoked_at=utc_now()))
        session.execute(update(StatusList).values(signed_document=None))


def _entry(document: dict[str, Any]) -> tuple[str, int]:
    status = document["credentialStatus"]
    return status["statusListCredential"], int(status["statusListIndex"])


def _revocation(client: TestClient, document: dict[str, Any]) -> str:
    answer = client.post("/verify", json=document)
    assert answer.status_code == 200, answer.text
    checks = {check["check"]: check["status"] for check in answer.json()["checks"]}
    return str(checks["revocation"])


@pytest.mark.usefixtures("client")  # the app's lifespan: a migrated database
class TestUnsignedList:
    def test_a_credential_beside_revoked_ones_is_not_revoked(
        self, app: FastAPI, client: TestClient, settings: Settings
    ) -> None:
        issued = _issue(app, settings, 4)
        _revoke_unsigned(app, [issued[0][0], issued[2][0]])
        assert [_revocation(client, document) for _, document in issued] == [
            "failed",
            "passed",
            "failed",
            "passed",
        ]

    def test_the_pre_fetch_reads_the_credentials_own_index_only(
        self, app: FastAPI, settings: Settings
    ) -> None:
        (revoked_uuid, revoked), (_, kept) = _issue(app, settings, 2)
        _revoke_unsigned(app, [revoked_uuid])
        url, index = _entry(kept)
        with db(app) as session:
            resolver = prefetched_resolver(_resolver(session, settings), [kept])
            resolved = resolver.resolve_status_list(url)
            whole = _resolver(session, settings).resolve_status_list(url)
        assert resolved.covers == frozenset({index})
        # The revoked neighbour's bit was not read; the whole list has it.
        assert _bit(resolved, _entry(revoked)[1]) is False
        assert whole.covers is None
        assert _bit(whole, _entry(revoked)[1]) is True

    def test_revoked_among_answers_only_the_asked_indexes(
        self, app: FastAPI, settings: Settings
    ) -> None:
        issued = _issue(app, settings, 3)
        _revoke_unsigned(app, [issued[0][0], issued[1][0]])
        indexes = [_entry(document)[1] for _, document in issued]
        with db(app) as session:
            list_id = _list_id(session, _entry(issued[0][1])[0])
            assert list(repository.revoked_among(session, list_id=list_id, indexes=[])) == []
            assert sorted(
                repository.revoked_among(session, list_id=list_id, indexes=indexes[1:])
            ) == [indexes[1]]
            assert sorted(repository.revoked_indexes(session, list_id=list_id)) == sorted(
                indexes[:2]
            )

    def test_the_read_is_an_index_lookup_on_list_and_index(
        self, app: FastAPI, settings: Settings
    ) -> None:
        issued = _issue(app, settings, 1)
        with db(app) as session:
            list_id = _list_id(session, _entry(issued[0][1])[0])
            plan = _plan(session, list_id, _entry(issued[0][1])[1])
            # Both halves (awards, endorsements) look up (status_list_id, status_index): the work
            # does not grow with the list's entries.
            sqlite = session.get_bind().dialect.name == "sqlite"
        if sqlite:
            lookups = [line for line in plan if "status_list_id=? AND status_index=?" in line]
        else:
            lookups = [line for line in plan if "Index Cond" in line and "status_index" in line]
        assert len(lookups) == 2, plan


class TestCoverage:
    def test_an_index_the_list_was_not_read_at_fails_revocation(self) -> None:
        url = "https://issuer.example/status-lists/1"
        document = {
            "issuer": "did:web:issuer.example",
            "credentialStatus": {
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": "7",
                "statusListCredential": url,
            },
        }
        resolver = _PartialResolver(url, covers=frozenset({8}))
        check = revocation_check(
            document, issuer="did:web:issuer.example", keys=KeyCache(resolver), now=utc_now()
        )
        assert (check.status, check.problem_type) == ("failed", STATUS_RETRIEVAL_ERROR)

    def test_status_indexes_groups_well_formed_entries_by_list(self) -> None:
        entry = {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}
        document = {
            "credentialStatus": [
                {**entry, "statusListIndex": "3", "statusListCredential": "https://a/1"},
                {**entry, "statusListIndex": "9", "statusListCredential": "https://a/1"},
                {**entry, "statusListIndex": "x", "statusListCredential": "https://a/2"},
                {**entry, "statusListIndex": "4", "statusListCredential": "https://a/3"},
            ]
        }
        assert status_indexes(document) == {
            "https://a/1": frozenset({3, 9}),
            "https://a/3": frozenset({4}),
        }


class _PartialResolver(DictResolver):
    def __init__(self, url: str, *, covers: frozenset[int]) -> None:
        super().__init__()
        self._list = ResolvedStatusList(
            url=url,
            document=_list_document(url),
            trusted=True,
            covers=covers,
        )

    def resolve_status_list(self, url: str) -> ResolvedStatusList:
        return self._list


def _list_document(url: str) -> dict[str, Any]:
    now = utc_now()
    return {
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": "did:web:issuer.example",
        "validFrom": (now - timedelta(days=1)).isoformat(),
        "credentialSubject": {
            "id": url + "#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_list(bytes(16384)),
        },
    }


def _resolver(session: Session, settings: Settings) -> ServiceResolver:
    return ServiceResolver(session, settings=settings, now=utc_now())


def _bit(resolved: ResolvedStatusList, index: int) -> bool:
    encoded = resolved.document["credentialSubject"]["encodedList"]
    return bit_is_set(decode_list(encoded), index)


def _list_id(session: Session, url: str) -> int:
    row = repository.status_list(session, public_id=url.rsplit("/", 1)[1])
    assert row is not None
    return row.id


def _plan(session: Session, list_id: int, index: int) -> list[str]:
    """The database's plan for the bounded read, one line per row of EXPLAIN."""
    bound = repository._REVOKED_AT.params(list_id=list_id, index=index)
    sql = str(
        bound.compile(
            bind=session.get_bind(),
            compile_kwargs={"literal_binds": True, "render_postcompile": True},
        )
    )
    if session.get_bind().dialect.name == "sqlite":
        return [str(row[-1]) for row in session.execute(text("EXPLAIN QUERY PLAN " + sql))]
    # Tiny test tables are scanned whole by choice; forbid that to see the index the read uses.
    session.execute(text("SET LOCAL enable_seqscan = off"))
    return [str(row[0]) for row in session.execute(text("EXPLAIN " + sql))]
