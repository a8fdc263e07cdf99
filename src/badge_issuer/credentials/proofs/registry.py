"""The cryptosuites this service can create and verify, registered by cryptosuite name."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from badge_issuer.credentials.jsonld.canonicalizer import Canonicalizer
from badge_issuer.credentials.proofs import eddsa_rdfc_2022
from badge_issuer.credentials.proofs.result import SuiteVerification
from badge_issuer.credentials.proofs.signer import Signer


class UnknownCryptosuite(LookupError):
    """No registered cryptosuite has this name."""


@dataclass(frozen=True)
class Cryptosuite:
    """A Data Integrity cryptosuite: how it builds proof options, creates and verifies proofs."""

    name: str
    proof_type: str
    proof_options: Callable[[Signer, datetime, str], dict[str, Any]]
    create_proof: Callable[
        [Mapping[str, Any], Mapping[str, Any], Signer, Canonicalizer], dict[str, Any]
    ]
    verify_proof: Callable[..., SuiteVerification]


EDDSA_RDFC_2022 = Cryptosuite(
    name=eddsa_rdfc_2022.CRYPTOSUITE,
    proof_type=eddsa_rdfc_2022.PROOF_TYPE,
    proof_options=eddsa_rdfc_2022.proof_options,
    create_proof=eddsa_rdfc_2022.create_proof,
    verify_proof=eddsa_rdfc_2022.verify_proof,
)

_SUITES: dict[str, Cryptosuite] = {EDDSA_RDFC_2022.name: EDDSA_RDFC_2022}


def register(suite: Cryptosuite) -> None:
    """Register a cryptosuite under its name, refusing to replace another one."""
    existing = _SUITES.get(suite.name)
    if existing is not None and existing is not suite:
        raise ValueError(f"cryptosuite {suite.name!r} is already registered")
    _SUITES[suite.name] = suite


def suite_for(name: object) -> Cryptosuite:
    """Return the cryptosuite registered under `name`."""
    if not isinstance(name, str) or name not in _SUITES:
        raise UnknownCryptosuite(f"cryptosuite {name!r} is not supported")
    return _SUITES[name]


def registered_names() -> frozenset[str]:
    """Return the names of the registered cryptosuites."""
    return frozenset(_SUITES)
