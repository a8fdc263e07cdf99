"""The outbound client refuses what could reach inside the network, and follows no redirect."""

from __future__ import annotations

import pytest

from badge_issuer.outbox.callbacks import client
from tests.outbox.receivers import CallbackReceiver


class TestDestinations:
    @pytest.mark.parametrize(
        "url",
        [
            "http://127.0.0.1:8000/hook",  # loopback, in production
            "https://127.0.0.1/hook",
            "https://localhost/hook",
            "https://10.0.0.7/hook",  # private
            "https://172.16.3.4/hook",
            "https://192.168.1.10/hook",
            "https://169.254.169.254/latest/meta-data",  # link-local (cloud metadata)
            "https://100.64.0.1/hook",  # shared address space
            "https://[::1]/hook",
            "https://[fe80::1]/hook",
            "https://[fd00::1]/hook",
            "https://[::ffff:10.0.0.1]/hook",  # IPv4-mapped private
            "https://0.0.0.0/hook",
            "https://224.0.0.1/hook",
        ],
    )
    def test_non_public_addresses_are_refused(self, url: str) -> None:
        with pytest.raises(client.DestinationRefused):
            client.resolve(url, allow_loopback=False)

    @pytest.mark.parametrize(
        "url",
        [
            "http://93.184.215.14/hook",  # plain http to a public address
            "ftp://93.184.215.14/hook",
            "https://user:secret@93.184.215.14/hook",
            "https:///hook",
            "https://93.184.215.14:99999/hook",
        ],
    )
    def test_malformed_or_plain_urls_are_refused(self, url: str) -> None:
        with pytest.raises(client.DestinationRefused):
            client.resolve(url, allow_loopback=True)

    def test_a_public_address_is_allowed(self) -> None:
        destination = client.resolve("https://93.184.215.14/hook", allow_loopback=False)
        assert str(destination.address) == "93.184.215.14"
        assert destination.port == 443

    def test_loopback_only_in_development(self) -> None:
        assert client.resolve("http://localhost:9/x", allow_loopback=True).address.is_loopback
        with pytest.raises(client.DestinationRefused):
            client.resolve("http://localhost:9/x", allow_loopback=False)


class TestSending:
    def test_connects_to_the_checked_address_with_the_original_host(self) -> None:
        with CallbackReceiver() as receiver:
            url = receiver.url.replace("127.0.0.1", "localhost")
            response = client.post(url, content=b"{}", headers={}, timeout=5, allow_loopback=True)
            [seen] = receiver.wait_for(1)
        assert response.status_code == 204
        assert seen.headers["host"] == url.split("/")[2]

    def test_redirects_are_not_followed(self) -> None:
        with (
            CallbackReceiver(default=307) as target,
            CallbackReceiver(default=302, redirect_to="http://127.0.0.1:9/elsewhere") as receiver,
        ):
            response = client.post(
                receiver.url, content=b"{}", headers={}, timeout=5, allow_loopback=True
            )
            assert response.status_code == 302
            assert len(receiver.received) == 1
            assert target.received == []

    def test_environment_proxies_are_ignored(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
        monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
        with CallbackReceiver() as receiver:
            response = client.post(
                receiver.url, content=b"{}", headers={}, timeout=5, allow_loopback=True
            )
        assert response.status_code == 204
