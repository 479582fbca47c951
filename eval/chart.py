"""The per-style nDCG@10 chart of a report (PNG via matplotlib, headless)."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def style_chart(summaries: dict[str, dict], out: Path, title: str) -> None:
    """Grouped bars: one group per question style, one bar per method (strict nDCG@10)."""
    methods = list(summaries)
    styles = [s for s in next(iter(summaries.values()))["by_style"] if s != "unanswerable"]
    width = 0.8 / max(1, len(methods))
    fig, ax = plt.subplots(figsize=(10, 4.5), dpi=110)
    x = np.arange(len(styles) + 1)
    for i, m in enumerate(methods):
        vals = [summaries[m]["by_style"][s]["strict"]["ndcg10"] for s in styles]
        vals.append(summaries[m]["overall"]["strict"]["ndcg10"])
        bars = ax.bar(x + i * width - 0.4 + width / 2, vals, width, label=m)
        ax.bar_label(bars, fmt="%.2f", fontsize=7, padding=1)
    ax.set_xticks(x, styles + ["ALL"], rotation=20)
    ax.set_ylabel("nDCG@10")
    ax.set_ylim(0, 1.05)
    ax.set_title(title)
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out)
    plt.close(fig)
