"""The pure parts of the pages: negotiation, language choice, catalogues, verdicts, rule words."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from badge_issuer.pages import i18n
from badge_issuer.pages.credential_view import credential_view, linkedin_add_url
from badge_issuer.pages.negotiation import prefers_html
from badge_issuer.pages.rule_words import RuleWords, describe_rule
from badge_issuer.pages.verdict import Reason, VerdictKind, verdict_of
from badge_issuer.skillmap.document import SkillMap
from badge_issuer.skillmap.source import parse_source
from badge_issuer.verification.report import (
    Check,
    CredentialSummary,
    Format,
    VerificationReport,
    report_of,
)
from tests.shared_data import example_path

SRC = Path(__file__).resolve().parents[2] / "src" / "badge_issuer"
CHROME = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


class TestPrefersHtml:
    @pytest.mark.parametrize(
        ("accept", "html"),
        [
            (CHROME, True),
            ("text/html", True),
            ("application/xhtml+xml", True),
            (None, False),
            ("", False),
            ("*/*", False),
            ("application/json", False),
            ("application/ld+json", False),
            ("application/json, text/html", False),
            ("text/html;q=0.5, application/json", False),
            ("text/html, application/json;q=0.9", True),
            ("text/html;q=0", False),
            ("text/html;q=bogus", False),
        ],
    )
    def test_cases(self, accept: str | None, html: bool) -> None:
        assert prefers_html(accept) is html


class TestChooseLocale:
    @pytest.mark.parametrize(
        ("lang", "accept_language", "expected"),
        [
            (None, None, "ja"),
            ("en", None, "en"),
            ("EN", "ja", "en"),
            ("xx", "en", "en"),
            (None, "en-GB,en;q=0.9", "en"),
            (None, "de, en;q=0.3, ja;q=0.2", "en"),
            (None, "ja, en", "ja"),
            (None, "en;q=0.5, ja", "ja"),
            (None, "en;q=nope", "ja"),
        ],
    )
    def test_cases(self, lang: str | None, accept_language: str | None, expected: str) -> None:
        assert i18n.choose_locale(lang, accept_language) == expected


def _message_ids() -> set[str]:
    mapping = [
        ("**/templates/**.html", "jinja2"),
        ("**.py", "python"),
    ]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2)}
    ids: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(SRC), method_map=mapping, options_map=options, keywords=keywords
    ):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


class TestCatalogue:
    def test_every_text_of_every_template_and_module_has_a_japanese_translation(self) -> None:
        ids = _message_ids()
        assert "Cannot be verified" in ids
        japanese = i18n.translations("ja")
        missing = sorted(i for i in ids if japanese.gettext(i) == i)
        assert missing == []

    def test_dates_in_each_language(self) -> None:
        assert i18n.format_day("2026-12-07T06:00:00Z", "ja") == "2026年12月7日"
        assert i18n.format_day("2026-12-07T06:00:00Z", "en") == "December 7, 2026"
        assert i18n.format_day(None, "ja") == ""
        assert i18n.format_day("not a date", "ja") == "not a date"


def _report(*checks: Check, valid_until: str | None = None) -> VerificationReport:
    return report_of(
        checks, format=Format.LDP_VC, credential=CredentialSummary(valid_until=valid_until)
    )


class TestVerdict:
    def test_all_passed_is_valid(self) -> None:
        verdict = verdict_of(_report(Check.passed("proof", "ok"), Check.warning("x", "meh")))
        assert verdict.kind is VerdictKind.VALID

    def test_a_set_status_bit_is_revoked(self) -> None:
        report = _report(Check.failed("revocation", "the issuer has revoked this credential"))
        assert verdict_of(report).kind is VerdictKind.REVOKED

    def test_a_broken_status_list_is_unverifiable_not_revoked(self) -> None:
        report = _report(Check.failed("revocation", "outside the list", "https://w3id.org/x#RANGE"))
        verdict = verdict_of(report)
        assert (verdict.kind, verdict.reason) == (VerdictKind.UNVERIFIABLE, Reason.STATUS_UNKNOWN)

    def test_expired(self) -> None:
        report = _report(Check.failed("valid-until", "expired"), valid_until="2020-01-01T00:00:00Z")
        verdict = verdict_of(report)
        assert verdict.kind is VerdictKind.EXPIRED
        assert verdict.valid_until == "2020-01-01T00:00:00Z"

    def test_a_recipient_mismatch_is_not_the_verdict(self) -> None:
        report = _report(Check.passed("proof", "ok"), Check.failed("recipient", "no match"))
        assert verdict_of(report).kind is VerdictKind.VALID

    def test_revoked_and_expired_is_revoked(self) -> None:
        report = _report(Check.failed("valid-until", "expired"), Check.failed("revocation", "set"))
        assert verdict_of(report).kind is VerdictKind.REVOKED

    @pytest.mark.parametrize(
        ("failed", "reason"),
        [
            ("proof", Reason.TAMPERED),
            ("issuer-key", Reason.WRONG_ISSUER_KEY),
            ("key-not-revoked", Reason.KEY_REVOKED),
            ("valid-from", Reason.NOT_YET_VALID),
            ("schema", Reason.NOT_A_BADGE),
            ("something-new", Reason.CHECK_FAILED),
        ],
    )
    def test_other_failures_cannot_be_verified(self, failed: str, reason: Reason) -> None:
        verdict = verdict_of(_report(Check.failed(failed, "no"), Check.failed("revocation", "s")))
        assert (verdict.kind, verdict.reason) == (VerdictKind.UNVERIFIABLE, reason)


class TestCredentialView:
    def test_reads_a_credential_and_ignores_wrong_shapes(self) -> None:
        view = credential_view(
            {
                "id": "urn:uuid:1",
                "issuer": {"id": "did:web:x", "name": "X"},
                "validFrom": "2026-01-01T00:00:00Z",
                "validUntil": "not a date",
                "credentialSubject": {
                    "achievement": {
                        "name": "A",
                        "criteria": {"narrative": "Do it"},
                        "alignment": [
                            {"targetName": "S", "targetUrl": "javascript:alert(1)"},
                            {"targetUrl": "https://no.name/"},
                        ],
                    },
                    "result": [{"value": 88}],
                },
                "evidence": [{"id": "data:text/html,x", "narrative": "n"}],
                "endorsement": [
                    {"issuer": {"name": "E"}, "credentialSubject": {"endorsementComment": "Good"}}
                ],
            }
        )
        assert view.achievement_name == "A"
        assert view.criteria == "Do it"
        assert view.valid_from is not None
        assert view.valid_until is None
        assert [(a.name, a.url) for a in view.alignments] == [("S", None)]
        assert view.evidence[0].url is None
        assert view.results[0].value == "88"
        assert (view.endorsements[0].endorser, view.endorsements[0].comment) == ("E", "Good")

    def test_linkedin_url(self) -> None:
        url = linkedin_add_url(
            name="DX 基礎",
            organization="北海道",
            issued=None,
            expires=None,
            certificate_url="https://x/credentials/1",
            certificate_id="1",
        )
        assert url.startswith("https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME")
        assert "name=DX+%E5%9F%BA%E7%A4%8E" in url
        assert "issueYear" not in url
        assert "certUrl=https%3A%2F%2Fx%2Fcredentials%2F1" in url


@pytest.fixture(scope="module")
def skill_map() -> SkillMap:
    return SkillMap.model_validate(parse_source(example_path("skill-map.yaml").read_bytes()))


def _words(skill_map: SkillMap, locale: str) -> RuleWords:
    translations = i18n.translations(locale)
    names = {"manabi-portal": "まなびポータル"}
    return RuleWords(skill_map, names, translations.gettext, translations.ngettext)


class TestRuleWords:
    def test_n_of_courses_in_japanese(self, skill_map: SkillMap) -> None:
        bronze = next(a for a in skill_map.achievements if a.id == "dx-literacy-bronze")
        line = describe_rule(bronze.rule, _words(skill_map, "ja"))
        assert line.text == "次の3講座のうち2講座を修了"
        assert [child.text for child in line.children] == [
            "「DX入門」（まなびポータル）を修了",
            "「データ活用の基礎」（まなびポータル）を修了",
            "「情報セキュリティの基礎」（まなびポータル）を修了",
        ]

    def test_n_of_courses_in_english(self, skill_map: SkillMap) -> None:
        bronze = next(a for a in skill_map.achievements if a.id == "dx-literacy-bronze")
        assert describe_rule(bronze.rule, _words(skill_map, "en")).text == (
            "Complete 2 of the 3 courses below"
        )

    def test_prerequisite_and_window_in_japanese(self, skill_map: SkillMap) -> None:
        silver = next(a for a in skill_map.achievements if a.id == "dx-case-silver")
        line = describe_rule(silver.rule, _words(skill_map, "ja"))
        assert line.text == "次のすべてを満たす"
        assert line.children[0].text == "バッジ「北海道DXリテラシー（ブロンズ）」を保有"
        assert line.children[0].href == "/achievements/dx-literacy-bronze"
        assert line.children[1].text == "次のすべてを満たす（365日以内）"


class TestSharedLayout:
    def test_other_domains_name_templates_by_their_package(self) -> None:
        from badge_issuer.pages.rendering import environment

        template = environment("en").get_template("pages/_card.html")
        card = template.module.badge_card("A badge", "/x.svg", "/a")  # type: ignore[attr-defined]
        assert '<a href="/a">A badge</a>' in str(card)

    def test_an_unknown_domain_has_no_templates(self) -> None:
        from jinja2 import TemplateNotFound

        from badge_issuer.pages.rendering import environment

        with pytest.raises(TemplateNotFound):
            environment("ja").get_template("no_such_domain/page.html")

    def test_render_html_for_mail_uses_the_language_and_escapes(self) -> None:
        from badge_issuer.pages.rendering import render_html

        html = render_html("error.html", {"title": "<b>x</b>", "message": "m"}, locale="en")
        assert '<html lang="en">' in html
        assert "&lt;b&gt;x&lt;/b&gt;" in html
        assert "Back to the list of badges" in html
