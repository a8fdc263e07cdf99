"""SVG artwork: the bypasses of the attack run and cases modelled on a public sanitizer corpus.

The corpus cases are written here from the ideas of darylldoyle/svg-sanitizer `tests/data`
(hrefTestOne, externalTest, formDataTest, htmlTest): script URLs hidden by a character
reference, data: SVG links, HTML forms and elements, CSS urls to other hosts and paths.
"""

from __future__ import annotations

import pytest

from badge_issuer.images.limits import DEFAULT_LIMITS
from badge_issuer.images.store_errors import UnsafeSvgContent
from badge_issuer.images.svg_checks import check_svg_upload

HEAD = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'width="10" height="10">'
)


def svg(body: str, head: str = HEAD) -> bytes:
    return (head + body + "</svg>").encode()


ATTACK_RUN_BYPASSES = {
    "escaped url( in a style attribute": '<rect style="fill:\\75 rl(https://evil.example/x)"/>',
    "escaped @import": '<style>@\\69mport "https://evil.example/x.css";</style>',
    "image-set()": '<style>rect{fill:image-set("https://evil.example/x.png" 1x)}</style>',
    "XHTML img under another prefix": (
        '<h:img xmlns:h="http://www.w3.org/1999/xhtml" src="https://evil.example/x"/>'
    ),
}

CORPUS_CASES = {
    "javascript: split by a tab reference": '<a href="javascript&#9;:alert(1)"><text>t</text></a>',
    "xlink javascript:": '<a xlink:href="javascript:alert(2)"><text>t</text></a>',
    "data: SVG link": (
        "<a xlink:href=\"data:image/svg+xml,%3Csvg onload='alert(88)'%3E\"><text>t</text></a>"
    ),
    "form and input in the SVG namespace": (
        '<form action="javascript:alert(\'1\')"><input type="submit"/></form>'
    ),
    "input with onclick": '<input type="submit" onclick="alert(\'1\')"/>',
    "fill url to another host": "<rect fill=\"url('http://example.com/x.svg')\"/>",
    "fill url to a path": "<rect fill=\"url('/x.svg')\"/>",
    "HTML p element": "<p/>",
    "font element": '<font face=""/>',
    "script element": "<script>alert(1)</script>",
    "foreignObject": '<foreignObject><div xmlns="http://www.w3.org/1999/xhtml"/></foreignObject>',
    "event handler": '<rect onload="alert(1)"/>',
    "@font-face with src": "<style>@font-face{font-family:x;src:url(https://e.example/f)}</style>",
    "url() with a quoted string in a style sheet": '<style>rect{fill:url("https://e.example")}</style>',
    "url with an escaped letter inside the ident": "<style>rect{fill:u\\rl(https://e.example)}</style>",
    "behavior property": '<rect style="behavior:url(#x)"/>',
    "-moz-binding": '<rect style="-moz-binding:url(#x)"/>',
    "xml:base": '<g xml:base="https://evil.example/"><use href="#a"/></g>',
    "attribute in the SVG namespace": (
        '<s:image xmlns:s="http://www.w3.org/2000/svg" s:href="https://evil.example/x.png"/>'
    ),
    "external use": '<use href="https://evil.example/sprite.svg#a"/>',
    "feImage to another host": '<filter id="f"><feImage href="https://evil.example/x"/></filter>',
    "@import inside @media": '<style>@media screen{@import "https://e.example/x.css";}</style>',
    "CSS expression()": '<rect style="width:expression(alert(1))"/>',
    "animation of href": '<a href="#a"><set attributeName="href" to="javascript:alert(1)"/></a>',
    "CSS that does not parse (bad url token)": '<rect style="fill:url(#a b)"/>',
}


@pytest.mark.parametrize("body", list(ATTACK_RUN_BYPASSES.values()), ids=list(ATTACK_RUN_BYPASSES))
def test_the_attack_run_bypasses_are_refused(body: str) -> None:
    with pytest.raises(UnsafeSvgContent):
        check_svg_upload(svg(body), DEFAULT_LIMITS)


@pytest.mark.parametrize("body", list(CORPUS_CASES.values()), ids=list(CORPUS_CASES))
def test_corpus_cases_are_refused(body: str) -> None:
    with pytest.raises(UnsafeSvgContent):
        check_svg_upload(svg(body), DEFAULT_LIMITS)


SAFE_ARTWORK = {
    "gradient by fragment": (
        '<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient>'
        '</defs><rect fill="url(#g)" width="10" height="10"/>'
    ),
    "style sheet with media, keyframes and functions": (
        "<style>@media (min-width: 10px){rect{fill:rgb(1,2,3);transform:rotate(10deg)}}"
        "@keyframes spin{from{opacity:0}to{opacity:calc(1 - 0.5)}}"
        '.a:not(.b){stroke:hsl(10 20% 30%)}</style><rect class="a"/>'
    ),
    "style attribute with a fragment url": '<rect style="fill:url(#g);stroke-width:2"/>',
    "raster data image": '<image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>',
    "link to a fragment": '<a href="#top"><text x="1" y="1">top</text></a>',
    "inkscape metadata": (
        '<sodipodi:namedview xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"'
        ' xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" inkscape:zoom="1"/>'
        '<metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></metadata>'
    ),
    "id with parentheses": '<g id="layer(1)" data-name="x"><path d="M0 0L1 1z"/></g>',
}


@pytest.mark.parametrize("body", list(SAFE_ARTWORK.values()), ids=list(SAFE_ARTWORK))
def test_ordinary_artwork_is_accepted(body: str) -> None:
    check_svg_upload(svg(body), DEFAULT_LIMITS)


def test_the_refusal_names_what_was_found() -> None:
    with pytest.raises(UnsafeSvgContent, match="image-set"):
        check_svg_upload(svg(ATTACK_RUN_BYPASSES["image-set()"]), DEFAULT_LIMITS)
    with pytest.raises(UnsafeSvgContent, match="xhtml"):
        check_svg_upload(svg(ATTACK_RUN_BYPASSES["XHTML img under another prefix"]), DEFAULT_LIMITS)
