from __future__ import annotations

import re
import socket

import pytest
from defusedxml import ElementTree

from badge_issuer.images import ImageFormat, ImageLimits, bake_svg, unbake_svg
from badge_issuer.images.errors import (
    ImageTooLarge,
    LegacyBadgeNotSupported,
    MalformedSvg,
    MultipleCredentials,
    NoBakedCredential,
    SvgNamespaceConflict,
    UnsafeSvg,
    UnsupportedCredentialFormat,
)
from tests.images.factories import OB3, credential_json, make_credential, make_svg

CREDENTIAL_TAG = f"{{{OB3}}}credential"
DECLARATION = f' xmlns:openbadges="{OB3}"'.encode()
_ELEMENT = re.compile(rb"<openbadges:credential>.*?</openbadges:credential>", re.DOTALL)

SPEC_STYLE_BAKED = f"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg"
  xmlns:openbadges="{OB3}"
  viewBox="0 0 512 512">
  <openbadges:credential>
    <![CDATA[
      {{"id": "urn:example:old", "type": ["VerifiableCredential"]}}
    ]]>
  </openbadges:credential>
  <!-- rest-of-image -->
  <rect width="512" height="512"/>
</svg>
""".encode()

XXE_FILE = f"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="{OB3}">
<openbadges:credential>&xxe;</openbadges:credential></svg>""".encode()

XXE_HTTP = f"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/xxe.json">]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="{OB3}">
<openbadges:credential>&xxe;</openbadges:credential></svg>""".encode()

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE svg SYSTEM "http://127.0.0.1:9/evil.dtd">
<svg xmlns="http://www.w3.org/2000/svg"/>"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/p.dtd"> %remote;]>
<svg xmlns="http://www.w3.org/2000/svg"/>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE svg [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<svg xmlns="http://www.w3.org/2000/svg">&lol9;</svg>"""

SVG11_DOCTYPE = b"""<?xml version="1.0" standalone="no"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"
  "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg"/>"""

HOSTILE = {
    "xxe-file": XXE_FILE,
    "xxe-http": XXE_HTTP,
    "external-dtd": EXTERNAL_DTD,
    "parameter-entity": PARAMETER_ENTITY,
    "billion-laughs": BILLION_LAUGHS,
    "svg11-doctype": SVG11_DOCTYPE,
}


