"""OpenID4VCI 1.0 pre-authorized code flow with `ldp_vc`, driven by a wallet built from the spec."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from tests.harness import Harness
from tests.wallet.factories import SATO, claim_links, earn_bronze
from tests.wallet.transcript import Recorder
from tests.wallet.wallet_client import DidKeyHolder, b64url, key_proof_jwt

ORIGIN = "http://localhost:8000"
GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
CONFIGURATION = "OpenBadgeCredential_ldp_vc"


def _path(url: str) -> str:
    return url.removeprefix(ORIGIN)


def _offer(client: Any, credential_offer_uri: str) -> dict[str, Any]:
    parts = urlsplit(credential_offer_uri)
    assert parts.scheme == "openid-credential-offer"
    (offer_url,) = parse_qs(parts.query)["credential_offer_uri"]
    response = client.request("GET", _path(offer_url))
    assert response.status_code == 200, response.text
    offer: dict[str, Any] = response.json()
    return offer


def _token(client: Any, code: str, **extra: str) -> Any:
    return client.request(
        "POST",
        "/oid4vci/token",
        data={"grant_type": GRANT, "pre-authorized_code": code, **extra},
    )


def _nonce(client: Any) -> str:
    response = client.request("POST", "/oid4vci/nonce")
    assert response.status_code == 200, response.text
    nonce: str = response.json()["c_nonce"]
    return nonce


def _credential_request(client: Any, access_token: str, proof: str) -> Any:
    return client.request(
        "POST",
        "/oid4vci/credential",
        json={"credential_configuration_id": CONFIGURATION, "proofs": {"jwt": [proof]}},
        headers={"Authorization": f"Bearer {access_token}"},
    )


def _access_token(client: Any, harness: Harness, email: str = SATO, **body: Any) -> str:
    links = claim_links(harness, earn_bronze(harness, email), **body)
    offer = _offer(client, links["credential_offer_uri"])
    code = offer["grants"][GRANT]["pre-authorized_code"]
    response = _token(client, code)
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def _oauth_error(response: Any, status: int, error: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"] == error
    assert response.headers["cache-control"] == "no-store"


class TestPickup:
    def test_full_flow_issues_a_credential_bound_to_the_wallet_did(self, harness: Harness) -> None:
        wallet = Recorder(harness.client)
        holder = DidKeyHolder()
        links = claim_links(harness, earn_bronze(harness))
        wallet.note(f"Credential offer given to the learner: `{links['credential_offer_uri']}`\n")
        offer = _offer(wallet, links["credential_offer_uri"])
        assert offer["credential_issuer"] == ORIGIN
        assert offer["credential_configuration_ids"] == [CONFIGURATION]
        metadata = wallet.request("GET", "/.well-known/openid-credential-issuer").json()
        assert CONFIGURATION in metadata["credential_configurations_supported"]
        server = wallet.request("GET", "/.well-known/oauth-authorization-server").json()
        assert server["issuer"] == offer["credential_issuer"]
        token = _token(wallet, offer["grants"][GRANT]["pre-authorized_code"])
        assert token.status_code == 200, token.text
        assert token.headers["cache-control"] == "no-store"
        nonce = wallet.request("POST", _path(metadata["nonce_endpoint"])).json()["c_nonce"]
        proof = key_proof_jwt(holder, audience=metadata["credential_issuer"], nonce=nonce)
        response = wallet.request(
            "POST",
            _path(metadata["credential_endpoint"]),
            json={"credential_configuration_id": CONFIGURATION, "proofs": {"jwt": [proof]}},
            headers={"Authorization": f"Bearer {token.json()['access_token']}"},
        )
        assert response.status_code == 200, response.text
        (issued,) = response.json()["credentials"]
        credential = issued["credential"]
        assert credential["credentialSubject"]["id"] == holder.did
        assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
        report = wallet.request("POST", "/verify", json=credential).json()
        assert report["verified"] is True
        wallet.write("oid4vci.md", "OpenID4VCI 1.0 pre-authorized code flow (ldp_vc)")

    def test_did_jwk_holder(self, harness: Harness) -> None:
        holder = DidKeyHolder()
        jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64url(holder.public_bytes)}
        import json

        did = "did:jwk:" + b64url(json.dumps(jwk, separators=(",", ":")).encode())
        access = _access_token(harness.client, harness)
        proof = key_proof_jwt(holder, audience=ORIGIN, nonce=_nonce(harness.client), kid=f"{did}#0")
        response = _credential_request(harness.client, access, proof)
        assert response.status_code == 200, response.text
        subject = response.json()["credentials"][0]["credential"]["credentialSubject"]
        assert subject["id"] == did

    def test_transaction_code_flow(self, harness: Harness) -> None:
        links = claim_links(harness, earn_bronze(harness), tx_code=True)
        offer = _offer(harness.client, links["credential_offer_uri"])
        grant = offer["grants"][GRANT]
        assert grant["tx_code"]["length"] == 6
        assert grant["tx_code"]["input_mode"] == "numeric"
        assert _token(
            harness.client, grant["pre-authorized_code"], tx_code=links["tx_code"]
        ).json()["access_token"]


class TestTokenRefusals:
    def test_reused_pre_authorized_code(self, harness: Harness) -> None:
        wallet = Recorder(harness.client)
        offer = _offer(wallet, claim_links(harness, earn_bronze(harness))["credential_offer_uri"])
        code = offer["grants"][GRANT]["pre-authorized_code"]
        assert _token(wallet, code).status_code == 200
        _oauth_error(_token(wallet, code), 400, "invalid_grant")
        wallet.write("oid4vci-refusal-reused-code.md", "Refusal: reused pre-authorized code")

    def test_expired_pre_authorized_code(self, harness: Harness) -> None:
        offer = _offer(
            harness.client, claim_links(harness, earn_bronze(harness))["credential_offer_uri"]
        )
        app = harness.client.app
        later = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=16)
        app.state.clock = lambda: later  # type: ignore[attr-defined]
        response = _token(harness.client, offer["grants"][GRANT]["pre-authorized_code"])
        _oauth_error(response, 400, "invalid_grant")

    def test_unknown_code(self, harness: Harness) -> None:
        _oauth_error(_token(harness.client, "not-a-code"), 400, "invalid_grant")

    def test_wrong_grant_type(self, harness: Harness) -> None:
        response = harness.client.post(
            "/oid4vci/token", data={"grant_type": "authorization_code", "code": "x"}
        )
        _oauth_error(response, 400, "unsupported_grant_type")

    def test_missing_code(self, harness: Harness) -> None:
        response = harness.client.post("/oid4vci/token", data={"grant_type": GRANT})
        _oauth_error(response, 400, "invalid_request")

    def test_unknown_parameters_are_ignored(self, harness: Harness) -> None:
        offer = _offer(
            harness.client, claim_links(harness, earn_bronze(harness))["credential_offer_uri"]
        )
        code = offer["grants"][GRANT]["pre-authorized_code"]
        response = _token(harness.client, code, client_id="wallet", user_pin_required="x")
        assert response.status_code == 200, response.text

    def test_json_body_is_not_a_token_request(self, harness: Harness) -> None:
        response = harness.client.post("/oid4vci/token", json={"grant_type": GRANT})
        _oauth_error(response, 400, "unsupported_grant_type")

    @pytest.mark.parametrize(
        ("given", "error"), [(None, "invalid_request"), ("000000", "invalid_grant")]
    )
    def test_transaction_code_missing_or_wrong(
        self, harness: Harness, given: str | None, error: str
    ) -> None:
        links = claim_links(harness, earn_bronze(harness), tx_code=True)
        if given == links["tx_code"]:
            given = "111111"
        code = _offer(harness.client, links["credential_offer_uri"])["grants"][GRANT][
            "pre-authorized_code"
        ]
        extra = {} if given is None else {"tx_code": given}
        _oauth_error(_token(harness.client, code, **extra), 400, error)

    def test_wrong_transaction_code_burns_the_code(self, harness: Harness) -> None:
        links = claim_links(harness, earn_bronze(harness), tx_code=True)
        code = _offer(harness.client, links["credential_offer_uri"])["grants"][GRANT][
            "pre-authorized_code"
        ]
        wrong = "111111" if links["tx_code"] != "111111" else "222222"
        _oauth_error(_token(harness.client, code, tx_code=wrong), 400, "invalid_grant")
        response = _token(harness.client, code, tx_code=links["tx_code"])
        _oauth_error(response, 400, "invalid_grant")

    def test_unexpected_transaction_code(self, harness: Harness) -> None:
        offer = _offer(
            harness.client, claim_links(harness, earn_bronze(harness))["credential_offer_uri"]
        )
        code = offer["grants"][GRANT]["pre-authorized_code"]
        _oauth_error(_token(harness.client, code, tx_code="123456"), 400, "invalid_request")


class TestCredentialRefusals:
    def _refused(self, harness: Harness, name: str, title: str, proof_of: Any) -> Any:
        wallet = Recorder(harness.client)
        access = _access_token(wallet, harness)
        proof = proof_of(wallet)
        response = _credential_request(wallet, access, proof)
        wallet.write(name, title)
        return response

    def test_key_proof_without_nonce(self, harness: Harness) -> None:
        holder = DidKeyHolder()
        response = self._refused(
            harness,
            "oid4vci-refusal-no-nonce.md",
            "Refusal: key proof without a nonce",
            lambda _w: key_proof_jwt(holder, audience=ORIGIN, nonce=None),
        )
        _oauth_error(response, 400, "invalid_nonce")

    def test_key_proof_with_a_reused_nonce(self, harness: Harness) -> None:
        wallet = Recorder(harness.client)
        holder = DidKeyHolder()
        nonce = _nonce(wallet)
        first = _credential_request(
            wallet,
            _access_token(wallet, harness),
            key_proof_jwt(holder, audience=ORIGIN, nonce=nonce),
        )
        assert first.status_code == 200, first.text
        second = _credential_request(
            wallet,
            _access_token(wallet, harness, "suzuki.taro@example.jp"),
            key_proof_jwt(holder, audience=ORIGIN, nonce=nonce),
        )
        _oauth_error(second, 400, "invalid_nonce")
        wallet.write("oid4vci-refusal-reused-nonce.md", "Refusal: key proof with a reused nonce")

    def test_key_proof_with_an_unknown_nonce(self, harness: Harness) -> None:
        access = _access_token(harness.client, harness)
        proof = key_proof_jwt(DidKeyHolder(), audience=ORIGIN, nonce="made-up")
        _oauth_error(_credential_request(harness.client, access, proof), 400, "invalid_nonce")

    def test_key_proof_with_wrong_aud(self, harness: Harness) -> None:
        holder = DidKeyHolder()
        response = self._refused(
            harness,
            "oid4vci-refusal-wrong-aud.md",
            "Refusal: key proof with a wrong aud",
            lambda w: key_proof_jwt(holder, audience="https://other.example", nonce=_nonce(w)),
        )
        _oauth_error(response, 400, "invalid_proof")

    def test_key_proof_with_wrong_typ(self, harness: Harness) -> None:
        access = _access_token(harness.client, harness)
        proof = key_proof_jwt(
            DidKeyHolder(), audience=ORIGIN, nonce=_nonce(harness.client), typ="JWT"
        )
        _oauth_error(_credential_request(harness.client, access, proof), 400, "invalid_proof")

    def test_key_proof_signed_by_another_key(self, harness: Harness) -> None:
        holder, thief = DidKeyHolder(), DidKeyHolder()
        access = _access_token(harness.client, harness)
        proof = key_proof_jwt(
            thief, audience=ORIGIN, nonce=_nonce(harness.client), kid=holder.verification_method
        )
        _oauth_error(_credential_request(harness.client, access, proof), 400, "invalid_proof")

    def test_stale_key_proof(self, harness: Harness) -> None:
        access = _access_token(harness.client, harness)
        proof = key_proof_jwt(
            DidKeyHolder(),
            audience=ORIGIN,
            nonce=_nonce(harness.client),
            issued_at=datetime.now(UTC) - timedelta(hours=1),
        )
        _oauth_error(_credential_request(harness.client, access, proof), 400, "invalid_proof")

    def test_access_token_is_single_use(self, harness: Harness) -> None:
        holder = DidKeyHolder()
        access = _access_token(harness.client, harness)
        for status, error in [(200, None), (401, "invalid_token")]:
            proof = key_proof_jwt(holder, audience=ORIGIN, nonce=_nonce(harness.client))
            response = _credential_request(harness.client, access, proof)
            if error is None:
                assert response.status_code == status, response.text
            else:
                _oauth_error(response, status, error)
                assert "invalid_token" in response.headers["www-authenticate"]

    def test_without_access_token(self, client: TestClient) -> None:
        response = client.post("/oid4vci/credential", json={})
        _oauth_error(response, 401, "invalid_token")

    def test_not_json(self, harness: Harness) -> None:
        access = _access_token(harness.client, harness)
        response = harness.client.post(
            "/oid4vci/credential",
            content=b"{not json",
            headers={"Authorization": f"Bearer {access}", "content-type": "application/json"},
        )
        _oauth_error(response, 400, "invalid_credential_request")

    def test_unknown_configuration(self, harness: Harness) -> None:
        access = _access_token(harness.client, harness)
        response = harness.client.post(
            "/oid4vci/credential",
            json={"credential_configuration_id": "Other", "proofs": {"jwt": ["x"]}},
            headers={"Authorization": f"Bearer {access}"},
        )
        _oauth_error(response, 400, "unknown_credential_configuration")

    def test_revoked_before_pickup(self, harness: Harness) -> None:
        credential = earn_bronze(harness)
        links = claim_links(harness, credential)
        code = _offer(harness.client, links["credential_offer_uri"])["grants"][GRANT][
            "pre-authorized_code"
        ]
        access = _token(harness.client, code).json()["access_token"]
        harness.client.post(
            f"/v1/admin/credentials/{credential}/revoke",
            json={"reason": "issued in error"},
            headers=harness.admin,
        )
        proof = key_proof_jwt(DidKeyHolder(), audience=ORIGIN, nonce=_nonce(harness.client))
        response = _credential_request(harness.client, access, proof)
        _oauth_error(response, 400, "invalid_credential_request")


class TestMetadata:
    def test_issuer_metadata(self, client: TestClient) -> None:
        metadata = client.get("/.well-known/openid-credential-issuer").json()
        configuration = metadata["credential_configurations_supported"][CONFIGURATION]
        assert configuration["format"] == "ldp_vc"
        assert configuration["credential_definition"]["type"] == [
            "VerifiableCredential",
            "OpenBadgeCredential",
        ]
        assert configuration["cryptographic_binding_methods_supported"] == ["did:key", "did:jwk"]
        assert (
            "EdDSA"
            in configuration["proof_types_supported"]["jwt"]["proof_signing_alg_values_supported"]
        )
        locales = {d["locale"] for d in configuration["credential_metadata"]["display"]}
        assert locales == {"ja", "en"}
        logo = configuration["credential_metadata"]["display"][0]["logo"]["uri"]
        assert client.get(_path(logo)).headers["content-type"] == "image/svg+xml"

    def test_authorization_server_metadata(self, client: TestClient) -> None:
        metadata = client.get("/.well-known/oauth-authorization-server").json()
        assert metadata["token_endpoint"] == f"{ORIGIN}/oid4vci/token"
        assert metadata["pre-authorized_grant_anonymous_access_supported"] is True

    @pytest.mark.parametrize(
        "path",
        [
            "/.well-known/openid-credential-issuer/other",
            "/.well-known/oauth-authorization-server/issuers/x",
            "/.well-known/openid-configuration",
            "/.well-known/unknown",
        ],
    )
    def test_unknown_well_known_paths_are_404(self, client: TestClient, path: str) -> None:
        assert client.get(path).status_code == 404

    def test_offer_of_an_altered_link_is_404(self, harness: Harness) -> None:
        links = claim_links(harness, earn_bronze(harness))
        (url,) = parse_qs(urlsplit(links["credential_offer_uri"]).query)["credential_offer_uri"]
        response = harness.client.get(_path(url)[:-2] + "xx")
        assert response.status_code == 404
