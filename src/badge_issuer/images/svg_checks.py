"""Check that an uploaded SVG is inert, self-contained and bakeable before it is stored.

`svg.parse_svg` already parses with defusedxml (no DTD, entities or external entity
references). Badge SVGs are then served from this service's own origin, so an upload must
also carry no active content (scripts, event handlers, embedded HTML, javascript: URLs) and
reference nothing outside itself (links and CSS urls only to `#fragments`, images only as
raster data: URIs), so that a viewer of a badge never contacts another host. The HTTP
answers add a sandboxing Content-Security-Policy as a second line of defence.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from badge_issuer.images.limits import ImageLimits
from badge_issuer.images.store_errors import ImageAlreadyBaked, UnsafeSvgContent
from badge_issuer.images.svg import CREDENTIAL_TAG, LEGACY_ASSERTION_TAG, bake_svg, parse_svg

_BAKED_TAGS = (CREDENTIAL_TAG, LEGACY_ASSERTION_TAG)
_ACTIVE_ELEMENTS = frozenset(
    {"script", "foreignObject", "iframe", "embed", "object", "handler", "listener"}
)
_ANIMATIONS = frozenset({"animate", "set", "animateMotion", "animateTransform"})
_LOCAL_REFERENCE = re.compile(r"#[^\s]*")
_RASTER_DATA_URI = re.compile(r"data:image/(?:png|jpeg|gif|webp)[;,]", re.IGNORECASE)
# url(...) whose target is not a #fragment, and @import, in style sheets and attributes.
_CSS_EXTERNAL = re.compile(r"""url\((?!\s*['"]?\s*#)|@import""", re.IGNORECASE)
_SCRIPT_SCHEME = re.compile(r"(?:java|vb)script:", re.IGNORECASE)
_INVISIBLE = re.compile(r"[\x00-\x20]+")
# ElementTree drops processing instructions, yet viewers obey <?xml-stylesheet href=...?>.
_PROCESSING_INSTRUCTION = re.compile(rb"<\?(?!xml[\s?])")


def check_svg_upload(image: bytes, limits: ImageLimits) -> None:
    """Validate an uploaded SVG completely: safe XML, inert, self-contained, bakeable."""
    root = parse_svg(image, limits)
    if _PROCESSING_INSTRUCTION.search(image):
        raise UnsafeSvgContent("the SVG has a processing instruction such as xml-stylesheet")
    if any(next(root.iter(tag), None) is not None for tag in _BAKED_TAGS):
        raise ImageAlreadyBaked(
            "the SVG already carries an <openbadges:credential> or <openbadges:assertion>; "
            "upload the plain artwork"
        )
    for element in root.iter():
        _check_element(element)
    # Baking splices bytes and has its own conditions (UTF-8, the openbadges prefix free).
    bake_svg(image, "{}", limits=limits)


def _check_element(element: Element) -> None:
    """Refuse one element that could run code or fetch something."""
    name = _local(element.tag)
    if name in _ACTIVE_ELEMENTS:
        raise UnsafeSvgContent(f"the SVG has a <{name}> element")
    if name == "style" and _CSS_EXTERNAL.search(element.text or ""):
        raise UnsafeSvgContent("a <style> element imports or references an external resource")
    if name in _ANIMATIONS and _local(element.get("attributeName", "")).endswith("href"):
        raise UnsafeSvgContent(f"a <{name}> element animates a link")
    for qualified, value in element.attrib.items():
        _check_attribute(name, _local(qualified), value)


def _check_attribute(element: str, attribute: str, value: str) -> None:
    """Refuse event handlers, script URLs and references outside the document."""
    if attribute.lower().startswith("on"):
        raise UnsafeSvgContent(f"<{element}> has an event handler attribute {attribute!r}")
    if _SCRIPT_SCHEME.search(_INVISIBLE.sub("", value)):
        raise UnsafeSvgContent(f"<{element} {attribute}> holds a script URL")
    if attribute == "href" and not _is_self_contained(element, value.strip()):
        raise UnsafeSvgContent(
            f"<{element}> references {value[:80]!r}; only #fragments and, for <image>, "
            "raster data: URIs are allowed"
        )
    if _CSS_EXTERNAL.search(value):
        raise UnsafeSvgContent(f"<{element} {attribute}> references an external resource")


def _is_self_contained(element: str, reference: str) -> bool:
    if _LOCAL_REFERENCE.fullmatch(reference):
        return True
    return element == "image" and _RASTER_DATA_URI.match(reference) is not None


def _local(name: str) -> str:
    """Strip the `{namespace}` of an ElementTree name."""
    return name.rsplit("}", 1)[-1]
