"""The `Ed25519Signature2020` suite (W3C CCG Ed25519 Signature 2020, section 4; VC Data Integrity
EdDSA Cryptosuites v1.0 keeps it as a legacy suite with the same algorithms).

Wallets such as the DCC Learner Credential Wallet still sign DID-authentication presentations
with it. Its algorithms are those of `eddsa-rdfc-2022` (RDFC-1.0 of the document and of the proof
options with the document's `@context`, SHA-256 of each, options hash first, Ed25519 over the
64 bytes); only the proof's names differ: `type` `Ed25519Signature2020` and no `cryptosuite`.
The proof terms are defined by https://w3id.org/security/suites/ed25519-2020/v1, which the
document must carry (it is bundled, never fetched).
"""

from __future__ import annotations

from functools import partial

from badge_issuer.credentials.proofs import eddsa_rdfc_2022 as rdfc_suite

PROOF_TYPE = "Ed25519Signature2020"
CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"
SUITE = rdfc_suite.SuiteId(PROOF_TYPE, None)


# The eddsa-rdfc-2022 functions under this suite's names (no `cryptosuite`).
proof_options = partial(rdfc_suite.proof_options, suite=SUITE)
create_proof = partial(rdfc_suite.create_proof, suite=SUITE)
verify_proof = partial(rdfc_suite.verify_proof, suite=SUITE)
