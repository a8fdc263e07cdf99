"""The claim page over HTTP: the learner's badge, downloads, LinkedIn and add-to-wallet links."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

from tests.harness import Harness
from tests.wallet.factories import claim_links, earn_bronze

HTML = {"Accept": "text/html,application/xhtml+xml"}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [value for name, value in attrs if name == "href" and value]


def _hrefs(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


def _path(url: str) -> str:
    return url.removeprefix("http://localhost:8000")


class TestClaimPage:
    def test_shows_the_badge_downloads_and_wallet_links(self, harness: Harness) -> None:
        credential = earn_bronze(harness)
        links = claim_links(harness, credential)
        response = harness.client.get(_path(links["claim_url"]), headers=HTML)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/html")
        assert response.headers["cache-control"] == "no-store"
        hrefs = _hrefs(response.text)
        assert links["interaction_url"] in hrefs
        assert links["credential_offer_uri"] in hrefs
        assert f"/credentials/{credential}" in hrefs
        assert f"/credentials/{credential}/image.svg" in hrefs
        assert any(h.startswith("https://www.linkedin.com/profile/add?") for h in hrefs)
        (lcw,) = [h for h in hrefs if h.startswith("https://lcw.app/request?")]
        params = parse_qs(urlsplit(lcw).query)
        assert params["auth_type"] == ["bearer"]
        assert "<svg" in response.text  # the QR code of the interaction URL
        assert 'lang="ja"' in response.text

    def test_english_on_request(self, harness: Harness) -> None:
        links = claim_links(harness, earn_bronze(harness))
        response = harness.client.get(_path(links["claim_url"]) + "?lang=en", headers=HTML)
        assert "Add to your wallet" in response.text

    def test_altered_link_is_an_explaining_404_page(self, harness: Harness) -> None:
        links = claim_links(harness, earn_bronze(harness))
        response = harness.client.get(_path(links["claim_url"])[:-2] + "xx", headers=HTML)
        assert response.status_code == 404
        assert "この受け取りリンクは使えません" in response.text

    def test_revoked_badge_is_an_explaining_409_page(self, harness: Harness) -> None:
        credential = earn_bronze(harness)
        links = claim_links(harness, credential)
        harness.client.post(
            f"/v1/admin/credentials/{credential}/revoke",
            json={"reason": "issued in error"},
            headers=harness.admin,
        )
        response = harness.client.get(_path(links["claim_url"]), headers=HTML)
        assert response.status_code == 409
        assert "取り消された" in response.text
