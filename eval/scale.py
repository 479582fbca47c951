"""python -m eval.scale — what 5 M passages would need: storage per format and a FAISS benchmark.

Synthetic, seeded, L2-normalised 768-dim vectors with cluster structure (eval/scale_core.py).
Measures vectors per GiB per format, then flat (IndexFlatIP) vs IVF-PQ (nprobe sweep, with
and without exact re-ranking) vs HNSW (efSearch sweep): recall@10 against flat, per-query
latency (median, p95; 1 and 2 threads), build/train time, index bytes and RSS growth.
HNSW is built at the `--hnsw-sizes` (1 M takes too long on two shared cores by default);
its 1 M build time and memory are then extrapolated from those points and marked so.
Writes eval/reports/scale.json and prints Markdown tables.
"""
from __future__ import annotations

import argparse
import json
import logging
import platform
import statistics
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable

import faiss
import numpy as np
from tqdm import tqdm

from eval.report import report_metadata
from eval.bench import percentile
from eval.scale_core import (Synthetic, bytes_per_vector, extrapolate_n_log_n, fit_linear, gib_for,
                             recall_at_k, vector_formats, vectors_per_gib)
from eval.scale_report import markdown

log = logging.getLogger("eval.scale")
REPORT = Path(__file__).resolve().parent / "reports" / "scale.json"
K = 10


def rss_bytes() -> int:
    """Resident set size of this process (Linux /proc; 0 elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def index_bytes(index: faiss.Index) -> int:
    """Serialised size of an index (what a replica would load); flat is computed, not copied."""
    if isinstance(index, faiss.IndexFlat):
        return int(index.ntotal * index.code_size)
    return int(faiss.serialize_index(index).nbytes)


def latency(index: faiss.Index, queries: np.ndarray, threads: int, limit: int,
            setup: Callable[[], None] = lambda: None) -> tuple[dict[str, float], np.ndarray]:
    """Search queries one at a time (as the app does); ms median/p95 and the (q, K) ids."""
    faiss.omp_set_num_threads(threads)
    setup()
    index.search(queries[:3], K)  # warm-up (page in, allocate)
    ms: list[float] = []
    found = np.full((min(limit, len(queries)), K), -1, dtype=np.int64)
    for i, q in enumerate(queries[: len(found)]):
        t = time.perf_counter()
        _, rows = index.search(q.reshape(1, -1), K)
        ms.append((time.perf_counter() - t) * 1000)
        found[i] = rows[0]
    return {"p50_ms": round(statistics.median(ms), 3), "p95_ms": round(percentile(ms, 95), 3),
            "queries": len(ms)}, found


def sweep(name: str, index: faiss.Index, queries: np.ndarray, truth: np.ndarray, settings: list[tuple[str, Callable[[], None]]],
          threads: list[int], limit: int, extra: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per (setting, threads): recall@10 against flat and latency."""
    rows = []
    for label, setup in settings:
        for t in threads:
            lat, found = latency(index, queries, t, limit, setup)
            rows.append({"index": name, "setting": label, "threads": t,
                         "recall@10": round(recall_at_k(found, truth[: len(found)], K), 4), **lat, **extra})
            log.info("%s %s threads=%d recall@10=%.3f p50=%.2f ms", name, label, t, rows[-1]["recall@10"], lat["p50_ms"])
    return rows


