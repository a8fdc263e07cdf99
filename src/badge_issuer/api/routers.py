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
    audit.router,
    skillmap.router,
    skillmap_apply.router,
    skillmap.issuer_router,
    catalog.router,
    images_api.router,
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
    verify_api.router,
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

TAGS: list[dict[str, Any]] = [
    {
        "name": "admin: credentials",
        "description": "Issued credentials, direct awards and learner progress "
        "(scope `credentials`).",
    },
    {
        "name": "learners",
        "description": "A learner's badges and the courses still missing for the others "
        "(scope `providers`).",
    },
    {"name": "health", "description": "Liveness and readiness probes."},
    {
        "name": "wallet",
        "description": "Learners put a credential in their wallet: W3C VCALM interaction URLs and "
        "exchanges (DID authentication, then the credential bound to the wallet's DID), and the "
        "DCC Learner Credential Wallet's request link. Refusals are problem+json.",
    },
    {
        "name": "openid4vci",
        "description": "OpenID4VCI 1.0 pre-authorized code flow (`ldp_vc`): metadata, offer, "
        "token, nonce, credential. Token, nonce and credential errors are OAuth-style JSON "
        "(`error`, `error_description`), as the specification requires.",
    },
    {"name": "admin: audit", "description": "Append-only log of admin actions (scope `issuers`)."},
    {
        "name": "admin: skill map",
        "description": "Courses, skills and badge rules (scope `skillmap`).",
    },
    {
        "name": "catalog",
        "description": "Public list of badges and the courses that count toward them.",
    },
    {
        "name": "badge images",
        "description": "Badge images (PNG/SVG) with the signed credential baked in, and each "
        "achievement's artwork.",
    },
    {
        "name": "admin: achievement images",
        "description": "Upload the PNG or SVG artwork of an achievement (scope `skillmap`).",
    },
    {"name": "admin: issuers", "description": "Issuers and their profiles (scope `issuers`)."},
    {
        "name": "admin: keys",
        "description": "Signing keys per issuer: create, activate, retire, revoke, re-sign "
        "(scope `keys`).",
    },
    {"name": "issuers", "description": "Public issuer Profiles and did:web DID documents."},
    {
        "name": "completions",
        "description": "Course completions from e-learning providers (Standard Webhooks).",
    },
    {
        "name": "admin: providers",
        "description": "E-learning providers, webhook secrets and bulk imports "
        "(scope `providers`).",
    },
    {
        "name": "admin: deliveries",
        "description": "The outbox: learner mail and provider callbacks, their attempts, "
        "errors and retries (scope `providers`).",
    },
    {
        "name": "verification",
        "description": "Employers verify OB 3.0 credentials (JSON-LD or VC-JWT): a report of "
        "named checks, HTTP 200 even when a check fails.",
    },
    {
        "name": "vc api",
        "description": "W3C VC API (VCALM) for wallets' issuer dashboards and the W3C "
        "interoperability test suites: `POST /credentials/issue` (scope `issue`) signs a VC 2.0 "
        "or VC 1.1 credential for one of the ids of `GET /credentials/issuer-ids` (which lists "
        "the test-only did:key issuer when BADGE_ISSUER_ENABLE_DID_KEY_ISSUER is on); "
        "`POST /credentials/verify` (public) verifies any credential.",
    },
    {"name": "credentials", "description": "Issued credentials as stored, by their public URL."},
    {
        "name": "admin: endorsements",
        "description": "An issuer endorses another issuer's achievement or profile with a signed "
        "OB 3.0 EndorsementCredential (scope `endorsements`).",
    },
    {"name": "endorsements", "description": "Signed EndorsementCredentials, by their public URL."},
    {
        "name": "status lists",
        "description": "Signed W3C Bitstring Status Lists (revocation), one set per issuer.",
    },
    {
        "name": "metrics",
        "description": "Prometheus metrics for operators (scope `metrics`; or a separate port).",
    },
    {
        "name": "pages",
        "description": "HTML pages for people: the landing page, the browser verification page and "
        "the recipient check of a badge page. `/credentials/{uuid}`, `/achievements/{id}` and "
        "`/issuers/{slug}` answer their page when Accept prefers text/html.",
    },
    {
        "name": "my badges",
        "description": "A learner's own page (HTML): every badge they hold across issuers, "
        "revoked and expired ones marked, and the courses missing toward the others. Sign-in by "
        "a mailed one-time link (the answer never says whether an address is known) or from a "
        "claim link; the session is a signed HttpOnly SameSite=Lax cookie.",
    },
    {
        "name": "stats",
        "description": "Talent visibility: privacy-safe counts of learners holding each badge "
        "and skill, by region, category, issuer and period (scope `stats`, or public).",
    },
]
