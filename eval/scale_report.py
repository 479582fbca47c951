"""Markdown tables of a scale report (eval/reports/scale.json) for the terminal and docs/scale.md."""
from __future__ import annotations

from typing import Any

MIB = 1024**2


def _table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def storage_markdown(storage: list[dict[str, Any]]) -> str:
    """Bytes per vector, vectors per GiB and GiB at each target count."""
    targets = [k for k in storage[0] if k.startswith("gib_at_")] if storage else []
    header = ["format", "bytes/vector (code+id)", "vectors per GiB"] + [f"GiB for {int(k[7:]):,}" for k in targets]
    rows = [[s["format"], f'{s["code_bytes"]}+{s["id_bytes"]}', f'{s["vectors_per_gib"]:,}'] + [s[k] for k in targets]
            for s in storage]
    return _table(header, rows)


def results_markdown(rows: list[dict[str, Any]]) -> str:
    """One line per index/setting/threads: recall, latency, build time, memory."""
    header = ["index", "n", "setting", "threads", "recall@10", "p50 ms", "p95 ms", "build s", "index MiB", "RSS Δ MiB"]
    out = [[r["index"], f'{r["n"]:,}', r["setting"], r["threads"], r["recall@10"], r["p50_ms"], r["p95_ms"],
            r["build_s"], round(r["index_bytes"] / MIB), round(r["rss_delta_bytes"] / MIB)] for r in rows]
    return _table(header, out)


def markdown(report: dict[str, Any]) -> str:
    """The whole report: storage, benchmark and (if any) the HNSW extrapolation."""
    parts = ["### Storage per vector", storage_markdown(report["storage"]),
             f'### FAISS at {report["n"]:,} synthetic passages (dim {report["synthetic"]["dim"]}, k={report["k"]})',
             results_markdown(report["rows"])]
    ext = report.get("hnsw_extrapolated")
    if ext:
        parts.append(f'HNSW at {ext["n"]:,} **extrapolated** from n={ext["from_n"]}: build ≈ {ext["build_s"]} s, '
                     f'index ≈ {ext["index_bytes"] / MIB:,.0f} MiB ({ext["bytes_per_vector"]} bytes/vector).')
    return "\n\n".join(parts)
