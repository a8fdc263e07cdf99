"""The engine's credential rule sets, and which one a credential gets.

- `OPEN_BADGES` (`verify.py`): OB 3.0 achievement credentials: VC 2.0 contexts, OB types, the
  OB 3.0 schema rules;
- `ENDORSEMENTS` (`rules_endorsement.py`): OB 3.0 endorsement credentials: the same checks with
  the EndorsementCredential types and schema;
- `GENERIC_VC` (`rules_generic.py`): any other VC 2.0 or VC 1.1 credential, data-model checks;
- presentations have their own rule set (`presentation.py`), which uses these for the
  credentials they carry.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from badge_issuer.verification.checks_document import CREDENTIAL_TYPES
from badge_issuer.verification.data_model import as_list
from badge_issuer.verification.endorsement_schema import is_endorsement
from badge_issuer.verification.rules_endorsement import ENDORSEMENTS
from badge_issuer.verification.rules_generic import GENERIC_VC
from badge_issuer.verification.verify import OPEN_BADGES, DataModelRules


def is_open_badge(credential: Mapping[str, Any]) -> bool:
    """Return whether the credential says it is an Open Badges 3.0 achievement credential."""
    types = as_list(credential.get("type"))
    return any(name in types for name in CREDENTIAL_TYPES)


def rules_for(
    credential: Mapping[str, Any], *, otherwise: DataModelRules = GENERIC_VC
) -> DataModelRules:
    """Return the rule set for a credential: endorsement or Open Badges when it says it is one.

    Anything else gets `otherwise`: the generic VC rules (VC API, presentations), or the Open
    Badges rules where only badges are accepted (`POST /verify`), so its types check says why.
    """
    if is_endorsement(credential):
        return ENDORSEMENTS
    return OPEN_BADGES if is_open_badge(credential) else otherwise
