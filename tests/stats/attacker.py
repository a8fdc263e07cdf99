"""A differencing attacker: every published figure as a linear constraint on the finest cells.

The attacker knows the publication rules: a suppressed cell holds at least one learner (fewer
than min_cell, or any number when suppressed as a complement); a published n means a count
within the rounding interval (n - base, n + base), or exactly n when figures are exact.
Unknowns are the finest cells (one per combination of every dimension and month), which the
finest published table lists when they hold anyone. Each published figure of any grouping,
period or cumulative series is the sum of the finest cells it covers.

A group is exposed when every assignment of the finest cells consistent with all the figures
gives it the same count. `exposed` decides that exactly, by searching for an assignment with a
different count (interval propagation, then splitting the widest domain), not by sampling.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

Cell = tuple[str, ...]  # the finest cell: values of every dimension, then the month
UNBOUNDED = 10**9


@dataclass(frozen=True)
class Constraint:
    members: frozenset[Cell]
    low: int
    high: int


def _propagate(
    domains: dict[Cell, tuple[int, int]], constraints: Sequence[Constraint]
) -> dict[Cell, tuple[int, int]] | None:
    """Tighten the domains until nothing changes; None when some constraint cannot hold."""
    domains = dict(domains)
    changed = True
    while changed:
        changed = False
        for constraint in constraints:
            members = [m for m in constraint.members if m in domains]
            low_sum = sum(domains[m][0] for m in members)
            high_sum = sum(domains[m][1] for m in members)
            if low_sum > constraint.high or high_sum < constraint.low:
                return None
            for member in members:
                low, high = domains[member]
                new_low = max(low, constraint.low - (high_sum - high))
                new_high = min(high, constraint.high - (low_sum - low))
                if new_low > new_high:
                    return None
                if (new_low, new_high) != (low, high):
                    domains[member] = (new_low, new_high)
                    low_sum += new_low - low
                    high_sum += new_high - high
                    changed = True
    return domains


def _feasible(domains: dict[Cell, tuple[int, int]], constraints: Sequence[Constraint]) -> bool:
    narrowed = _propagate(domains, constraints)
    if narrowed is None:
        return False
    open_cells = [c for c, (low, high) in narrowed.items() if low < high]
    if not open_cells:
        return True
    cell = max(open_cells, key=lambda c: narrowed[c][1] - narrowed[c][0])
    low, high = narrowed[cell]
    middle = (low + high) // 2
    return _feasible({**narrowed, cell: (low, middle)}, constraints) or _feasible(
        {**narrowed, cell: (middle + 1, high)}, constraints
    )


def exposed(
    truth: Mapping[Cell, int], constraints: Sequence[Constraint], target: Iterable[Cell]
) -> bool:
    """Whether the published constraints pin the target group's count to its true value."""
    members = frozenset(target)
    true_count = sum(truth.get(cell, 0) for cell in members)
    domains = {cell: (1, UNBOUNDED) for cell in truth}  # listed cells hold someone
    below = Constraint(members, 0, true_count - 1)
    above = Constraint(members, true_count + 1, UNBOUNDED)
    return not (
        _feasible(domains, [*constraints, below]) or _feasible(domains, [*constraints, above])
    )
