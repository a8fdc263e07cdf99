"""Regenerate docs/organisations-transcript.md: issuer-bound tokens, a new issuer, endorsements.

Run from the repository root: `.venv/bin/python docs/make_organisations_transcript.py`. It starts
the application in-process on a throwaway SQLite database (migrated, first-start prepared, the
example skill map loaded), creates tokens as `badge-issuer token create` does, and records every
request and answer. Ids, keys and signatures differ on each run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import jsonschema
from fastapi.testclient import TestClient

from badge_issuer import bootstrap, migrate
from badge_issuer.admin import service as admin_service
from badge_issuer.admin.scopes import Scope
from badge_issuer.config import Settings
from badge_issuer.db import session_scope
from badge_issuer.kit.clock import utc_now
from badge_issuer.main import create_app

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
OUTPUT = Path(__file__).with_name("organisations-transcript.md")
PROVIDERS = ["manabi-portal", "kitami-it-academy", "hokudai-mooc"]
KITAMI_PART = {
    "courses": [
        {
            "provider": "kitami-it-academy",
            "course_id": "KC-100",
            "name": "北見市 DX 実践講座",
            "skills": ["nocode-automation"],
        }
    ],
    "achievements": [
        {
            "id": "kitami-dx-practitioner",
            "name": "北見市DX実践者",
            "description": "北見市が認定する、業務改善の実践者です。",
            "criteria": "北見市DX実践講座を修了し、DXリテラシー（ブロンズ）を保有すること。",
            "image": "https://badges.example.jp/images/kitami.png",
            "skills": ["nocode-automation"],
            "rule": {
                "all_of": [
                    {"achievement": "dx-literacy-bronze"},
                    {"course": {"provider": "kitami-it-academy", "course_id": "KC-100"}},
                ]
            },
        }
    ],
}


class Transcript:
    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.lines: list[str] = []

    def say(self, text: str) -> None:
        self.lines.append(text)

    def call(
        self, method: str, path: str, token: str | None, *, show: bool = True, **kwargs: Any
    ) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self.client.request(method, path, headers=headers, **kwargs)
        body = response.json() if response.content else None
        self.lines.append(f"```http\n{method} {path}\n```")
        if "json" in kwargs:
            self.lines.append(_block(kwargs["json"]))
        summary = f"→ {response.status_code}"
        self.lines.append(summary + ("" if show else " (body below or omitted)"))
        if show and body is not None:
            self.lines.append(_block(body))
        return body


def _block(value: Any) -> str:
    return "```json\n" + json.dumps(value, ensure_ascii=False, indent=2) + "\n```"


def _token(app: Any, name: str, scopes: list[Scope], issuers: list[str] | None) -> str:
    for session in session_scope(app.state.session_factory):
        _record, token = admin_service.create_token(
            session, name=name, scopes=scopes, issuers=issuers, now=utc_now(), actor="cli:doc"
        )
    return token


def _validate(document: dict[str, Any], schema_name: str) -> list[str]:
    path = SHARED / "ob3-schemas" / "1edtech-gh-pages" / schema_name
    schema = json.loads(path.read_text(encoding="utf-8"))
    validator = jsonschema.Draft201909Validator(
        schema, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER
    )
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="orgs-transcript-"))
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=f"sqlite:///{folder / 'demo.db'}",
        public_url="http://localhost:8000",
        key_encryption_key_file=folder / "master.key",
    )
    migrate.upgrade(settings.database_url)
    bootstrap.prepare(settings)
    app = create_app(settings)
    with TestClient(app) as client:
        t = Transcript(client)
        run(t, app, client)
        _routes(t, app)
    OUTPUT.write_text("\n\n".join(t.lines) + "\n", encoding="utf-8")
    sys.stderr.write(f"wrote {OUTPUT}\n")


def run(t: Transcript, app: Any, client: TestClient) -> None:
    root = _token(app, "platform-admin", list(Scope), None)
    for provider in PROVIDERS:
        client.post(
            "/v1/admin/providers",
            json={"id": provider, "name": provider},
            headers={"Authorization": f"Bearer {root}"},
        )
    skill_map = (ROOT / "examples" / "skill-map.yaml").read_bytes()
    client.put(
        "/v1/admin/skill-map",
        content=skill_map,
        headers={"Authorization": f"Bearer {root}", "Content-Type": "application/yaml"},
    )
    t.say(
        "# Organisations on one platform: a transcript\n\nGenerated by "
        "`docs/make_organisations_transcript.py` against the real application (SQLite). "
        "The platform admin holds an unbound token; the example skill map is loaded."
    )
    t.say("## A new issuer signs at once")
    t.call("POST", "/v1/admin/issuers", root, json={"slug": "kitami-city", "name": "北見市"})
    t.call("GET", "/v1/admin/issuers/kitami-city/keys", root)
    kitami = _token(
        app, "kitami-admin", [Scope.KEYS, Scope.SKILLMAP, Scope.CREDENTIALS], ["kitami-city"]
    )
    t.say(
        "`badge-issuer token create --scope keys --scope skillmap --scope credentials "
        "--issuer kitami-city --name kitami-admin` (done in-process here) gives `kitami`."
    )
    t.say("## The kitami-city token manages its own keys and achievements")
    key = t.call("POST", "/v1/admin/issuers/kitami-city/keys", kitami)
    t.call("POST", f"/v1/admin/issuers/kitami-city/keys/{key['key_id']}/activate", kitami)
    part = t.call(
        "PUT", "/v1/admin/issuers/kitami-city/skill-map", kitami, json=KITAMI_PART, show=False
    )
    t.say(
        f"New skill map version {part['id']}: "
        f"{len(part['content']['achievements'])} achievements, the kitami one last."
    )
    t.call("GET", "/v1/admin/issuers/kitami-city/skill-map", kitami)
    t.say("## …and is refused (403) on `default`'s")
    t.call("GET", "/v1/admin/issuers/default/keys", kitami)
    t.call("POST", "/v1/admin/issuers/default/keys", kitami)
    taken = {"achievements": [{**KITAMI_PART["achievements"][0], "id": "dx-literacy-bronze"}]}
    t.call("PUT", "/v1/admin/issuers/kitami-city/skill-map", kitami, json=taken)
    t.call(
        "POST",
        "/v1/admin/credentials",
        kitami,
        json={"achievement_id": "dx-literacy-bronze", "email": "x@example.jp", "narrative": "実務"},
    )
    t.call("GET", "/v1/admin/skill-map", kitami)
    t.say("## The new issuer issues a credential right after creation")
    award = t.call(
        "POST",
        "/v1/admin/credentials",
        kitami,
        json={
            "achievement_id": "kitami-dx-practitioner",
            "email": "learner@example.jp",
            "narrative": "北見市の現場での実践",
        },
    )
    credential = client.get(award["url"]).json()
    t.say(
        f"Issuer of the credential: `{credential['issuer']['id']}`, signed by "
        f"`{credential['proof'][0]['verificationMethod']}`."
    )
    report = client.post("/verify", json=credential).json()
    t.say(
        f"`POST /verify` of it: verified = {report['verified']}; "
        + ", ".join(f"{c['check']} {c['status']}" for c in report["checks"])
    )
    t.say("## An endorsement")
    client.post(
        "/v1/admin/issuers",
        json={"slug": "hokkaido-pref", "name": "北海道"},
        headers={"Authorization": f"Bearer {root}"},
    )
    pref = _token(app, "pref-admin", [Scope.ENDORSEMENTS], ["hokkaido-pref"])
    created = t.call(
        "POST",
        "/v1/admin/endorsements",
        pref,
        json={
            "endorser": "hokkaido-pref",
            "subject": {"achievement_id": "dx-literacy-bronze"},
            "comment": "北海道は、このバッジを道内DX人材育成の基礎として推薦します。",
        },
    )
    endorsement = t.call("GET", f"/endorsements/{created['id']}", None)
    errors = _validate(endorsement, "endorsementcredential.json")
    t.say(
        "Validation against `../shared/ob3-schemas/1edtech-gh-pages/endorsementcredential.json` "
        f"(jsonschema Draft 2019-09, formats on): {len(errors)} errors {errors}"
    )
    t.call("POST", "/verify", None, json=endorsement)
    t.say("A credential issued afterwards for the endorsed achievement carries it:")
    later = client.post(
        "/v1/admin/credentials",
        json={
            "achievement_id": "dx-literacy-bronze",
            "email": "later@example.jp",
            "narrative": "実務経験による認定",
        },
        headers={"Authorization": f"Bearer {root}"},
    ).json()
    carrying = client.get(later["url"]).json()
    carried = carrying["credentialSubject"]["achievement"]["endorsement"]
    t.say(
        f"`{later['url']}`: `credentialSubject.achievement.endorsement` holds "
        f"{len(carried)} endorsement, id `{carried[0]['id']}`, equal to the served one: "
        f"{carried[0] == endorsement}; the credential validates against "
        f"achievementcredential.json with {len(_validate(carrying, 'achievementcredential.json'))}"
        f" errors and `POST /verify` says verified = "
        f"{client.post('/verify', json=carrying).json()['verified']}."
    )
    catalog = client.get("/achievements/dx-literacy-bronze").json()
    t.say("The catalog entry's `endorsed_by`:")
    t.say(_block(catalog["endorsed_by"]))
    t.say("Revoking it sets its bit in the endorser's status list:")
    t.call(
        "POST",
        f"/v1/admin/endorsements/{created['id']}/revoke",
        pref,
        json={"reason": "推薦の見直し"},
    )
    report = client.post("/verify", json=endorsement).json()
    t.say(
        f"`POST /verify` of the endorsement again: verified = {report['verified']}; revocation "
        + next(
            f"{c['status']}: {c['detail']}" for c in report["checks"] if c["check"] == "revocation"
        )
    )


def _routes(t: Transcript, app: Any) -> None:
    """The route table (as `make openapi` writes it into the README) and the coverage test."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from admin_route_table import table

    t.say(
        "## Every admin route: scope and issuer binding\n\nThe table `make openapi` writes into "
        "the README, from this application's OpenAPI document:"
    )
    t.say(table(app.openapi()))
    test = "tests/admin/test_route_binding.py"
    done = subprocess.run(  # noqa: S603 (fixed arguments: this repository's test file)
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-s",
            "-p",
            "no:cacheprovider",
            "-k",
            "sqlite",
            test,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "BADGE_ISSUER_TEST_BACKENDS": "sqlite"},
    )
    kept = [
        line
        for line in done.stdout.splitlines()
        if line[:4] in {"200 ", "403 "} or "passed" in line or "failed" in line
    ]
    t.say(
        f"The coverage test, `pytest -s -k sqlite {test}` (exit code {done.returncode}): each "
        "admin operation called with a token bound to `kitami-city` holding every scope, on "
        "`default`'s resources (status, binding, operation):"
    )
    t.say("```\n" + "\n".join(kept) + "\n```")


if __name__ == "__main__":
    main()
