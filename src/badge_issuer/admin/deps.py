"""FastAPI dependencies that guard admin routes by scope."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from badge_issuer.admin import service
from badge_issuer.admin.auth_first import PRINCIPAL_STATE, SCOPE_ATTRIBUTE
from badge_issuer.admin.scopes import Scope
from badge_issuer.kit.request import NowDep, SessionDep

# auto_error=False: we answer missing credentials with our own 401 problem.
_bearer = HTTPBearer(auto_error=False, description="Admin token from `badge-issuer token create`")


def require_scope(scope: Scope) -> object:
    """Build a dependency that authenticates the bearer token and checks one scope."""

    def dependency(
        request: Request,
        session: SessionDep,
        now: NowDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
    ) -> service.AdminPrincipal:
        # Routes wrapped by auth_first.guard_admin_routes authenticated before the body.
        checked = getattr(request.state, PRINCIPAL_STATE, None)
        if isinstance(checked, service.AdminPrincipal):
            return checked
        token = credentials.credentials if credentials else None
        return service.authenticate(session, token=token, scope=scope, now=now)

    setattr(dependency, SCOPE_ATTRIBUTE, scope)
    return Depends(dependency)


AdminPrincipalType = service.AdminPrincipal
IssuersAdmin = Annotated[service.AdminPrincipal, require_scope(Scope.ISSUERS)]
KeysAdmin = Annotated[service.AdminPrincipal, require_scope(Scope.KEYS)]
ProvidersAdmin = Annotated[service.AdminPrincipal, require_scope(Scope.PROVIDERS)]
SkillMapAdmin = Annotated[service.AdminPrincipal, require_scope(Scope.SKILLMAP)]
CredentialsAdmin = Annotated[service.AdminPrincipal, require_scope(Scope.CREDENTIALS)]
StatsAdmin = Annotated[service.AdminPrincipal, require_scope(Scope.STATS)]
IssueAdmin = Annotated[service.AdminPrincipal, require_scope(Scope.ISSUE)]
MetricsReader = Annotated[service.AdminPrincipal, require_scope(Scope.METRICS)]