@pytest.fixture
def network_attempts(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Make every way of opening a connection fail, and record each attempt."""
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("a test tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def _strip_baking(baked: bytes) -> bytes:
    """Undo a bake by hand: drop the inserted element and namespace declaration."""
    return _ELEMENT.sub(b"", baked, count=1).replace(DECLARATION, b"", 1)


class TestBakeSvg:
    def test_round_trip_gives_the_same_dict_and_the_same_json_text(self) -> None:
        text = credential_json()
        unbaked = unbake_svg(bake_svg(make_svg(), text))
        assert unbaked.image_format is ImageFormat.SVG
        assert unbaked.credential == make_credential()
        assert unbaked.credential_json == text

    def test_credential_is_the_first_child_and_the_namespace_is_on_the_root(self) -> None:
        baked = bake_svg(make_svg(), credential_json())
        root = ElementTree.fromstring(baked)
        assert root[0].tag == CREDENTIAL_TAG
        assert "verify" not in root[0].attrib
        root_tag = re.search(rb"<svg[^>]*>", baked)
        assert root_tag is not None
        assert DECLARATION in root_tag.group(0)
        assert b"<openbadges:credential><![CDATA[{" in baked

    def test_keeps_every_other_byte_of_the_original(self) -> None:
        original = make_svg(root_attrs=' data-x="1>0"')
        assert _strip_baking(bake_svg(original, credential_json())) == original

    def test_rebaking_replaces_the_credential_instead_of_adding_one(self) -> None:
        twice = bake_svg(bake_svg(make_svg(), credential_json(number=1)), credential_json(number=2))
        assert len(list(ElementTree.fromstring(twice).iter(CREDENTIAL_TAG))) == 1
        assert twice.count(b"openbadges:credential>") == 2  # one start tag, one end tag
        assert twice.count(b"xmlns:openbadges") == 1
        assert unbake_svg(twice).credential == make_credential(number=2)

    def test_rebaking_equals_baking_the_original(self) -> None:
        original = make_svg()
        rebaked = bake_svg(bake_svg(original, credential_json(number=1)), credential_json(number=2))
        assert rebaked == bake_svg(original, credential_json(number=2))

    def test_rebaking_a_spec_style_baked_svg_reuses_its_declaration(self) -> None:
        baked = bake_svg(SPEC_STYLE_BAKED, credential_json())
        assert baked.count(b"xmlns:openbadges") == 1
        assert b"urn:example:old" not in baked
        assert b"<!-- rest-of-image -->" in baked
        assert unbake_svg(baked).credential == make_credential()

    def test_removes_credentials_under_other_prefixes_and_deeper_levels(self) -> None:
        nested = make_svg(
            f'<g><ob:credential xmlns:ob="{OB3}" verify="a.b.c"/></g>'
            f'<ob:credential xmlns:ob="{OB3}"><![CDATA[{{}}]]></ob:credential>'
        )
        baked = bake_svg(nested, credential_json())
        assert len(list(ElementTree.fromstring(baked).iter(CREDENTIAL_TAG))) == 1
        assert b"<g></g>" in baked

    def test_a_json_text_holding_the_cdata_end_is_escaped(self) -> None:
        text = '{"narrative": "a]]>b", "list": [[1]]}'
        baked = bake_svg(make_svg(), text)
        assert baked.count(b"]]>") == 1  # only the end of the CDATA section
        unbaked = unbake_svg(baked)
        assert unbaked.credential == {"narrative": "a]]>b", "list": [[1]]}
        assert unbaked.credential_json == '{"narrative": "a]]\\u003eb", "list": [[1]]}'

    def test_carriage_returns_become_line_feeds_so_the_text_reads_back_unchanged(self) -> None:
        text = '{\r\n  "a": "x\\r"\r}'
        unbaked = unbake_svg(bake_svg(make_svg(), text))
        assert unbaked.credential_json == '{\n  "a": "x\\r"\n}'
        assert unbaked.credential == {"a": "x\r"}

    def test_bakes_a_self_closing_root(self) -> None:
        baked = bake_svg(b'<svg xmlns="http://www.w3.org/2000/svg" />', "{}")
        assert baked == (
            b'<svg xmlns="http://www.w3.org/2000/svg" ' + DECLARATION + b">"
            b"<openbadges:credential><![CDATA[{}]]></openbadges:credential></svg>"
        )

    def test_bakes_an_svg_with_a_byte_order_mark_and_a_prefixed_root(self) -> None:
        original = b'\xef\xbb\xbf<s:svg xmlns:s="http://www.w3.org/2000/svg"><s:g/></s:svg>'
        baked = bake_svg(original, "{}")
        assert baked.startswith(b"\xef\xbb\xbf<s:svg")
        assert baked.endswith(b"</openbadges:credential><s:g/></s:svg>")

    def test_refuses_an_openbadges_prefix_bound_elsewhere(self) -> None:
        ob2 = make_svg(root_attrs=' xmlns:openbadges="http://openbadges.org"')
        with pytest.raises(SvgNamespaceConflict, match=r"http://openbadges\.org"):
            bake_svg(ob2, "{}")

    def test_refuses_to_splice_into_a_non_utf8_svg(self) -> None:
        latin1 = (
            b'<?xml version="1.0" encoding="ISO-8859-1"?><svg xmlns="http://www.w3.org/2000/svg"/>'
        )
        with pytest.raises(MalformedSvg, match="only UTF-8"):
            bake_svg(latin1, "{}")

    def test_refuses_a_utf16_svg(self) -> None:
        utf16 = '<svg xmlns="http://www.w3.org/2000/svg"/>'.encode("utf-16")
        with pytest.raises(MalformedSvg, match="only UTF-8"):
            bake_svg(utf16, "{}")


class TestUnbakeSvg:
    def test_reads_a_spec_style_baked_svg(self) -> None:
        unbaked = unbake_svg(SPEC_STYLE_BAKED)
        assert unbaked.credential == {"id": "urn:example:old", "type": ["VerifiableCredential"]}

    def test_plain_svg_has_no_credential(self) -> None:
        with pytest.raises(NoBakedCredential, match="no <openbadges:credential>"):
            unbake_svg(make_svg())

    def test_legacy_assertion_is_not_an_ob3_credential(self) -> None:
        ob2 = make_svg(
            '<openbadges:assertion verify="https://example.org/a.json"/>',
            root_attrs=' xmlns:openbadges="http://openbadges.org"',
        )
        with pytest.raises(LegacyBadgeNotSupported):
            unbake_svg(ob2)

    def test_two_credentials_are_refused(self) -> None:
        element = f'<ob:credential xmlns:ob="{OB3}">{{}}</ob:credential>'
        with pytest.raises(MultipleCredentials):
            unbake_svg(make_svg(element + element))

    def test_a_vc_jwt_in_the_verify_attribute_is_recognised_and_refused(self) -> None:
        jwt = make_svg(f'<ob:credential xmlns:ob="{OB3}" verify="eyJh.eyJp.c2ln"></ob:credential>')
        with pytest.raises(UnsupportedCredentialFormat, match="verify"):
            unbake_svg(jwt)

    def test_child_elements_inside_the_credential_are_refused(self) -> None:
        odd = make_svg(f'<ob:credential xmlns:ob="{OB3}"><g/></ob:credential>')
        with pytest.raises(MalformedSvg, match="child elements"):
            unbake_svg(odd)

    def test_not_well_formed(self) -> None:
        with pytest.raises(MalformedSvg, match="not well-formed"):
            unbake_svg(b'<svg xmlns="http://www.w3.org/2000/svg"><g></svg>')

    def test_root_must_be_an_svg_element(self) -> None:
        with pytest.raises(MalformedSvg, match="not an SVG"):
            unbake_svg(b"<svg><g/></svg>")

    def test_image_over_the_size_limit(self) -> None:
        with pytest.raises(ImageTooLarge):
            unbake_svg(make_svg(), limits=ImageLimits(max_image_bytes=64))


class TestHostileSvg:
    @pytest.mark.parametrize("document", HOSTILE.values(), ids=HOSTILE.keys())
    def test_unbaking_refuses_dtds_entities_and_external_references(
        self, document: bytes, network_attempts: list[object]
    ) -> None:
        with pytest.raises(UnsafeSvg) as raised:
            unbake_svg(document)
        assert "root:" not in raised.value.detail
        assert network_attempts == []

    @pytest.mark.parametrize("document", HOSTILE.values(), ids=HOSTILE.keys())
    def test_baking_refuses_dtds_entities_and_external_references(
        self, document: bytes, network_attempts: list[object]
    ) -> None:
        with pytest.raises(UnsafeSvg):
            bake_svg(document, credential_json())
        assert network_attempts == []

    def test_the_network_guard_itself_works(self, network_attempts: list[object]) -> None:
        with pytest.raises(OSError, match="network"):
            socket.create_connection(("127.0.0.1", 9))
        assert len(network_attempts) == 1

    def test_xinclude_is_not_processed(self, network_attempts: list[object]) -> None:
        xinclude = make_svg(
            '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd"/>'
        )
        with pytest.raises(NoBakedCredential):
            unbake_svg(xinclude)
        assert network_attempts == []
