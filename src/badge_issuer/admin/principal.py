"""Who is acting on an admin route, and which issuers they may act on."""

from __future__ import annotations

from dataclasses import dataclass

from badge_issuer.admin.errors import IssuerNotAllowed
from badge_issuer.admin.scopes import Scope


@dataclass(frozen=True, slots=True)
class AdminPrincipal:
    """An authenticated admin token; `issuers` is None for an unbound token."""

    token_id: int
    name: str
    scopes: frozenset[Scope]
    issuers: frozenset[str] | None = None

    @property
    def actor(self) -> str:
        """The audit log's actor: the token's name and id (names need not be unique)."""
        return f"{self.name} (token {self.token_id})"

    @property
    def bound(self) -> bool:
        return self.issuers is not None

    def may_act_on(self, issuer_slug: str) -> bool:
        """Return whether the token may act on the issuer `issuer_slug`."""
        return self.issuers is None or issuer_slug in self.issuers

    def require_issuer(self, issuer_slug: str, *, what: str = "") -> None:
        """Raise IssuerNotAllowed (403) unless the token may act on `issuer_slug`."""
        if not self.may_act_on(issuer_slug):
            about = f" ({what})" if what else ""
            raise IssuerNotAllowed(
                f"This token acts on issuers {', '.join(sorted(self.issuers or ()))} only; "
                f"the target belongs to issuer {issuer_slug!r}{about}.",
                issuer=issuer_slug,
            )
