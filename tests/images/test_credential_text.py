from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from badge_issuer.images import bake_png, bake_svg, unbake_png, unbake_svg
from badge_issuer.images.credential_text import svg_safe_json
from tests.images.factories import make_png, make_svg

# Characters that stress CDATA, XML and JSON: the CDATA end, CRs, XML-illegal noncharacters.
_TRICKY = st.sampled_from(["]]>", "]]", ">", "\r\n", "\r", "\ufffe", "\uffff", "<&", "あ", "\\"])
_STRINGS = st.lists(st.text() | _TRICKY, max_size=4).map("".join)
_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | _STRINGS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_STRINGS, inner, max_size=4),
    max_leaves=12,
)
_OBJECTS = st.dictionaries(_STRINGS, _JSON_VALUES, max_size=5)
_DUMPS = st.sampled_from(
    [
        lambda value: json.dumps(value, ensure_ascii=False),
        lambda value: json.dumps(value, ensure_ascii=False, indent=2),
        lambda value: json.dumps(value).replace("\n", "\r\n"),
    ]
)


class TestSvgSafeJson:
    @given(_OBJECTS, _DUMPS)
    def test_never_holds_the_cdata_end_and_parses_to_the_same_value(
        self, value: dict[str, Any], dumps: Any
    ) -> None:
        safe = svg_safe_json(dumps(value))
        assert "]]>" not in safe
        assert "\r" not in safe
        assert json.loads(safe) == value

    def test_leaves_ordinary_json_untouched(self) -> None:
        text = '{\n  "name": "Python 基礎 <入門> & more"\n}'
        assert svg_safe_json(text) == text


class TestRoundTripProperties:
    @given(_OBJECTS, _DUMPS)
    def test_svg_round_trip_keeps_the_value_and_the_safe_text(
        self, value: dict[str, Any], dumps: Any
    ) -> None:
        text = dumps(value)
        unbaked = unbake_svg(bake_svg(make_svg(), text))
        assert unbaked.credential == value
        assert unbaked.credential_json == svg_safe_json(text)

    @given(_OBJECTS, _DUMPS)
    def test_png_round_trip_keeps_the_text_byte_for_byte(
        self, value: dict[str, Any], dumps: Any
    ) -> None:
        text = dumps(value)
        unbaked = unbake_png(bake_png(make_png(), text))
        assert unbaked.credential == value
        assert unbaked.credential_json == text
