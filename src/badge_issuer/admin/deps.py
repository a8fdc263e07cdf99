"""FastAPI dependencies that guard admin routes by scope and issuer binding."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from badge_issuer.admin import service
from badge_issuer.admin.auth_first import PRINCIPAL_STATE, SCOPE_ATTRIBUTE
from badge_issuer.admin.binding import Binding
from badge_issuer.admin.scopes import Scope
from badge_issuer.kit.request import NowDep, SessionDep

# auto_error=False: we answer missing credentials with our own 401 problem.
_bearer = HTTPBearer(auto_error=False, description="Admin token from `badge-issuer token create`")
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)]


class AdminGuard:
    """Authenticate the bearer token, check one scope, and apply the issuer binding.

    The scope and binding are attributes so the OpenAPI document can state them for every
    admin operation (`x-admin-scope`, `x-issuer-binding`); the scope attribute also lets
    `auth_first` authenticate before the body is read (`before_body=False`: a guard that may
    let anonymous requests through, which the middleware would refuse).
    """

    def __init__(self, scope: Scope, binding: Binding, *, before_body: bool = True) -> None:
        self.scope = scope
        self.binding = binding
        if before_body:
            setattr(self, SCOPE_ATTRIBUTE, scope)

    def __call__(
        self, request: Request, session: SessionDep, now: NowDep, credentials: BearerDep
    ) -> service.AdminPrincipal:
        # Routes wrapped by auth_first authenticated before the body (bound tokens allowed
        # there: the binding is applied here, where the route's binding is known).
        checked = getattr(request.state, PRINCIPAL_STATE, None)
        token = credentials.credentials if credentials else None
        if not isinstance(checked, service.AdminPrincipal):
            checked = service.authenticate(
                session, token=token, scope=self.scope, now=now, allow_bound=True
            )
        if self.binding is Binding.PLATFORM:
            service.refuse_bound(checked)
        elif self.binding is Binding.PATH_ISSUER:
            checked.require_issuer(str(request.path_params.get("slug", "")))
        return checked


def require_scope(scope: Scope, binding: Binding = Binding.PLATFORM) -> object:
    """Build a dependency guarding an admin route; platform-wide unless a binding is given."""
    return Depends(AdminGuard(scope, binding))


AdminPrincipal = service.AdminPrincipal
# Platform-wide (bound tokens refused): the default for any route that does not opt in.
IssuersAdmin = Annotated[AdminPrincipal, require_scope(Scope.ISSUERS)]
KeysAdmin = Annotated[AdminPrincipal, require_scope(Scope.KEYS)]
ProvidersAdmin = Annotated[AdminPrincipal, require_scope(Scope.PROVIDERS)]
SkillMapAdmin = Annotated[AdminPrincipal, require_scope(Scope.SKILLMAP)]
CredentialsAdmin = Annotated[AdminPrincipal, require_scope(Scope.CREDENTIALS)]
IssueAdmin = Annotated[AdminPrincipal, require_scope(Scope.ISSUE)]
EndorsementsAdmin = Annotated[AdminPrincipal, require_scope(Scope.ENDORSEMENTS)]
# Issuer-aware: the binding is enforced as each alias's name says.
IssuerPathAdmin = Annotated[AdminPrincipal, require_scope(Scope.ISSUERS, Binding.PATH_ISSUER)]
IssuersListAdmin = Annotated[AdminPrincipal, require_scope(Scope.ISSUERS, Binding.FILTERED)]
IssuerKeysAdmin = Annotated[AdminPrincipal, require_scope(Scope.KEYS, Binding.PATH_ISSUER)]
IssuerSkillMapAdmin = Annotated[AdminPrincipal, require_scope(Scope.SKILLMAP, Binding.PATH_ISSUER)]
AchievementArtAdmin = Annotated[AdminPrincipal, require_scope(Scope.SKILLMAP, Binding.RESOURCE)]
CredentialAdmin = Annotated[AdminPrincipal, require_scope(Scope.CREDENTIALS, Binding.RESOURCE)]
CredentialsListAdmin = Annotated[AdminPrincipal, require_scope(Scope.CREDENTIALS, Binding.FILTERED)]
IssueForIssuerAdmin = Annotated[AdminPrincipal, require_scope(Scope.ISSUE, Binding.RESOURCE)]
IssueListAdmin = Annotated[AdminPrincipal, require_scope(Scope.ISSUE, Binding.FILTERED)]
EndorsementAdmin = Annotated[AdminPrincipal, require_scope(Scope.ENDORSEMENTS, Binding.RESOURCE)]
EndorsementsListAdmin = Annotated[
    AdminPrincipal, require_scope(Scope.ENDORSEMENTS, Binding.FILTERED)
]
MetricsReader = Annotated[AdminPrincipal, require_scope(Scope.METRICS)]
