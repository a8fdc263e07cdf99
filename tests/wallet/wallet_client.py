"""A holder's wallet written from the specifications, to drive the service as real wallets do.

- did:key (W3C CCG did:key, Ed25519 Multikey `z6Mk…`) holder identities;
- DID-authentication presentations signed with Ed25519Signature2020 (what the DCC Learner
  Credential Wallet sends: VC 1.1 context plus the ed25519-2020 suite context) or with a
  Data Integrity `eddsa-rdfc-2022` proof (VC 2.0): both hash the canonical proof options, then
  the canonical document (URDNA2015 / RDFC-1.0), and sign the concatenation with Ed25519;
- OpenID4VCI 1.0 key proofs: a compact JWS (`typ` `openid4vci-proof+jwt`, `alg` EdDSA, `kid`
  the DID URL of the key) built by hand from RFC 7515, independent of the server's JWT library.

Contexts come from ../shared/contexts (the pinned copies), never from the network.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import base58
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pyld import jsonld

from tests.shared_data import shared_path

VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
ED25519_2020 = "https://w3id.org/security/suites/ed25519-2020/v1"
ED25519_MULTICODEC = b"\xed\x01"


@cache
def _contexts() -> dict[str, Any]:
    directory: Path = shared_path("contexts")
    index = json.loads((directory / "INDEX.json").read_text(encoding="utf-8"))
    return {
        url: json.loads((directory / entry["file"]).read_text(encoding="utf-8"))
        for url, entry in index.items()
    }


def _loader(url: str, _options: dict[str, Any] | None = None) -> dict[str, Any]:
    contexts = _contexts()
    if url not in contexts:
        raise jsonld.JsonLdError(f"the test wallet has no copy of {url}", "loading document failed")
    return {"contextUrl": None, "documentUrl": url, "document": contexts[url]}


def canonical_hash(document: dict[str, Any]) -> bytes:
    """SHA-256 of the URDNA2015 canonical N-Quads of a JSON-LD document."""
    nquads = jsonld.normalize(
        document,
        {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": _loader},
    )
    return hashlib.sha256(str(nquads).encode("utf-8")).digest()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass
class DidKeyHolder:
    """An Ed25519 did:key identity with its private key (the wallet's own)."""

    key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)

    @property
    def public_bytes(self) -> bytes:
        return self.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @property
    def multibase(self) -> str:
        return "z" + base58.b58encode(ED25519_MULTICODEC + self.public_bytes).decode("ascii")

    @property
    def did(self) -> str:
        return f"did:key:{self.multibase}"

    @property
    def verification_method(self) -> str:
        return f"{self.did}#{self.multibase}"

    def sign(self, data: bytes) -> bytes:
        return self.key.sign(data)


def sign_presentation(
    presentation: dict[str, Any],
    signer: DidKeyHolder,
    *,
    suite: str,
    challenge: str | None,
    domain: str | None,
    verification_method: str | None = None,
) -> dict[str, Any]:
    """Add an `authentication` proof of `suite` to a copy of `presentation`."""
    document = copy.deepcopy(presentation)
    options: dict[str, Any] = {"created": _now()}
    if suite == "Ed25519Signature2020":
        options["type"] = "Ed25519Signature2020"
    else:
        options |= {"type": "DataIntegrityProof", "cryptosuite": suite}
    options |= {
        "verificationMethod": verification_method or signer.verification_method,
        "proofPurpose": "authentication",
    }
    if challenge is not None:
        options["challenge"] = challenge
    if domain is not None:
        options["domain"] = domain
    proof_config = {"@context": document["@context"], **options}
    signature = signer.sign(canonical_hash(proof_config) + canonical_hash(document))
    options["proofValue"] = "z" + base58.b58encode(signature).decode("ascii")
    document["proof"] = options
    return document


def did_auth_presentation(
    holder: DidKeyHolder,
    *,
    challenge: str | None,
    domain: str | None,
    suite: str = "Ed25519Signature2020",
    signer: DidKeyHolder | None = None,
    verification_method: str | None = None,
    signed: bool = True,
) -> dict[str, Any]:
    """A DID-authentication VP of `holder`, as LCW (2020 suite) or a VC 2.0 wallet builds it."""
    if suite == "Ed25519Signature2020":
        context: list[str] = [VC_V1, ED25519_2020]
    else:
        context = [VC_V2]
    presentation = {"@context": context, "type": ["VerifiablePresentation"], "holder": holder.did}
    if not signed:
        return presentation
    return sign_presentation(
        presentation,
        signer or holder,
        suite=suite,
        challenge=challenge,
        domain=domain,
        verification_method=verification_method,
    )


def key_proof_jwt(
    holder: DidKeyHolder,
    *,
    audience: str,
    nonce: str | None,
    typ: str = "openid4vci-proof+jwt",
    issued_at: datetime | None = None,
    kid: str | None = None,
) -> str:
    """An OpenID4VCI 1.0 key proof (Appendix F.1), signed by `holder` (EdDSA, RFC 8037)."""
    header = {"alg": "EdDSA", "typ": typ, "kid": kid or holder.verification_method}
    claims: dict[str, Any] = {
        "aud": audience,
        "iat": int((issued_at or datetime.now(UTC)).timestamp()),
    }
    if nonce is not None:
        claims["nonce"] = nonce
    signing_input = ".".join(
        b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, claims)
    )
    return f"{signing_input}.{b64url(holder.sign(signing_input.encode('ascii')))}"
