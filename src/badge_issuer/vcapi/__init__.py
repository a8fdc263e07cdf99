"""The W3C VC API (VCALM) endpoints: `POST /credentials/issue` and `POST /credentials/verify`.

Entry points: `service.issue_credential` signs a credential with the active key of the issuer
it names (one of ours, or the test-only did:key issuer), `service.verify_credential` runs the
verifier's checks and maps its report to the VC API result, and
`identities.issuer_identities` lists the issuer ids a client may use.
Pure parts: `request` (body parsing), `rules` (what the issuer accepts), `generic_verify`
(checks for credentials that are not Open Badges), `results` (report to VC API result) and
`problem_details` (the VC API error shape).
"""
