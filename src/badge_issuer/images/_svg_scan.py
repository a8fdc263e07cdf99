"""Find, by byte offset, the parts of an SVG that baking rewrites.

Baking splices bytes instead of re-serialising a parsed tree, so comments, formatting,
attribute order and namespace prefixes of the original survive untouched. Expat reports the
offset where each tag starts; the end of a start tag is found with a pattern for well-formed
tags, which is safe because the document was already parsed by defusedxml before this runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NoReturn
from xml.parsers import expat

from badge_issuer.images.errors import MalformedSvg, UnsafeSvg

OB3_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
_CREDENTIAL_NAME = f"{OB3_NAMESPACE} credential"

# A well-formed start tag: name, attributes with quoted values (which may hold '>'), close.
_START_TAG = re.compile(rb"""<[^\s/>]+(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*(/?)>""")
_QNAME = re.compile(rb"<([^\s/>]+)")


@dataclass(slots=True)
class SvgLayout:
    """Byte positions in an SVG document that baking needs."""

    root_tag_start: int = -1
    root_tag_end: int = -1
    root_self_closing: bool = False
    root_qname: bytes = b""
    root_namespaces: dict[str, str] = field(default_factory=dict)
    credential_spans: list[tuple[int, int]] = field(default_factory=list)
    declared_encoding: str | None = None


def scan_svg(data: bytes) -> SvgLayout:
    """Return the byte layout of a well-formed, DTD-free SVG document."""
    return _Scanner(data).run()


class _Scanner:
    """Expat handlers that record offsets; DTDs and entities are refused here too."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._layout = SvgLayout()
        self._depth = 0
        self._open_credentials: list[int] = []
        self._parser = expat.ParserCreate(namespace_separator=" ")
        self._parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self._parser.StartDoctypeDeclHandler = self._refuse_dtd
        self._parser.EntityDeclHandler = self._refuse_dtd
        self._parser.ExternalEntityRefHandler = self._refuse_dtd
        self._parser.XmlDeclHandler = self._xml_declaration
        self._parser.StartNamespaceDeclHandler = self._namespace
        self._parser.StartElementHandler = self._start
        self._parser.EndElementHandler = self._end

    def run(self) -> SvgLayout:
        """Parse the whole document and return what was recorded."""
        try:
            self._parser.Parse(self._data, True)
        except expat.ExpatError as exc:
            raise MalformedSvg(f"the SVG is not well-formed XML: {exc}") from None
        return self._layout

    def _refuse_dtd(self, *_args: object) -> NoReturn:
        raise UnsafeSvg("the SVG has a document type declaration; DTDs are not allowed")

    def _xml_declaration(self, _version: str, encoding: str | None, _standalone: int) -> None:
        self._layout.declared_encoding = encoding

    def _namespace(self, prefix: str | None, uri: str) -> None:
        if self._depth == 0:
            self._layout.root_namespaces[prefix or ""] = uri

    def _start(self, name: str, _attributes: dict[str, str]) -> None:
        start = self._parser.CurrentByteIndex
        if self._depth == 0:
            self._record_root(start)
        if name == _CREDENTIAL_NAME:
            self._open_credentials.append(start)
        self._depth += 1

    def _end(self, name: str) -> None:
        self._depth -= 1
        if name != _CREDENTIAL_NAME:
            return
        start = self._open_credentials.pop()
        if not self._open_credentials:
            self._layout.credential_spans.append((start, self._element_end(start)))

    def _record_root(self, start: int) -> None:
        tag = _START_TAG.match(self._data, start)
        qname = _QNAME.match(self._data, start)
        if tag is None or qname is None:
            raise MalformedSvg("the root start tag of the SVG cannot be located")
        self._layout.root_tag_start = start
        self._layout.root_tag_end = tag.end()
        self._layout.root_self_closing = tag.group(1) == b"/"
        self._layout.root_qname = qname.group(1)

    def _element_end(self, start: int) -> int:
        """Return the offset just past the element that starts at `start`."""
        tag = _START_TAG.match(self._data, start)
        if tag is None:
            raise MalformedSvg(f"the start tag at byte {start} cannot be located")
        if tag.group(1) == b"/":
            return tag.end()
        end_tag = self._parser.CurrentByteIndex
        return self._data.index(b">", end_tag) + 1
