"""Small-cell suppression with complementary suppression against subtraction (pure).

Scheme (the simplest one that is complete for the tables we publish):

1. Primary: every cell with fewer than `min_cell` learners is suppressed.
2. One level of totals: an answer grouped by region/category/issuer also publishes, for each
   key (achievement or skill) and period, the total over all groups. Each cell belongs to
   exactly one total, so every total is an independent equation
   `total = published cells + suppressed cells`, and cells never appear in two equations.
3. Complementary: subtracting the published cells from a total leaves the sum of its
   suppressed cells. Listed cells hold at least one learner, so that remainder reveals a
   suppressed cell exactly when the total holds only one suppressed cell, or when the remainder
   equals the number of suppressed cells (each is then 1). While either holds, the shown cell
   with the fewest learners is suppressed too; if no shown cell is left, the total itself is
   suppressed. A total under `min_cell` is suppressed and needs no complement (no other
   published number contains its cells).

Answers without groups publish no totals: each cell stands alone and only rule 1 applies.
Not covered: differences between separate requests (overlapping date ranges, a cumulative
series against per-period counts, a grouping against a coarser one) can still isolate small
numbers. The API description and every answer's notes say so; open data should be published
as fixed tables.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from badge_issuer.stats.table import Tally


def publish(
    cells: Sequence[Tally], totals: Sequence[Tally], *, min_cell: int
) -> tuple[frozenset[int], frozenset[int]]:
    """Return the indexes of suppressed cells and of suppressed totals."""
    if min_cell < 1:
        raise ValueError("min_cell must be at least 1")
    hidden = {index for index, cell in enumerate(cells) if cell.learners < min_cell}
    members: dict[tuple[str, str | None], list[int]] = defaultdict(list)
    for index, cell in enumerate(cells):
        members[(cell.key, cell.period)].append(index)
    hidden_totals: set[int] = set()
    for index, total in enumerate(totals):
        # A total under min_cell needs no complement: no other published number holds its cells.
        small = total.learners < min_cell
        if small or not _protect(total.learners, members[(total.key, total.period)], cells, hidden):
            hidden_totals.add(index)
    return frozenset(hidden), frozenset(hidden_totals)


def _protect(total: int, members: list[int], cells: Sequence[Tally], hidden: set[int]) -> bool:
    """Suppress the smallest shown cells until the total reveals no suppressed cell.

    Return False when even suppressing every cell would not do (the total must then go).
    """
    shown = sorted((i for i in members if i not in hidden), key=lambda i: (cells[i].learners, i))
    suppressed = len(members) - len(shown)
    remainder = total - sum(cells[i].learners for i in shown)
    complements = iter(shown)
    while suppressed and not (suppressed >= 2 and remainder > suppressed):
        complement = next(complements, None)
        if complement is None:
            return False
        hidden.add(complement)
        suppressed += 1
        remainder += cells[complement].learners
    return True
