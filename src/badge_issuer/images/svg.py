"""Bake an Open Badges 3.0 credential into an SVG, and read it back.

OB 3.0 § SVG Baking: the root `<svg>` declares `xmlns:openbadges` =
`https://purl.imsglobal.org/ob/v3p0`, and directly after the `<svg>` tag comes one
`<openbadges:credential>`. With an embedded proof (what this service issues) the element has
no `verify` attribute and holds the credential JSON in `<![CDATA[...]]>`; with a VC-JWT the
spec puts the Compact JWS in a `verify` attribute instead (read, then refused, by `unbake_svg`).

Every SVG is parsed first with defusedxml, DTDs, entities and external references forbidden.
Baking then splices bytes: it removes each earlier `openbadges:credential` element, adds the
namespace declaration to the root tag if missing and inserts the new element as the root's
first child, leaving every other byte of the original as it was. The JSON is written with
`svg_safe_json`, so `]]>` cannot occur inside the CDATA section.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError, TreeBuilder

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException

from badge_issuer.images._svg_scan import OB3_NAMESPACE, SvgLayout, scan_svg
from badge_issuer.images.carriers import CarrierWords, only_carrier, unbaked
from badge_issuer.images.credential_text import (
    check_credential_size,
    encode_for_baking,
    svg_safe_json,
)
from badge_issuer.images.errors import (
    MalformedSvg,
    SvgNamespaceConflict,
    UnsafeSvg,
    UnsupportedCredentialFormat,
)
from badge_issuer.images.limits import DEFAULT_LIMITS, ImageLimits
from badge_issuer.images.unbaked import ImageFormat, UnbakedCredential

_FEED_BYTES = 64 * 1024

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
CREDENTIAL_TAG = f"{{{OB3_NAMESPACE}}}credential"
LEGACY_ASSERTION_TAG = "{http://openbadges.org}assertion"  # Open Badges 2.0 baking
PREFIX = "openbadges"
_UTF8_NAMES = frozenset({"utf-8", "utf8", "us-ascii", "ascii"})
_WORDS = CarrierWords(
    legacy="the SVG has an <openbadges:assertion> (Open Badges 2.0), "
    "not an <openbadges:credential> (OB 3.0)",
    missing="the SVG has no <openbadges:credential> element",
    several="the SVG has {count} <openbadges:credential> elements; OB 3.0 allows one",
)


def bake_svg(image: bytes, credential_json: str, *, limits: ImageLimits = DEFAULT_LIMITS) -> bytes:
    """Return `image` with `credential_json` baked in, replacing any credential it carried."""
    encode_for_baking(credential_json, limits)
    parse_svg(image, limits)
    # A NUL byte cannot occur in UTF-8 XML, but does in UTF-16/32 without a declaration.
    if b"\0" in image:
        raise MalformedSvg("only UTF-8 SVGs can be baked; this one is UTF-16 or UTF-32")
    layout = scan_svg(image)
    _require_utf8(layout)
    bound = layout.root_namespaces.get(PREFIX)
    if bound not in (None, OB3_NAMESPACE):
        raise SvgNamespaceConflict(
            f"the root element binds the prefix {PREFIX!r} to {bound!r}, not to {OB3_NAMESPACE!r}"
        )
    cdata = svg_safe_json(credential_json).encode("utf-8")
    element = b"<openbadges:credential><![CDATA[" + cdata + b"]]></openbadges:credential>"
    baked = _splice(image, layout, element, declare_prefix=bound is None)
    limits.check_image_size(len(baked))
    parse_svg(baked, limits)
    return baked


def unbake_svg(image: bytes, *, limits: ImageLimits = DEFAULT_LIMITS) -> UnbakedCredential:
    """Extract the credential baked into an SVG."""
    root = parse_svg(image, limits)
    carrier = only_carrier(
        list(root.iter(CREDENTIAL_TAG)),
        has_legacy=lambda: next(root.iter(LEGACY_ASSERTION_TAG), None) is not None,
        words=_WORDS,
    )
    return unbaked(ImageFormat.SVG, _credential_text(carrier, limits))


def parse_svg(image: bytes, limits: ImageLimits) -> Element:
    """Parse an SVG with defusedxml (no DTD, entities or external references).

    The bytes are fed in slices rather than in one call: a 5 MiB SVG of tiny elements costs
    over a second of CPU inside expat, and a caller's CPU budget (an asynchronous exception,
    see `verification.budget`) can only stop the work between two Python-level calls.
    """
    limits.check_image_size(len(image))
    try:
        parser = safe_xml.DefusedXMLParser(
            target=TreeBuilder(), forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
        for start in range(0, len(image), _FEED_BYTES):
            parser.feed(image[start : start + _FEED_BYTES])
        root: Element = parser.close()
    except DefusedXmlException as exc:
        raise UnsafeSvg(f"the SVG is refused: {exc}") from None
    except ParseError as exc:
        raise MalformedSvg(f"the SVG is not well-formed XML: {exc}") from None
    if root.tag != f"{{{SVG_NAMESPACE}}}svg":
        raise MalformedSvg(f"the root element is {root.tag!r}, not an SVG <svg> element")
    return root


def _credential_text(element: Element, limits: ImageLimits) -> str:
    """Return the JSON text of an `<openbadges:credential>` element."""
    if element.get("verify"):
        raise UnsupportedCredentialFormat(
            "the <openbadges:credential> has a 'verify' attribute (a VC-JWT Compact JWS); "
            "this service reads credentials with an embedded proof (JSON) only"
        )
    if len(element):
        raise MalformedSvg("the <openbadges:credential> element has child elements")
    text = element.text or ""
    check_credential_size(len(text.encode("utf-8")), limits)
    return text


def _require_utf8(layout: SvgLayout) -> None:
    """Refuse to splice UTF-8 bytes into an SVG declared in another encoding."""
    encoding = (layout.declared_encoding or "utf-8").lower()
    if encoding not in _UTF8_NAMES:
        raise MalformedSvg(f"only UTF-8 SVGs can be baked; this one is {encoding!r}")


def _splice(image: bytes, layout: SvgLayout, element: bytes, *, declare_prefix: bool) -> bytes:
    """Insert `element` as the root's first child and drop earlier credential elements."""
    tag_close = layout.root_tag_end - (2 if layout.root_self_closing else 1)
    declaration = f' xmlns:{PREFIX}="{OB3_NAMESPACE}"'.encode() if declare_prefix else b""
    opened = declaration + b">" + element
    if layout.root_self_closing:
        opened += b"</" + layout.root_qname + b">"
    parts = [image[:tag_close], opened]
    cursor = layout.root_tag_end
    for start, end in layout.credential_spans:
        parts.append(image[cursor:start])
        cursor = end
    parts.append(image[cursor:])
    return b"".join(parts)
