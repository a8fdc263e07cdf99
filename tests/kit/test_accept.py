"""Accept-style headers split into values with their q weights, in header order."""

from __future__ import annotations

import math

from badge_issuer.kit.accept import weighted_values


class TestWeightedValues:
    def test_values_keep_their_order_and_case_with_default_weight_one(self) -> None:
        assert weighted_values("text/CSV, ja") == [("text/CSV", 1.0), ("ja", 1.0)]

    def test_q_is_read_among_other_parameters_whatever_its_case(self) -> None:
        header = "text/csv; charset=utf-8; Q=0.4, en-GB;q=0.75"
        assert weighted_values(header) == [("text/csv", 0.4), ("en-GB", 0.75)]

    def test_a_q_that_is_not_a_number_weighs_nothing(self) -> None:
        assert weighted_values("ja;q=high") == [("ja", 0.0)]

    def test_out_of_range_weights_are_left_to_the_caller(self) -> None:
        (_, big), (_, nan) = weighted_values("a;q=2, b;q=nan")
        assert big == 2.0
        assert math.isnan(nan)

    def test_an_absent_header_is_one_empty_value(self) -> None:
        assert weighted_values(None) == [("", 1.0)]
