"""The proof suites this service can create and verify, registered by the names a proof carries.

A Data Integrity proof names its suite by `cryptosuite` (`type` is `DataIntegrityProof`); the
older Linked Data suites name it by `type` alone (no `cryptosuite`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from badge_issuer.credentials.jsonld.canonicalizer import Canonicalizer
from badge_issuer.credentials.proofs import ed25519_signature_2020, eddsa_rdfc_2022
from badge_issuer.credentials.proofs.result import SuiteVerification
from badge_issuer.credentials.proofs.signer import Signer

ProofOptions = Callable[[Signer, datetime, str], dict[str, Any]]
CreateProof = Callable[
    [Mapping[str, Any], Mapping[str, Any], Signer, Canonicalizer], dict[str, Any]
]
VerifyProof = Callable[..., SuiteVerification]


class UnknownCryptosuite(LookupError):
    """No registered suite has this name."""


@dataclass(frozen=True)
class Cryptosuite:
    """A proof suite: how it builds proof options, creates and verifies proofs.

    `name` is the `cryptosuite` value, or the proof type for suites that have none.
    """

    name: str
    proof_type: str
    proof_options: ProofOptions
    create_proof: CreateProof
    verify_proof: VerifyProof


class SuiteModule(Protocol):
    """What each suite module defines: its proof type and its three proof functions."""

    PROOF_TYPE: str

    @property
    def proof_options(self) -> ProofOptions: ...
    @property
    def create_proof(self) -> CreateProof: ...
    @property
    def verify_proof(self) -> VerifyProof: ...


def _suite(module: SuiteModule, name: str) -> Cryptosuite:
    return Cryptosuite(
        name=name,
        proof_type=module.PROOF_TYPE,
        proof_options=module.proof_options,
        create_proof=module.create_proof,
        verify_proof=module.verify_proof,
    )


EDDSA_RDFC_2022 = _suite(eddsa_rdfc_2022, eddsa_rdfc_2022.CRYPTOSUITE)
# A Linked Data suite: no `cryptosuite`, so it is registered under its proof type.
ED25519_SIGNATURE_2020 = _suite(ed25519_signature_2020, ed25519_signature_2020.PROOF_TYPE)

_SUITES: dict[str, Cryptosuite] = {
    EDDSA_RDFC_2022.name: EDDSA_RDFC_2022,
    ED25519_SIGNATURE_2020.name: ED25519_SIGNATURE_2020,
}


def register(suite: Cryptosuite) -> None:
    """Register a suite under its name, refusing to replace another one."""
    existing = _SUITES.get(suite.name)
    if existing is not None and existing is not suite:
        raise ValueError(f"cryptosuite {suite.name!r} is already registered")
    _SUITES[suite.name] = suite


def suite_for(name: object) -> Cryptosuite:
    """Return the suite registered under `name` (a cryptosuite, or a legacy proof type)."""
    if not isinstance(name, str) or name not in _SUITES:
        raise UnknownCryptosuite(f"cryptosuite {name!r} is not supported")
    return _SUITES[name]


def suite_of_proof(proof: Mapping[str, Any]) -> Cryptosuite:
    """Return the suite a proof names: its `cryptosuite`, else (legacy suites) its `type`."""
    if "cryptosuite" in proof:
        return suite_for(proof.get("cryptosuite"))
    proof_type = proof.get("type")
    suite = _SUITES.get(proof_type) if isinstance(proof_type, str) else None
    if suite is None or suite.name != suite.proof_type:
        raise UnknownCryptosuite(f"proof type {proof.get('type')!r} is not supported")
    return suite


def registered_names() -> frozenset[str]:
    """Return the names of the registered suites."""
    return frozenset(_SUITES)
