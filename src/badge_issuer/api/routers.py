"""Every router of the service, in the order they appear in the OpenAPI document."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from badge_issuer.api import (
    audit,
    catalog,
    claims,
    health,
    oid4vci,
    skillmap,
    skillmap_apply,
    wallet,
)
from badge_issuer.api import completions as completions_api
from badge_issuer.api import credentials_admin as credentials_admin_api
from badge_issuer.api import credentials_public as credentials_public_api
from badge_issuer.api import deliveries as deliveries_api
from badge_issuer.api import endorsements as endorsements_api
from badge_issuer.api import images as images_api
from badge_issuer.api import issuers as issuers_api
from badge_issuer.api import keys as keys_api
from badge_issuer.api import learners as learners_api
from badge_issuer.api import metrics as metrics_api
from badge_issuer.api import mybadges as mybadges_api
from badge_issuer.api import pages as pages_api
from badge_issuer.api import providers as providers_api
from badge_issuer.api import stats as stats_api
from badge_issuer.api import status as status_api
from badge_issuer.api import vcapi as vcapi_api
from badge_issuer.api import verify as verify_api

ALL: list[APIRouter] = [
    health.router,
    # Early: each route ahead of it costs every POST /verify a match attempt (~60 cost ~10%).
    verify_api.router,
    audit.router,
    skillmap.router,
    skillmap_apply.router,
    skillmap.issuer_router,
    catalog.router,
    images_api.router,
    images_api.admin_router,
    issuers_api.admin_router,
    keys_api.router,
    issuers_api.public_router,
    completions_api.router,
    providers_api.router,
    deliveries_api.router,
    completions_api.admin_router,
    credentials_admin_api.router,
    learners_api.router,
    claims.router,
    wallet.router,
    oid4vci.router,
    # Before the public credential routes: /credentials/{credential_id} would match first.
    vcapi_api.router,
    vcapi_api.presentations_router,
    credentials_public_api.router,
    status_api.router,
    status_api.admin_router,
    endorsements_api.admin_router,
    endorsements_api.public_router,
    stats_api.router,
    metrics_api.router,
    pages_api.router,
    mybadges_api.router,
]

# Tag name -> description, in the order the OpenAPI document lists them.
_TAG_DESCRIPTIONS: dict[str, str] = {
    "admin: credentials": (
        "Issued credentials, direct awards and learner progress (scope `credentials`)."
    ),
    "learners": (
        "A learner's badges and the courses still missing for the others (scope `providers`)."
    ),
    "health": "Liveness and readiness probes.",
    "wallet": (
        "Learners put a credential in their wallet: W3C VCALM interaction URLs and exchanges (DID "
        "authentication, then the credential bound to the wallet's DID), and the DCC Learner "
        "Credential Wallet's request link. Refusals are problem+json."
    ),
    "openid4vci": (
        "OpenID4VCI 1.0 pre-authorized code flow (`ldp_vc`): metadata, offer, token, nonce, "
        "credential. Token, nonce and credential errors are OAuth-style JSON (`error`, "
        "`error_description`), as the specification requires."
    ),
    "admin: audit": "Append-only log of admin actions (scope `issuers`).",
    "admin: skill map": "Courses, skills and badge rules (scope `skillmap`).",
    "catalog": "Public list of badges and the courses that count toward them.",
    "badge images": (
        "Badge images (PNG/SVG) with the signed credential baked in, and each achievement's "
        "artwork."
    ),
    "admin: achievement images": (
        "Upload the PNG or SVG artwork of an achievement (scope `skillmap`)."
    ),
    "admin: issuers": "Issuers and their profiles (scope `issuers`).",
    "admin: keys": (
        "Signing keys per issuer: create, activate, retire, revoke, re-sign (scope `keys`)."
    ),
    "issuers": "Public issuer Profiles and did:web DID documents.",
    "completions": "Course completions from e-learning providers (Standard Webhooks).",
    "admin: providers": (
        "E-learning providers, webhook secrets and bulk imports (scope `providers`)."
    ),
    "admin: deliveries": (
        "The outbox: learner mail and provider callbacks, their attempts, errors and retries "
        "(scope `providers`)."
    ),
    "verification": (
        "Employers verify OB 3.0 credentials (JSON-LD or VC-JWT): a report of named checks, HTTP "
        "200 even when a check fails."
    ),
    "vc api": (
        "W3C VC API (VCALM) for wallets' issuer dashboards and the W3C interoperability test "
        "suites: `POST /credentials/issue` (scope `issue`) signs a VC 2.0 or VC 1.1 credential "
        "for one of the ids of `GET /credentials/issuer-ids` (which lists the test-only did:key "
        "issuer when BADGE_ISSUER_ENABLE_DID_KEY_ISSUER is on); `POST /credentials/verify` "
        "(public) verifies any credential."
    ),
    "credentials": "Issued credentials as stored, by their public URL.",
    "admin: endorsements": (
        "An issuer endorses another issuer's achievement or profile with a signed OB 3.0 "
        "EndorsementCredential (scope `endorsements`)."
    ),
    "endorsements": "Signed EndorsementCredentials, by their public URL.",
    "status lists": "Signed W3C Bitstring Status Lists (revocation), one set per issuer.",
    "metrics": "Prometheus metrics for operators (scope `metrics`; or a separate port).",
    "pages": (
        "HTML pages for people: the landing page, the browser verification page and the recipient "
        "check of a badge page. `/credentials/{uuid}`, `/achievements/{id}` and `/issuers/{slug}` "
        "answer their page when Accept prefers text/html."
    ),
    "my badges": (
        "A learner's own page (HTML): every badge they hold across issuers, revoked and expired "
        "ones marked, and the courses missing toward the others. Sign-in by a mailed one-time "
        "link (the answer never says whether an address is known) or from a claim link; the "
        "session is a signed HttpOnly SameSite=Lax cookie."
    ),
    "stats": (
        "Talent visibility: privacy-safe counts of learners holding each badge and skill, by "
        "region, category, issuer and period (scope `stats`, or public)."
    ),
}
TAGS: list[dict[str, Any]] = [
    {"name": name, "description": description} for name, description in _TAG_DESCRIPTIONS.items()
]
