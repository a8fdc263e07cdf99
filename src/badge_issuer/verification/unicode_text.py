"""Lone surrogates: JSON may spell them (`"\\ud800"`), but they are not Unicode text.

Python's JSON parser turns `\\ud800` escapes (and, from bytes, CESU-8 style `ED A0 80`) into
lone surrogates, which no UTF-8 encoder accepts: the size check, a database read keyed by the
text, hashing the canonical form would each fail with an error instead of a report. A body that
holds one is refused as not JSON text (RFC 8259 section 8.2: such strings are not
interoperable); only bodies that could hold one are looked at closely.
"""

from __future__ import annotations

import json
import re
from typing import Any

# `\u` followed by D800-DFFF (JSON's escapes are lowercase `u`, hex in any case), or the
# surrogatepass bytes of one. An escaped backslash followed by such letters matches too: the
# close look below decides.
_MAYBE = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")


def has_lone_surrogate(raw: bytes, value: Any) -> bool:
    """Whether `value`, parsed from the JSON text `raw`, holds a lone surrogate anywhere."""
    if _MAYBE.search(raw) is None:
        return False
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
