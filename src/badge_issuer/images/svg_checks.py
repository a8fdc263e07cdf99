"""Check that an uploaded SVG is inert, self-contained and bakeable before it is stored.

`svg.parse_svg` already parses with defusedxml (no DTD, entities or external entity
references). Badge SVGs are then served from this service's own origin, so an upload must
also carry no active content (scripts, event handlers, embedded HTML, javascript: URLs) and
reference nothing outside itself (links and CSS urls only to `#fragments`, images only as
raster data: URIs), so that a viewer of a badge never contacts another host. Elements and
attributes are checked against a namespace-aware allow-list (`svg_allowlist`) and CSS is
parsed, not pattern-matched (`svg_css`). The HTTP answers add a sandboxing
Content-Security-Policy as a second line of defence.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from badge_issuer.images import svg_allowlist as allowlist
from badge_issuer.images import svg_css
from badge_issuer.images.limits import ImageLimits
from badge_issuer.images.store_errors import ImageAlreadyBaked, UnsafeSvgContent
from badge_issuer.images.svg import CREDENTIAL_TAG, LEGACY_ASSERTION_TAG, bake_svg, parse_svg

_BAKED_TAGS = (CREDENTIAL_TAG, LEGACY_ASSERTION_TAG)
_ANIMATIONS = frozenset({"animate", "set", "animateMotion", "animateTransform"})
_LOCAL_REFERENCE = re.compile(r"#[^\s]*")
_RASTER_DATA_URI = re.compile(r"data:image/(?:png|jpeg|gif|webp)[;,]", re.IGNORECASE)
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
    """Refuse an element or attribute outside the allow-list, or one that could fetch."""
    uri, name = allowlist.split(element.tag)
    if uri in allowlist.METADATA_NAMESPACES:
        return  # editors' metadata: never rendered
    if uri != allowlist.SVG or name not in allowlist.SVG_ELEMENTS:
        where = f" in the namespace {uri}" if uri else " without a namespace"
        raise UnsafeSvgContent(f"the SVG has a <{name}> element{where}, which is not allowed")
    if name == "style":
        _refuse_css(name, "", svg_css.stylesheet_problem(element.text or ""))
    if name in _ANIMATIONS and allowlist.split(element.get("attributeName", ""))[1].endswith(
        "href"
    ):
        raise UnsafeSvgContent(f"a <{name}> element animates a link")
    for qualified, value in element.attrib.items():
        _check_attribute(name, qualified, value)


def _check_attribute(element: str, qualified: str, value: str) -> None:
    """Refuse unknown attributes, event handlers, script URLs and outside references."""
    uri, attribute = allowlist.split(qualified)
    if uri == "" and attribute.lower().startswith("on"):
        raise UnsafeSvgContent(f"<{element}> has an event handler attribute {attribute!r}")
    if not allowlist.attribute_allowed(allowlist.SVG, qualified):
        where = f" in the namespace {uri}" if uri else ""
        raise UnsafeSvgContent(f"<{element}> has the attribute {attribute!r}{where}, not allowed")
    if _SCRIPT_SCHEME.search(_INVISIBLE.sub("", value)):
        raise UnsafeSvgContent(f"<{element} {attribute}> holds a script URL")
    if attribute == "href" and not _is_self_contained(element, value.strip()):
        raise UnsafeSvgContent(
            f"<{element}> references {value[:80]!r}; only #fragments and, for <image>, "
            "raster data: URIs are allowed"
        )
    if uri == "" and attribute == "style":
        _refuse_css(element, attribute, svg_css.style_attribute_problem(value))
    elif attribute != "href":
        _refuse_css(element, attribute, svg_css.attribute_value_problem(value))


def _refuse_css(element: str, attribute: str, problem: str | None) -> None:
    if problem is not None:
        where = f"<{element} {attribute}>" if attribute else f"a <{element}> element"
        raise UnsafeSvgContent(f"{where} has {problem}")


def _is_self_contained(element: str, reference: str) -> bool:
    if _LOCAL_REFERENCE.fullmatch(reference):
        return True
    return element == "image" and _RASTER_DATA_URI.match(reference) is not None
