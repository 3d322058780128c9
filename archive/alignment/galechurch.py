"""Length-based sentence alignment (Gale & Church, "A Program for Aligning Sentences in
Bilingual Corpora", Computational Linguistics 19(1), 1993), written from the paper.

Sentences are aligned by dynamic programming over beads 1-1, 1-0, 0-1, 2-1 and 1-2,
each costing -log(P(match) * P(delta | match)), where delta is the difference of the
two lengths (in characters) normalised by the expected ratio `c` and variance `s2`:
delta = (l2 - l1 * c) / sqrt(s2 * mean), with the mean of l1 and l2 / c as the paper's
program does, and P(delta | match) = 2 * (1 - Phi(|delta|)). Extra costs (anchors that
survive translation, or word overlap) are added per bead by the caller.

The search is restricted to a band around the diagonal: a 300,000-character pair stays
a few seconds of work.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

# The paper's priors (Table 5); 1-0 and 0-1 share .0099, 2-1 and 1-2 share .089.
PRIORS: dict[tuple[int, int], float] = {
    (1, 1): 0.89,
    (1, 0): 0.0099 / 2,
    (0, 1): 0.0099 / 2,
    (2, 1): 0.089 / 2,
    (1, 2): 0.089 / 2,
}
S2 = 6.8  # the paper's variance per character
_FLOOR = 1e-12


@dataclass(frozen=True)
class Bead:
    i: int
    """Index of the first sentence on side a."""
    j: int
    a: int
    """How many sentences of side a (0, 1 or 2)."""
    b: int
    cost: float
    length_probability: float
    """P(delta | match): how well the lengths agree, 1.0 for exactly as expected."""


def length_probability(len_a: int, len_b: int, *, c: float, s2: float = S2) -> float:
    if len_a == 0 and len_b == 0:
        return 1.0
    mean = (len_a + len_b / c) / 2
    delta = (len_b - len_a * c) / math.sqrt(s2 * max(mean, 1.0))
    return math.erfc(abs(delta) / math.sqrt(2))  # 2 * (1 - Phi(|delta|))


def length_cost(len_a: int, len_b: int, shape: tuple[int, int], *, c: float, s2: float = S2) -> float:
    probability = length_probability(len_a, len_b, c=c, s2=s2)
    return -math.log(max(probability * PRIORS[shape], _FLOOR))


ExtraCost = Callable[[int, int, int, int], float]
"""(i, j, a, b) -> a cost added to the bead's (negative: a bonus)."""


def align_lengths(
    lengths_a: Sequence[int],
    lengths_b: Sequence[int],
    *,
    c: float | None = None,
    judge: ExtraCost | None = None,
    band: int | None = None,
    gap_lengths: bool = True,
) -> list[Bead]:
    """The cheapest sequence of beads covering both sides, in order.

    `c` defaults to the ratio of the two sides' total lengths (characters of b per
    character of a), which suits pairs of scripts whose lengths differ (Arabic and English).
    Without `gap_lengths`, a sentence with no counterpart (1-0, 0-1) costs its prior
    only: `judge` judges it (same-language alignment, where words say more than lengths).
    """
    n, m = len(lengths_a), len(lengths_b)
    if c is None:
        c = (sum(lengths_b) or 1) / (sum(lengths_a) or 1)
    if band is None:
        band = 40 + abs(n - m)
    prefix_a = [0]
    for length in lengths_a:
        prefix_a.append(prefix_a[-1] + length)
    prefix_b = [0]
    for length in lengths_b:
        prefix_b.append(prefix_b[-1] + length)

    def window(i: int) -> range:
        centre = i * m // n if n else 0
        return range(max(0, centre - band), min(m, centre + band) + 1)

    inf = math.inf
    best: list[dict[int, float]] = [{} for _ in range(n + 1)]
    back: list[dict[int, tuple[int, int, float, float]]] = [{} for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n + 1):
        row = best[i]
        for j in window(i):
            if i == 0 and j == 0:
                continue
            cheapest, choice = inf, None
            for da, db in PRIORS:
                pi, pj = i - da, j - db
                if pi < 0 or pj < 0:
                    continue
                before = best[pi].get(pj)
                if before is None:
                    continue
                len_a = prefix_a[i] - prefix_a[pi]
                len_b = prefix_b[j] - prefix_b[pj]
                probability = length_probability(len_a, len_b, c=c) if gap_lengths or (da and db) else 1.0
                cost = -math.log(max(probability * PRIORS[(da, db)], _FLOOR))
                if judge is not None:
                    cost += judge(pi, pj, da, db)
                total = before + cost
                if total < cheapest:
                    cheapest, choice = total, (da, db, cost, probability)
            if choice is not None:
                row[j] = cheapest
                back[i][j] = choice
    if m not in best[n]:
        if band >= max(n, m):
            raise ValueError("no alignment found")
        return align_lengths(lengths_a, lengths_b, c=c, judge=judge, band=band * 2, gap_lengths=gap_lengths)
    beads: list[Bead] = []
    i, j = n, m
    while i or j:
        da, db, cost, probability = back[i][j]
        i, j = i - da, j - db
        beads.append(Bead(i, j, da, db, cost, probability))
    beads.reverse()
    return beads
