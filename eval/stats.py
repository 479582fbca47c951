"""Small statistics shared by the evaluation tools (pure)."""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def percentile(values: Iterable[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of the values; None when empty (numpy's
    "inverted_cdf" method: the smallest value with at least q % of the values at or below it)."""
    data = np.fromiter(values, dtype=float)
    if data.size == 0:
        return None
    return float(np.percentile(data, q, method="inverted_cdf"))
