from __future__ import annotations

import pytest

from badge_issuer.images import errors
from badge_issuer.problems import ProblemError

ALL_ERRORS = [
    value
    for value in vars(errors).values()
    if isinstance(value, type) and issubclass(value, errors.BakedImageError)
]


class TestBakedImageErrors:
    @pytest.mark.parametrize("error", ALL_ERRORS, ids=lambda error: error.__name__)
    def test_every_error_is_a_client_error_problem(
        self, error: type[errors.BakedImageError]
    ) -> None:
        raised = error("what went wrong")
        assert isinstance(raised, ProblemError)
        assert 400 <= raised.status < 500
        assert raised.detail == "what went wrong"

    def test_slugs_are_unique(self) -> None:
        slugs = [error.slug for error in ALL_ERRORS]
        assert len(slugs) == len(set(slugs))
