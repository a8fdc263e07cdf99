"""Build a read schema from a row: the fields it shares with the row, plus the computed ones."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

ReadModel = TypeVar("ReadModel", bound=BaseModel)


def read_model(model: type[ReadModel], row: object, **computed: Any) -> ReadModel:
    """Return `model` validated from `row`'s attributes of the same names and `computed`.

    `model_validate(row, from_attributes=True)` alone fails as soon as one field is derived
    (a URL, a DID, a renamed column); the derived fields are passed here instead. A field the
    row lacks keeps its default (or fails validation as missing when it has none).
    """
    stored = {
        name: getattr(row, name)
        for name in model.model_fields
        if name not in computed and hasattr(row, name)
    }
    return model.model_validate(stored | computed)
