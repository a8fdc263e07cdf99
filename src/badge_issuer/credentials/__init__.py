"""Open Badges 3.0 credentials: models, assembly, JSON-LD processing and Data Integrity proofs.

Pure core (no web, database, clock or randomness except `salt.new_salt`). Entry points:
- `assembly.assemble_credential(...)` builds the unsigned OpenBadgeCredential dict;
  `identity.email_identity(email, salt)` the hashed recipient, `salt.new_salt()` its salt.
- `proofs.data_integrity.sign_credential(document, signer, created)` adds the proof;
  `proofs.data_integrity.verify_credential_proof(document, resolve_key)` reports every check.
- `jsonld.strict.find_problems(document)` lists undefined terms and relative IRIs by path.
- `identity.credential_matches_email(email, credential)` checks a recipient.
"""
