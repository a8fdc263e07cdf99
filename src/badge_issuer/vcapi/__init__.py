"""The W3C VC API (VCALM) endpoints: `POST /credentials/issue`, `POST /credentials/verify` and
`POST /presentations/verify`.

This package keeps requests, results and issuing; verifying is the verification engine's
(`verification.verify` with the rule set `verification.rules.rules_for` picks, and
`verification.presentation`). Entry points: `service.issue_credential` signs a credential with
the active key of the issuer it names (one of ours, or the test-only did:key issuer),
`service.verify_credential_request` / `service.verify_presentation_request` run the engine and
map its report to the VC API result, and `identities.issuer_identities` lists the issuer ids a
client may use. Pure parts: `request` (body parsing), `rules` (what the issuer accepts),
`results` (report to VC API result) and `problem_details` (the VC API error shape).
"""
