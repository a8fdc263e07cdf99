"""The verifier never connects anywhere it should not: unlisted hosts, private or loopback IPs."""

from __future__ import annotations

import ipaddress
import socket
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from badge_issuer.config import Settings
from badge_issuer.credentials.proofs.data_integrity import sign_credential
from badge_issuer.keys.signer import InMemoryEd25519Signer
from badge_issuer.kit.clock import utc_now
from badge_issuer.main import create_app
from badge_issuer.verification.fetch import FetchPolicy, FetchRefused, fetch_json, is_public_address
from tests.verification.factories import unsigned_credential

HOST = "issuer.example.org"
DID = f"did:web:{HOST}:issuers:x"


class NetworkRecorder:
    """Stands in for DNS and TCP: records every lookup and connection attempt, completes none."""

    def __init__(self, answers: dict[str, str]) -> None:
        self.answers = answers
        self.lookups: list[str] = []
        self.connects: list[Any] = []

    def getaddrinfo(self, host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        self.lookups.append(host)
        address = self.answers.get(host) or _literal(host)
        if address is None:
            raise socket.gaierror(socket.EAI_NONAME, "unknown host (test)")
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

    def connect(self, _socket: socket.socket, address: Any) -> None:
        self.connects.append(address)
        raise ConnectionRefusedError("outbound connections are disabled in this test")


def _literal(host: str) -> str | None:
    """Return `host` if it is an IP address literal (resolving one needs no DNS)."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


@pytest.fixture
def network(monkeypatch: pytest.MonkeyPatch) -> NetworkRecorder:
    recorder = NetworkRecorder({})
    monkeypatch.setattr(socket, "getaddrinfo", recorder.getaddrinfo)

    def connect(sock: socket.socket, address: Any) -> None:
        recorder.connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect)
    return recorder


def _foreign_credential(host: str = HOST) -> dict[str, Any]:
    """A credential of a did:web issuer on another host, with its status list on that host."""
    did = f"did:web:{host}:issuers:x"
    signer = InMemoryEd25519Signer.generate(f"{did}#key-1")
    list_url = f"https://{host}/status-lists/1"
    now = utc_now()
    document = unsigned_credential(
        issuer_profile={"id": did, "type": ["Profile"], "name": "Another issuer"},
        credential_id="urn:uuid:8a1f5f8e-1d3c-4f59-9d57-0f4a4b0e1b11",
        status_entry={
            "id": f"{list_url}#7",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "7",
            "statusListCredential": list_url,
        },
        valid_from=now - timedelta(minutes=1),
    )
    return sign_credential(document, signer, now)


def _client_allowing(settings: Settings, *hosts: str) -> tuple[FastAPI, TestClient]:
    app = create_app(settings.model_copy(update={"verifier_allowed_hosts": list(hosts)}))
    return app, TestClient(app)


def _check(report: dict[str, Any], name: str) -> dict[str, Any]:
    return next(check for check in report["checks"] if check["check"] == name)


class TestNoOutboundConnection:
    def test_unlisted_host_is_neither_resolved_nor_connected(
        self, client: TestClient, network: NetworkRecorder
    ) -> None:
        report = client.post("/verify", json=_foreign_credential()).json()
        assert report["verified"] is False
        assert _check(report, "proof")["status"] == "failed"
        assert "not an allow-listed host" in _check(report, "proof")["detail"]
        assert _check(report, "revocation")["status"] == "warning"
        assert "nothing was fetched" in _check(report, "revocation")["detail"]
        assert network.lookups == []
        assert network.connects == []

    @pytest.mark.parametrize(
        "address",
        ["127.0.0.1", "10.1.2.3", "192.168.0.10", "169.254.169.254", "::1", "fd00::1", "0.0.0.0"],  # noqa: S104,
    )
    def test_allow_listed_host_resolving_to_a_private_address_is_not_connected(
        self, settings: Settings, network: NetworkRecorder, address: str
    ) -> None:
        network.answers[HOST] = address
        app, client = _client_allowing(settings, HOST)
        with client:
            report = client.post("/verify", json=_foreign_credential()).json()
        app.state.engine.dispose()
        assert network.connects == []
        assert HOST in network.lookups
        assert "private, loopback or reserved" in _check(report, "proof")["detail"]
        assert report["verified"] is False

    def test_allow_listed_loopback_literal_is_not_connected(
        self, settings: Settings, network: NetworkRecorder
    ) -> None:
        app, client = _client_allowing(settings, "127.0.0.1")
        with client:
            report = client.post("/verify", json=_foreign_credential("127.0.0.1")).json()
        app.state.engine.dispose()
        assert network.connects == []
        assert "private, loopback or reserved" in _check(report, "proof")["detail"]

    def test_allow_listed_public_host_is_connected_at_the_checked_address_only(
        self, settings: Settings, network: NetworkRecorder
    ) -> None:
        network.answers[HOST] = "93.184.216.34"
        app, client = _client_allowing(settings, HOST)
        with client:
            report = client.post("/verify", json=_foreign_credential()).json()
        app.state.engine.dispose()
        assert network.connects
        assert {address for address in network.connects} == {("93.184.216.34", 443)}
        assert "could not be fetched" in _check(report, "proof")["detail"]
        assert report["verified"] is False


class TestFetchPolicy:
    @pytest.mark.parametrize(
        "url",
        [
            f"http://{HOST}/did.json",
            f"https://user:pw@{HOST}/did.json",
            "https://other.example.org/did.json",
            "file:///etc/passwd",
        ],
    )
    def test_refuses_before_any_network_use(self, url: str, network: NetworkRecorder) -> None:
        with pytest.raises(FetchRefused, match="nothing was fetched"):
            fetch_json(url, FetchPolicy.of([HOST]))
        assert network.lookups == []
        assert network.connects == []

    @pytest.mark.parametrize(
        ("address", "public"),
        [
            ("93.184.216.34", True),
            ("2606:2800:220:1:248:1893:25c8:1946", True),
            ("127.0.0.1", False),
            ("10.0.0.1", False),
            ("172.16.5.4", False),
            ("100.64.0.1", False),
            ("169.254.169.254", False),
            ("224.0.0.1", False),
            ("240.0.0.1", False),
            ("::1", False),
            ("fe80::1", False),
            ("::ffff:127.0.0.1", False),
            ("::ffff:10.0.0.1", False),
        ],
    )
    def test_classifies_addresses(self, address: str, public: bool) -> None:
        assert is_public_address(ipaddress.ip_address(address)) is public

    def test_allow_list_is_case_insensitive_and_trimmed(self) -> None:
        assert FetchPolicy.of([" Issuer.Example.ORG ", ""]).allowed_hosts == frozenset({HOST})
