"""The engine's credential rule sets, and which one a credential gets.

- `OPEN_BADGES` (`verify.py`): OB 3.0 achievement credentials: VC 2.0 contexts, OB types, the
  OB 3.0 schema rules;
- `GENERIC_VC` (`rules_generic.py`): any other VC 2.0 or VC 1.1 credential, data-model checks;
- presentations have their own rule set (`presentation.py`), which uses these for the
  credentials they carry.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from badge_issuer.verification.checks_document import CREDENTIAL_TYPES
from badge_issuer.verification.data_model import as_list
from badge_issuer.verification.rules_generic import GENERIC_VC
from badge_issuer.verification.verify import OPEN_BADGES, DataModelRules


def is_open_badge(credential: Mapping[str, Any]) -> bool:
    """Return whether the credential says it is an Open Badges 3.0 achievement credential."""
    types = as_list(credential.get("type"))
    return any(name in types for name in CREDENTIAL_TYPES)


def rules_for(credential: Mapping[str, Any]) -> DataModelRules:
    """Return the rule set for a credential: Open Badges when it says it is one, else generic."""
    return OPEN_BADGES if is_open_badge(credential) else GENERIC_VC
