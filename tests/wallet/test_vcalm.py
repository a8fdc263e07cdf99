"""Wallet pickup by VCALM exchanges (as the DCC Learner Credential Wallet speaks them) and by
LCW's request link, driven by a wallet written from the specifications."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.harness import Harness
from tests.wallet.factories import claim_links, earn_bronze
from tests.wallet.transcript import Recorder
from tests.wallet.wallet_client import DidKeyHolder, did_auth_presentation, sign_presentation

ORIGIN = "http://localhost:8000"
JSON = {"Accept": "application/json"}


def _path(url: str) -> str:
    return url.removeprefix(ORIGIN)


def _protocols(client: Any, harness: Harness, credential: str | None = None) -> dict[str, str]:
    links = claim_links(harness, credential or earn_bronze(harness))
    response = client.request("GET", _path(links["interaction_url"]), headers=JSON)
    assert response.status_code == 200, response.text
    protocols: dict[str, str] = response.json()["protocols"]
    return protocols


def _request(client: Any, exchange_url: str) -> dict[str, Any]:
    response = client.request("POST", _path(exchange_url), json={})
    assert response.status_code == 200, response.text
    request: dict[str, Any] = response.json()["verifiablePresentationRequest"]
    return request


def _present(client: Any, exchange_url: str, presentation: dict[str, Any]) -> Any:
    return client.request(
        "POST", _path(exchange_url), json={"verifiablePresentation": presentation}
    )


def _problem(response: Any, status: int, slug: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith(slug)


def _checks(report: dict[str, Any]) -> dict[str, str]:
    return {check["check"]: check["status"] for check in report["checks"]}


class TestVcapiPickup:
    @pytest.mark.parametrize("suite", ["Ed25519Signature2020", "eddsa-rdfc-2022"])
    def test_did_authentication_then_the_credential(self, harness: Harness, suite: str) -> None:
        wallet = Recorder(harness.client)
        holder = DidKeyHolder()
        links = claim_links(harness, earn_bronze(harness))
        wallet.note(
            f"Interaction URL given to the learner (QR code): `{links['interaction_url']}`\n"
        )
        protocols = wallet.request("GET", _path(links["interaction_url"]), headers=JSON).json()[
            "protocols"
        ]
        request = _request(wallet, protocols["vcapi"])
        (query,) = request["query"]
        assert query["type"] == "DIDAuthentication"
        assert {"method": "key"} in query["acceptedMethods"]
        assert request["domain"] == ORIGIN
        presentation = did_auth_presentation(
            holder, challenge=request["challenge"], domain=request["domain"], suite=suite
        )
        response = _present(wallet, protocols["vcapi"], presentation)
        assert response.status_code == 200, response.text
        answer = response.json()["verifiablePresentation"]
        assert answer["type"] == ["VerifiablePresentation"]
        (credential,) = answer["verifiableCredential"]
        assert credential["credentialSubject"]["id"] == holder.did
        report = wallet.request("POST", "/verify", json=credential)
        assert report.json()["verified"] is True
        wallet.write(f"vcapi-{suite}.md", f"VCALM exchange pickup ({suite} DID authentication)")

    def test_the_request_can_be_asked_again_before_presenting(self, harness: Harness) -> None:
        protocols = _protocols(harness.client, harness)
        first, again = (
            _request(harness.client, protocols["vcapi"]),
            _request(harness.client, protocols["vcapi"]),
        )
        assert first == again

    def test_browser_is_sent_to_the_claim_page(self, harness: Harness) -> None:
        links = claim_links(harness, earn_bronze(harness))
        response = harness.client.get(
            _path(links["interaction_url"]),
            headers={"Accept": "text/html,application/xhtml+xml"},
            follow_redirects=False,
        )
        assert response.status_code == 303
        assert response.headers["location"] == links["claim_url"]

    def test_altered_interaction_url_is_404(self, harness: Harness) -> None:
        links = claim_links(harness, earn_bronze(harness))
        path = _path(links["interaction_url"]).replace("?iuv=1", "")
        response = harness.client.get(path[:-2] + "xx?iuv=1", headers=JSON)
        _problem(response, 404, "claim-link-invalid")


class TestVcapiRefusals:
    def _refusal(
        self, harness: Harness, name: str, title: str, build: Any, status: int, slug: str
    ) -> None:
        wallet = Recorder(harness.client)
        protocols = _protocols(wallet, harness)
        request = _request(wallet, protocols["vcapi"])
        response = _present(wallet, protocols["vcapi"], build(request))
        _problem(response, status, slug)
        wallet.write(name, title)

    def test_wrong_challenge(self, harness: Harness) -> None:
        holder = DidKeyHolder()
        self._refusal(
            harness,
            "vcapi-refusal-wrong-challenge.md",
            "Refusal: wrong challenge",
            lambda r: did_auth_presentation(holder, challenge="not-it", domain=r["domain"]),
            401,
            "did-authentication-failed",
        )

    def test_wrong_domain(self, harness: Harness) -> None:
        holder = DidKeyHolder()
        self._refusal(
            harness,
            "vcapi-refusal-wrong-domain.md",
            "Refusal: wrong domain",
            lambda r: did_auth_presentation(
                holder, challenge=r["challenge"], domain="https://evil.example"
            ),
            401,
            "did-authentication-failed",
        )

    def test_signed_by_a_key_the_holder_does_not_control(self, harness: Harness) -> None:
        holder, other = DidKeyHolder(), DidKeyHolder()
        self._refusal(
            harness,
            "vcapi-refusal-foreign-key.md",
            "Refusal: VP signed by a key the holder does not control",
            lambda r: did_auth_presentation(
                holder, challenge=r["challenge"], domain=r["domain"], signer=other
            ),
            401,
            "did-authentication-failed",
        )

    def test_signature_of_another_key_under_the_holders_method(self, harness: Harness) -> None:
        holder, other = DidKeyHolder(), DidKeyHolder()
        self._refusal(
            harness,
            "vcapi-refusal-bad-signature.md",
            "Refusal: the holder's verification method, another key's signature",
            lambda r: did_auth_presentation(
                holder,
                challenge=r["challenge"],
                domain=r["domain"],
                signer=other,
                verification_method=holder.verification_method,
            ),
            401,
            "did-authentication-failed",
        )

    def test_unsigned_presentation(self, harness: Harness) -> None:
        holder = DidKeyHolder()
        self._refusal(
            harness,
            "vcapi-refusal-unsigned.md",
            "Refusal: unsigned VP",
            lambda r: did_auth_presentation(holder, challenge=None, domain=None, signed=False),
            401,
            "did-authentication-failed",
        )

    def test_presentation_naming_no_holder(self, harness: Harness) -> None:
        """A valid signature alone is not enough: the credential goes to the named holder."""
        holder = DidKeyHolder()

        def anonymous(request: dict[str, Any]) -> dict[str, Any]:
            presentation = did_auth_presentation(
                holder, challenge=request["challenge"], domain=request["domain"], signed=False
            )
            del presentation["holder"]
            return sign_presentation(
                presentation,
                holder,
                suite="Ed25519Signature2020",
                challenge=request["challenge"],
                domain=request["domain"],
            )

        self._refusal(
            harness,
            "vcapi-refusal-no-holder.md",
            "Refusal: a signed VP that names no holder",
            anonymous,
            401,
            "did-authentication-failed",
        )

    def test_replayed_exchange(self, harness: Harness) -> None:
        wallet = Recorder(harness.client)
        holder = DidKeyHolder()
        protocols = _protocols(wallet, harness)
        request = _request(wallet, protocols["vcapi"])
        presentation = did_auth_presentation(
            holder, challenge=request["challenge"], domain=request["domain"]
        )
        assert _present(wallet, protocols["vcapi"], presentation).status_code == 200
        _problem(_present(wallet, protocols["vcapi"], presentation), 409, "exchange-complete")
        _problem(
            wallet.request("POST", _path(protocols["vcapi"]), json={}), 409, "exchange-complete"
        )
        wallet.write("vcapi-refusal-replay.md", "Refusal: replayed exchange")

    def test_expired_exchange(self, harness: Harness) -> None:
        wallet = Recorder(harness.client)
        holder = DidKeyHolder()
        protocols = _protocols(wallet, harness)
        request = _request(wallet, protocols["vcapi"])
        later = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=16)
        harness.client.app.state.clock = lambda: later  # type: ignore[attr-defined]
        wallet.note("(the service clock is moved 16 minutes on: exchanges last 15)\n")
        presentation = did_auth_presentation(
            holder, challenge=request["challenge"], domain=request["domain"]
        )
        _problem(_present(wallet, protocols["vcapi"], presentation), 410, "exchange-expired")
        wallet.write("vcapi-refusal-expired.md", "Refusal: expired exchange")

    def test_presentation_before_the_request(self, harness: Harness) -> None:
        protocols = _protocols(harness.client, harness)
        presentation = did_auth_presentation(DidKeyHolder(), challenge="x", domain=ORIGIN)
        response = _present(harness.client, protocols["vcapi"], presentation)
        _problem(response, 409, "exchange-not-started")

    def test_unknown_exchange(self, harness: Harness) -> None:
        _problem(harness.client.post("/exchanges/unknown", json={}), 404, "exchange-not-found")

    def test_revoked_between_link_and_pickup(self, harness: Harness) -> None:
        credential = earn_bronze(harness)
        protocols = _protocols(harness.client, harness, credential)
        request = _request(harness.client, protocols["vcapi"])
        harness.client.post(
            f"/v1/admin/credentials/{credential}/revoke",
            json={"reason": "issued in error"},
            headers=harness.admin,
        )
        presentation = did_auth_presentation(
            DidKeyHolder(), challenge=request["challenge"], domain=request["domain"]
        )
        _problem(
            _present(harness.client, protocols["vcapi"], presentation),
            409,
            "credential-not-claimable",
        )


class TestLcwRequestLink:
    def _link(self, client: Any, harness: Harness) -> dict[str, str]:
        link = urlsplit(_protocols(client, harness)["lcw"])
        assert f"{link.scheme}://{link.netloc}{link.path}" == "https://lcw.app/request"
        params = {key: values[0] for key, values in parse_qs(link.query).items()}
        assert params["auth_type"] == "bearer"
        assert params["issuer"] == ORIGIN
        return params

    def test_bare_vp_gets_the_credential(self, harness: Harness) -> None:
        wallet = Recorder(harness.client)
        holder = DidKeyHolder()
        params = self._link(wallet, harness)
        # LCW's request flow signs without a domain (app/lib/present.ts).
        presentation = did_auth_presentation(holder, challenge=params["challenge"], domain=None)
        response = wallet.request("POST", _path(params["vc_request_url"]), json=presentation)
        assert response.status_code == 200, response.text
        credential = response.json()
        assert credential["credentialSubject"]["id"] == holder.did
        assert wallet.request("POST", "/verify", json=credential).json()["verified"] is True
        wallet.write("lcw-request.md", "LCW request link pickup (bare DID-auth VP)")

    def test_replay_is_refused(self, harness: Harness) -> None:
        params = self._link(harness.client, harness)
        presentation = did_auth_presentation(
            DidKeyHolder(), challenge=params["challenge"], domain=None
        )
        url = _path(params["vc_request_url"])
        assert harness.client.post(url, json=presentation).status_code == 200
        _problem(harness.client.post(url, json=presentation), 409, "exchange-complete")

    def test_wrong_challenge(self, harness: Harness) -> None:
        params = self._link(harness.client, harness)
        presentation = did_auth_presentation(DidKeyHolder(), challenge="other", domain=None)
        response = harness.client.post(_path(params["vc_request_url"]), json=presentation)
        _problem(response, 401, "did-authentication-failed")

    def test_foreign_domain(self, harness: Harness) -> None:
        params = self._link(harness.client, harness)
        presentation = did_auth_presentation(
            DidKeyHolder(), challenge=params["challenge"], domain="https://evil.example"
        )
        response = harness.client.post(_path(params["vc_request_url"]), json=presentation)
        _problem(response, 401, "did-authentication-failed")

    def test_vcapi_exchange_id_is_not_an_lcw_request(self, harness: Harness) -> None:
        protocols = _protocols(harness.client, harness)
        response = harness.client.post(_path(protocols["vcapi"]) + "/lcw", json={})
        _problem(response, 404, "exchange-not-found")
