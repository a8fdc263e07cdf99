"""The verifier's only outbound request: GET of a JSON document from an allow-listed HTTPS host.

Refused before any connection: a URL that is not https, carries credentials, or names a host
outside `settings.verifier_allowed_hosts` (empty by default: nothing is ever fetched). The host
name is resolved once; if any address is private, loopback, link-local, multicast, reserved or
otherwise not global, nothing is fetched, and the connection goes to the checked address itself
(with the host name kept for TLS), so DNS cannot swap in another address afterwards. Redirects
are never followed; time and size are bounded.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import socket
import ssl
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from badge_issuer.verification.ports import ResolutionError

ACCEPT = "application/did+json, application/vc+ld+json, application/json;q=0.9"
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchRefused(ResolutionError):
    """The document was not fetched, or the answer was refused; the message says why."""


@dataclass(frozen=True)
class FetchPolicy:
    """Which hosts may be asked, and how long and how much to wait for."""

    allowed_hosts: frozenset[str] = field(default_factory=frozenset)
    timeout_seconds: float = 3.0
    max_bytes: int = 256 * 1024

    @classmethod
    def of(cls, hosts: Collection[str]) -> FetchPolicy:
        return cls(allowed_hosts=frozenset(host.strip().lower() for host in hosts if host.strip()))


def is_public_address(address: IpAddress) -> bool:
    """Return whether an address may be connected to (globally routable, unicast)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def _checked_target(url: str, policy: FetchPolicy) -> tuple[str, int, str]:
    """Return (host, port, path) of an allowed URL, or refuse it without any network use."""
    parts = urlsplit(url)
    if parts.scheme != "https":
        raise FetchRefused(f"{url} is not an https URL; nothing was fetched")
    if parts.username or parts.password:
        raise FetchRefused(f"{url} carries credentials; nothing was fetched")
    host = (parts.hostname or "").lower()
    if host not in policy.allowed_hosts:
        raise FetchRefused(
            f"{host or url} is not an allow-listed host of this verifier; nothing was fetched"
        )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        port = parts.port or 443
    except ValueError:
        raise FetchRefused(f"{url} has an invalid port; nothing was fetched") from None
    return host, port, path


def _public_address(host: str, port: int) -> str:
    """Resolve `host` and return an address to connect to, refusing any non-public answer."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise FetchRefused(f"{host} does not resolve; nothing was fetched") from None
    addresses = [ipaddress.ip_address(str(answer[4][0]).split("%", 1)[0]) for answer in answers]
    refused = [str(address) for address in addresses if not is_public_address(address)]
    if refused or not addresses:
        raise FetchRefused(
            f"{host} resolves to a private, loopback or reserved address "
            f"({', '.join(refused) or 'none'}); nothing was fetched"
        )
    return str(addresses[0])


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a fixed, already-checked address, with the host name for SNI and the certificate."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._address = address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)


def fetch_json(url: str, policy: FetchPolicy) -> Any:
    """GET `url` as JSON under `policy`, or raise FetchRefused saying why not."""
    host, port, path = _checked_target(url, policy)
    address = _public_address(host, port)
    connection = _PinnedHTTPSConnection(host, port, address=address, timeout=policy.timeout_seconds)
    try:
        connection.request("GET", path, headers={"Accept": ACCEPT, "User-Agent": "badge-issuer"})
        response = connection.getresponse()
        if response.status != 200:
            # 3xx included: a redirect could lead anywhere, so it is not followed.
            raise FetchRefused(f"{url} answered HTTP {response.status}")
        body = _read_limited(response, policy)
    except (OSError, http.client.HTTPException) as error:
        raise FetchRefused(f"{url} could not be fetched: {type(error).__name__}") from None
    finally:
        connection.close()
    try:
        return json.loads(body)
    except (ValueError, RecursionError):  # ValueError: JSON, UTF-8, or a 5,000-digit number
        raise FetchRefused(f"{url} did not answer with JSON") from None


def _read_limited(response: http.client.HTTPResponse, policy: FetchPolicy) -> bytes:
    """Read at most max_bytes within the time limit, refusing anything longer or slower."""
    deadline = time.monotonic() + policy.timeout_seconds
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read(min(65536, policy.max_bytes + 1 - size) or 1):
        chunks.append(chunk)
        size += len(chunk)
        if size > policy.max_bytes:
            raise FetchRefused(f"the answer is larger than {policy.max_bytes} bytes")
        if time.monotonic() > deadline:
            raise FetchRefused(f"the answer took longer than {policy.timeout_seconds} s")
    return b"".join(chunks)
