"""How an admin operation applies a token's issuer binding (shown in the OpenAPI document)."""

from __future__ import annotations

from enum import StrEnum


class Binding(StrEnum):
    # Acts on the whole platform (providers, audit log, new issuers): bound tokens get 403.
    PLATFORM = "platform"
    # The `{slug}` in the path is the issuer acted on: it must be one of the token's issuers.
    PATH_ISSUER = "path-issuer"
    # The issuer is the owner of the resource addressed or named in the body (an achievement,
    # a credential, an endorser): checked once the resource is found, 403 when not the token's.
    RESOURCE = "resource"
    # A list or a statistic: a bound token sees only its issuers' items.
    FILTERED = "filtered"
