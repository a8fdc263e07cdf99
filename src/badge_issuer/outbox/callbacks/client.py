"""An outbound HTTP client that is not an SSRF hole.

A callback URL is data an admin typed; sent naively, it could reach the database, the cloud
metadata service or anything else on the private network. So, at send time:
- only `https` (plain `http` only to a loopback address, and only in development);
- the host name is resolved here and every address it resolves to must be public (not private,
  loopback, link-local, shared, multicast, reserved or unspecified; IPv4-mapped IPv6 counts as
  the IPv4 address); a name with any non-public address is refused as a whole;
- the connection goes to the address that was checked (the URL's host is replaced by it, the
  Host header and TLS server name keep the original name, so the certificate is still checked
  against the name): a second DNS answer cannot point it elsewhere (DNS rebinding);
- redirects are never followed (a 3xx is a failed attempt), proxies from the environment are
  ignored, and every attempt has one overall timeout.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class DestinationRefused(Exception):
    """The URL or the address it resolves to may not be called."""


@dataclass(frozen=True, slots=True)
class Destination:
    scheme: str
    host: str
    port: int
    address: IPAddress


def _allowed(address: IPAddress, *, allow_loopback: bool) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return allow_loopback
    return address.is_global and not address.is_multicast


def resolve(url: str, *, allow_loopback: bool) -> Destination:
    """Check the URL and resolve its host to one permitted address, or raise DestinationRefused."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise DestinationRefused("the callback URL is malformed") from None
    host = parts.hostname
    if parts.scheme not in ("https", "http") or not host:
        raise DestinationRefused("the callback URL must be an absolute https URL")
    if parts.username is not None or parts.password is not None:
        raise DestinationRefused("the callback URL must not carry credentials")
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise DestinationRefused(f"cannot resolve {host}: {error}") from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not addresses:
        raise DestinationRefused(f"{host} has no address")
    for address in addresses:
        if not _allowed(address, allow_loopback=allow_loopback):
            raise DestinationRefused(f"{host} resolves to a non-public address ({address})")
    if parts.scheme == "http" and not all(a.is_loopback for a in addresses):
        raise DestinationRefused("plain http is allowed only to loopback in development")
    return Destination(parts.scheme, host, port, addresses[0])


@cache
def _tls() -> ssl.SSLContext:
    """httpx's default TLS context (certificates checked against certifi's CAs), made once: a
    new client would otherwise load the CA bundle again, tens of ms of CPU per callback. As the
    client did: no SSL_CERT_FILE from the environment (trust_env=False)."""
    return httpx.create_ssl_context(trust_env=False)


def post(
    url: str,
    *,
    content: bytes,
    headers: dict[str, str],
    timeout: float,
    allow_loopback: bool,
) -> httpx.Response:
    """POST to the checked address of `url`; the answer's body is not read."""
    destination = resolve(url, allow_loopback=allow_loopback)
    target = httpx.URL(url).copy_with(host=str(destination.address))
    default_port = 443 if destination.scheme == "https" else 80
    host_header = (
        destination.host
        if destination.port == default_port
        else (f"{destination.host}:{destination.port}")
    )
    if ":" in destination.host:  # an IPv6 literal
        host_header = f"[{destination.host}]" + (
            "" if destination.port == default_port else f":{destination.port}"
        )
    extensions = {"sni_hostname": destination.host} if destination.scheme == "https" else {}
    with httpx.Client(
        follow_redirects=False, timeout=timeout, trust_env=False, verify=_tls()
    ) as client:
        request = client.build_request(
            "POST",
            target,
            content=content,
            headers={**headers, "host": host_header},
            extensions=extensions,
        )
        response = client.send(request, stream=True)
        response.close()
        return response
