"""Turn the bytes of a skill map file (YAML or JSON) into plain Python data, within size caps."""

from __future__ import annotations

import json
from collections.abc import Hashable
from typing import Any, Literal

import yaml

from badge_issuer.kit.json_members import DuplicateMember, unique_members

SourceFormat = Literal["yaml", "json"]

DEFAULT_MAX_BYTES = 1_000_000
# YAML aliases share nodes, so a small file can expand into a huge tree ("billion laughs"):
# safe_load builds it cheaply, but everything that walks the result afterwards would not.
DEFAULT_MAX_NODES = 200_000
DEFAULT_MAX_DEPTH = 48


class SourceError(ValueError):
    """The file cannot be read as a skill map document at all (size, encoding, syntax)."""


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate mapping keys instead of silently keeping the last."""


def _construct_unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            raise yaml.constructor.ConstructorError(
                None, None, "mapping key is not a scalar", key_node.start_mark
            )
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping
)


def _decode(source: bytes | str, max_bytes: int) -> str:
    raw = source.encode("utf-8") if isinstance(source, str) else source
    if len(raw) > max_bytes:
        raise SourceError(f"document is {len(raw)} bytes; the limit is {max_bytes}")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"document is not UTF-8: {exc.reason} at byte {exc.start}") from exc


def _guess_format(text: str) -> SourceFormat:
    return "json" if text.lstrip().startswith("{") else "yaml"


def _parse_text(text: str, fmt: SourceFormat) -> object:
    try:
        if fmt == "json":
            return json.loads(text, object_pairs_hook=unique_members)
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except DuplicateMember as exc:
        raise SourceError(f"duplicate key {exc.name!r}") from None
    except json.JSONDecodeError as exc:
        raise SourceError(
            f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from exc
    except yaml.YAMLError as exc:
        raise SourceError(f"invalid YAML: {exc}") from exc
    except RecursionError as exc:
        raise SourceError("document is nested too deeply") from exc
    except (ValueError, TypeError, OverflowError) as exc:
        # YAML resolves `2026-02-30` as a date and the constructor fails outside YAMLError.
        raise SourceError(f"invalid YAML value: {exc} (quote it to keep it as text)") from exc


def _check_tree_size(data: object, max_nodes: int, max_depth: int) -> None:
    """Walk the tree iteratively, counting shared (aliased) nodes once per appearance."""
    stack: list[tuple[object, int]] = [(data, 0)]
    seen = 0
    while stack:
        node, depth = stack.pop()
        seen += 1
        if seen > max_nodes:
            raise SourceError(f"document expands to more than {max_nodes} values")
        if depth > max_depth:
            raise SourceError(f"document is nested deeper than {max_depth} levels")
        if isinstance(node, dict):
            stack.extend((value, depth + 1) for value in node.values())
        elif isinstance(node, list):
            stack.extend((item, depth + 1) for item in node)


def parse_source(
    source: bytes | str,
    *,
    fmt: SourceFormat | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_nodes: int = DEFAULT_MAX_NODES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> dict[str, Any]:
    """Parse a YAML or JSON skill map (format guessed when fmt is None) into a mapping.

    Raises:
        SourceError: too large, not UTF-8, bad syntax, duplicate keys, too deep or too many
            values once aliases are expanded, or a root that is not a mapping.
    """
    text = _decode(source, max_bytes)
    data = _parse_text(text, fmt or _guess_format(text))
    _check_tree_size(data, max_nodes, max_depth)
    if not isinstance(data, dict):
        raise SourceError(f"the document root must be a mapping, not {_type_name(data)}")
    return data


def _type_name(value: object) -> str:
    return "empty" if value is None else type(value).__name__
