"""What validation reports: an error tied to the path of the offending entry in the file."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SkillMapError:
    """One problem in a skill map; path looks like `achievements[2].rule.all_of[1].course`."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


def field(path: str, name: str) -> str:
    """Return the path of a named field below path."""
    return f"{path}.{name}" if path else name


def item(path: str, index: int) -> str:
    """Return the path of a list item below path."""
    return f"{path}[{index}]"
