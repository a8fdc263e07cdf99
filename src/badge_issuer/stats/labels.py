"""Names of region and category codes: a settings file, overridden by the skill map's `labels`."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from badge_issuer.skillmap.document import GroupLabels
from badge_issuer.skillmap.source import SourceError, parse_source
from badge_issuer.stats.table import GroupLabel, GroupNames

# A settings file is read once per (path, modification time).
_cache: dict[tuple[Path, float], GroupNames] = {}


class LabelsFileInvalid(ValueError):
    """The labels file cannot be read as {region|category: {code: {ja, en}}}."""


def _names(labels: GroupLabels | None) -> GroupNames:
    if labels is None:
        return {}
    return {
        "region": {code: GroupLabel(n.ja, n.en) for code, n in labels.region.items()},
        "category": {code: GroupLabel(n.ja, n.en) for code, n in labels.category.items()},
    }


def from_file(path: Path) -> GroupNames:
    """Read a labels file (YAML or JSON); raise LabelsFileInvalid when it is not one."""
    try:
        key = (path, path.stat().st_mtime)
    except OSError as exc:
        raise LabelsFileInvalid(f"cannot read {path}: {exc.strerror}") from None
    if key not in _cache:
        try:
            data = parse_source(path.read_bytes(), fmt="json" if path.suffix == ".json" else None)
            _cache[key] = _names(GroupLabels.model_validate(data))
        except (SourceError, ValidationError) as exc:
            raise LabelsFileInvalid(f"{path} is not a labels file: {exc}") from None
    return _cache[key]


def merged(file_names: GroupNames, skill_map_labels: GroupLabels | None) -> GroupNames:
    """The file's names, with the skill map's names winning for codes named in both."""
    result = {dimension: dict(names) for dimension, names in file_names.items()}
    for dimension, names in _names(skill_map_labels).items():
        result.setdefault(dimension, {}).update(names)
    return result
