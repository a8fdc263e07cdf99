"""Real loopback listeners for outbox tests: an HTTP callback receiver and an SMTP server."""

from __future__ import annotations

import ipaddress
import json
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from standardwebhooks.webhooks import Webhook


@dataclass
class Received:
    """One request as the receiver saw it."""

    headers: dict[str, str]
    body: bytes
    started: float
    finished: float = 0.0
    status: int = 0

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]

    def json(self) -> Any:
        return json.loads(self.body)

    def verify(self, secret: str) -> Any:
        """Check the Standard Webhooks signature as a provider would; return the payload."""
        return Webhook(secret).verify(self.body, self.headers)


@dataclass
class CallbackReceiver:
    """A provider's callback endpoint on 127.0.0.1: answers from a script, records everything.

    `statuses` are answered in order (then `default`); `hang_first` holds the first request
    open without answering (a receiver that is slow while the sender dies); `delay` slows every
    answer, to widen any window in which two senders could overlap.
    """

    statuses: list[int] = field(default_factory=list)
    default: int = 204
    delay: float = 0.0
    hang_first: bool = False
    redirect_to: str | None = None
    received: list[Received] = field(default_factory=list)
    overlaps: list[str] = field(default_factory=list)
    _in_flight: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _release: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/callbacks"

    def _next_status(self) -> tuple[int, bool]:
        with self._lock:
            index = len(self.received) - 1
            hang = self.hang_first and index == 0
            status = self.statuses[index] if index < len(self.statuses) else self.default
            return status, hang

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("content-length", "0"))
        body = handler.rfile.read(length)
        record = Received(
            headers={k.lower(): v for k, v in handler.headers.items()},
            body=body,
            started=time.monotonic(),
        )
        webhook_id = record.headers.get("webhook-id", "")
        with self._lock:
            self.received.append(record)
            self._in_flight[webhook_id] = self._in_flight.get(webhook_id, 0) + 1
            if self._in_flight[webhook_id] > 1:
                self.overlaps.append(webhook_id)
        status, hang = self._next_status()
        try:
            if hang:
                self._release.wait(120)
                return  # never answered: the connection just closes
            time.sleep(self.delay)
            record.status = status
            handler.send_response(status)
            if self.redirect_to and 300 <= status < 400:
                handler.send_header("location", self.redirect_to)
            handler.send_header("content-length", "0")
            handler.end_headers()
        finally:
            record.finished = time.monotonic()
            with self._lock:
                self._in_flight[webhook_id] -= 1

    def __enter__(self) -> CallbackReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                receiver.handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.05)
        raise TimeoutError(f"expected {count} callbacks, got {len(self.received)}")

    def ids(self) -> Iterator[str]:
        return (r.webhook_id for r in self.received)


@dataclass
class ReceivedMail:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes


@dataclass
class MailServer:
    """An aiosmtpd server on 127.0.0.1: plain, STARTTLS (required) or implicit TLS, optional
    authentication; answers `rcpt_status` to RCPT TO when set (e.g. 550)."""

    security: str = "none"  # none | starttls | tls
    certificate: tuple[Path, Path] | None = None  # (cert, key) PEM files
    login: tuple[str, str] | None = None
    rcpt_status: str | None = None
    smtputf8: bool = True  # advertise SMTPUTF8 (addresses beyond ASCII; aiosmtpd's default)
    messages: list[ReceivedMail] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    _controller: Any = None

    def __enter__(self) -> MailServer:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult, LoginPassword

        server = self

        class Handler:
            async def handle_RCPT(
                self, _server: Any, _session: Any, envelope: Any, address: str, _options: Any
            ) -> str:
                if server.rcpt_status:
                    return server.rcpt_status
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
                server.messages.append(
                    ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
                )
                return "250 Message accepted for delivery"

        def authenticate(
            _server: Any, _session: Any, _envelope: Any, _mechanism: str, data: Any
        ) -> AuthResult:
            ok = (
                isinstance(data, LoginPassword)
                and server.login is not None
                and (data.login.decode(), data.password.decode()) == server.login
            )
            if ok:
                server.logins.append(data.login.decode())
            return AuthResult(success=ok)

        context = None
        if self.certificate is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self.certificate)
        options: dict[str, Any] = {}
        if self.login is not None:
            options |= {"authenticator": authenticate, "auth_required": True}
        if self.security == "starttls":
            options |= {"tls_context": context, "require_starttls": True}
        elif self.security == "tls":
            # aiosmtpd counts only STARTTLS as TLS for AUTH; the whole session is TLS here.
            options |= {
                "ssl_context": context,
                "server_hostname": "localhost",
                "auth_require_tls": False,
                "auth_required": False,  # else aiosmtpd warns about AUTH without TLS
            }
        else:
            options |= {"auth_require_tls": False}
        options["enable_SMTPUTF8"] = self.smtputf8
        self._controller = Controller(Handler(), hostname="127.0.0.1", port=free_port(), **options)
        self._controller.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._controller.stop()

    @property
    def port(self) -> int:
        return int(self._controller.port)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for `localhost` and 127.0.0.1, and its key (the test's private CA)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path