def build_flat(data: Synthetic, n: int) -> tuple[faiss.IndexFlatIP, np.ndarray, dict[str, Any]]:
    """Flat index filled chunk by chunk; the passage matrix is a view of its storage (no copy)."""
    rss0, t0 = rss_bytes(), time.perf_counter()
    flat = faiss.IndexFlatIP(data.dim)
    add_s = 0.0
    for chunk in tqdm(data.chunks(n), total=-(-n // 50_000), desc="flat: vectors", disable=None):
        t = time.perf_counter()
        flat.add(chunk)
        add_s += time.perf_counter() - t
    total = time.perf_counter() - t0
    xb = faiss.rev_swig_ptr(flat.get_xb(), n * data.dim).reshape(n, data.dim)
    info = {"build_s": round(add_s, 2), "generate_s": round(total - add_s, 2), "index_bytes": index_bytes(flat),
            "rss_delta_bytes": rss_bytes() - rss0}
    return flat, xb, info


def build_ivfpq(xb: np.ndarray, nlist: int, m: int, train_n: int, seed: int, niter: int) -> tuple[faiss.Index, dict[str, Any]]:
    """IVF{nlist},PQ{m} trained on a seeded sample, then filled; times and sizes.

    Both k-means (coarse and the m sub-quantisers) run `niter` iterations and the PQ sees at
    most 128 points per centroid: faiss's PQ training in 8-dim sub-spaces is slow on two cores.
    """
    rss0 = rss_bytes()
    index = faiss.index_factory(xb.shape[1], f"IVF{nlist},PQ{m}", faiss.METRIC_INNER_PRODUCT)
    ivf = faiss.downcast_index(faiss.extract_index_ivf(index))
    ivf.cp.niter = niter
    ivf.pq.cp.niter = niter
    ivf.pq.cp.max_points_per_centroid = 128
    sample = xb[np.sort(np.random.default_rng(seed).choice(len(xb), size=min(train_n, len(xb)), replace=False))]
    t = time.perf_counter()
    index.train(sample)
    train_s = time.perf_counter() - t
    del sample
    t = time.perf_counter()
    step = 100_000
    for start in tqdm(range(0, len(xb), step), desc=f"IVF{nlist},PQ{m}: add", disable=None):
        index.add(xb[start:start + step])
    add_s = time.perf_counter() - t
    return index, {"train_s": round(train_s, 2), "add_s": round(add_s, 2), "build_s": round(train_s + add_s, 2),
                   "train_vectors": min(train_n, len(xb)), "kmeans_niter": niter, "index_bytes": index_bytes(index),
                   "rss_delta_bytes": rss_bytes() - rss0}


def build_hnsw(xb: np.ndarray, m: int, ef_construction: int) -> tuple[faiss.Index, dict[str, Any]]:
    """HNSW{m},Flat over xb; build time and sizes."""
    rss0 = rss_bytes()
    index = faiss.IndexHNSWFlat(xb.shape[1], m, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = ef_construction
    t = time.perf_counter()
    step = 50_000
    for start in tqdm(range(0, len(xb), step), desc=f"HNSW{m} n={len(xb)}: add", disable=None):
        index.add(xb[start:start + step])
    return index, {"build_s": round(time.perf_counter() - t, 2), "index_bytes": index_bytes(index),
                   "rss_delta_bytes": rss_bytes() - rss0}


def storage_table(dim: int, targets: list[int], pq_sizes: tuple[int, ...]) -> list[dict[str, Any]]:
    """Bytes per vector, vectors per GiB and GiB for each target count, per format."""
    rows = []
    for fmt in vector_formats(dim, pq_sizes):
        ids = 8 if fmt.name.startswith("PQ") else 0
        per = bytes_per_vector(fmt, id_bytes=ids)
        rows.append({"format": fmt.name, "note": fmt.note, "code_bytes": fmt.code_bytes, "id_bytes": ids,
                     "bytes_per_vector": per, "vectors_per_gib": vectors_per_gib(per),
                     **{f"gib_at_{n}": round(gib_for(n, per), 3) for n in targets}})
    return rows


def write_report(path: Path, report: dict[str, Any]) -> None:
    """Write the JSON report (also after each stage, so an interrupted run keeps what it measured)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2), encoding="utf-8")


def parse_ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.scale", description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="passages for flat and IVF-PQ")
    ap.add_argument("--dim", type=int, default=768)
    ap.add_argument("--queries", type=int, default=300, help="queries for recall and latency")
    ap.add_argument("--flat-queries", type=int, default=40, help="queries timed on flat (slow at 1 M)")
    ap.add_argument("--nlist", type=int, default=4096)
    ap.add_argument("--pq", type=int, default=96, help="PQ sub-quantisers (bytes per vector)")
    ap.add_argument("--pq-sizes", default="96,48", help="PQ code sizes in the storage table")
    ap.add_argument("--train", type=int, default=100_000, help="IVF-PQ training sample")
    ap.add_argument("--niter", type=int, default=10, help="k-means iterations for IVF and PQ training")
    ap.add_argument("--nprobe", default="8,16,32,64,128")
    ap.add_argument("--refine", type=int, default=4, help="IVF-PQ + exact re-rank of k×this candidates (0: off)")
    ap.add_argument("--hnsw-sizes", default="100000,300000", help="passages HNSW is built on (prefixes)")
    ap.add_argument("--hnsw-m", type=int, default=32)
    ap.add_argument("--ef-construction", type=int, default=40)
    ap.add_argument("--ef-search", default="16,32,64,128")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--targets", default="1000000,5000000", help="passage counts for the storage table")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--json", type=Path, default=REPORT)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(message)s")
    started = time.perf_counter()
    threads = parse_ints(args.threads)
    data = Synthetic(dim=args.dim, seed=args.seed)
    report: dict[str, Any] = {
        "command": "python -m eval.scale " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": {"cpus": faiss.omp_get_max_threads(), "platform": platform.platform(), "faiss": faiss.__version__,
                    "note": "shared machine (other work ran meanwhile): compare ratios within this run"},
        "synthetic": asdict(data), "n": args.n, "k": K,
        "storage": storage_table(args.dim, parse_ints(args.targets), tuple(parse_ints(args.pq_sizes))),
    }
    report["meta"] = report_metadata(report["command"])
    queries = data.make(args.queries, stream=1)
    flat, xb, flat_info = build_flat(data, args.n)
    faiss.omp_set_num_threads(max(threads))
    t = time.perf_counter()
    _, truth = flat.search(queries, K)
    log.info("exact top-%d for %d queries: %.1f s", K, len(queries), time.perf_counter() - t)
    report["data_stats"] = {"median_top1_cos": round(float(np.median(flat.search(queries, 1)[0])), 4),
                            "median_random_pair_cos": round(float(np.median(np.sum(xb[:2000] * xb[-2000:], axis=1))), 4)}
    rows = sweep("Flat", flat, queries, truth, [("exact", lambda: None)], threads, args.flat_queries,
                 {"n": args.n, **flat_info})

    ivf, ivf_info = build_ivfpq(xb, args.nlist, args.pq, args.train, args.seed, args.niter)
    probes = [(f"nprobe={p}", lambda p=p: setattr(ivf, "nprobe", p)) for p in parse_ints(args.nprobe)]
    name = f"IVF{args.nlist},PQ{args.pq}"
    rows += sweep(name, ivf, queries, truth, probes, threads, args.queries, {"n": args.n, **ivf_info})
    if args.refine:
        refined = faiss.IndexRefine(ivf, flat)  # shares flat's float32 vectors for the re-rank
        refined.k_factor = args.refine
        probes_r = [(f"nprobe={p}", lambda p=p: setattr(ivf, "nprobe", p)) for p in parse_ints(args.nprobe)]
        rows += sweep(f"{name}+refine×{args.refine}", refined, queries, truth, probes_r, threads, args.queries,
                      {"n": args.n, **ivf_info, "index_bytes": ivf_info["index_bytes"] + flat_info["index_bytes"],
                       "note": "re-rank reads the float32 vectors (flat) too"})
        del refined
    del ivf
    write_report(args.json, {**report, "rows": rows, "partial": True})

    hnsw_points: list[dict[str, Any]] = []
    for size in parse_ints(args.hnsw_sizes):
        size = min(size, args.n)
        sub_truth = truth if size == args.n else faiss.knn(queries, xb[:size], K, metric=faiss.METRIC_INNER_PRODUCT)[1]
        hnsw, info = build_hnsw(xb[:size], args.hnsw_m, args.ef_construction)
        hnsw_points.append({"n": size, **info})
        efs = [(f"efSearch={e}", lambda e=e: setattr(hnsw.hnsw, "efSearch", e)) for e in parse_ints(args.ef_search)]
        rows += sweep(f"HNSW{args.hnsw_m},Flat", hnsw, queries, sub_truth, efs, threads, args.queries, {"n": size, **info})
        del hnsw
        write_report(args.json, {**report, "rows": rows, "hnsw_builds": hnsw_points, "partial": True})
    if hnsw_points and max(p["n"] for p in hnsw_points) < args.n:
        intercept, slope = fit_linear([(p["n"], p["index_bytes"]) for p in hnsw_points])
        report["hnsw_extrapolated"] = {
            "n": args.n, "from_n": [p["n"] for p in hnsw_points], "extrapolated": True,
            "build_s": round(extrapolate_n_log_n([(p["n"], p["build_s"]) for p in hnsw_points], args.n), 1),
            "index_bytes": int(intercept + slope * args.n), "bytes_per_vector": round(slope, 1),
            "note": "build time fitted as a·n·log2 n, bytes linearly, from the measured sizes"}
    report["hnsw_builds"] = hnsw_points
    report["rows"] = rows
    report["total_s"] = round(time.perf_counter() - started, 1)
    write_report(args.json, report)
    print(markdown(report))
    log.info("report written to %s (%.0f s)", args.json, report["total_s"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
