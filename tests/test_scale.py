"""The scale benchmark's pure parts on tiny sizes (the benchmark itself is not run in CI)."""
import json
import math

import faiss
import numpy as np
import pytest

from eval import scale
from eval.encoder_curve import batches_for_round, german_questions, summarise
from eval.scale_core import (GIB, Synthetic, bytes_per_vector, extrapolate_n_log_n, fit_linear, gib_for,
                             recall_at_k, vector_formats, vectors_per_gib)


def test_code_bytes_match_what_faiss_stores() -> None:
    dim = 32
    formats = {f.name: f.code_bytes for f in vector_formats(dim, pq_sizes=(8, 4))}
    assert formats["float32"] == faiss.IndexFlatIP(dim).code_size == 128
    assert formats["float16"] == faiss.IndexScalarQuantizer(dim, faiss.ScalarQuantizer.QT_fp16).code_size == 64
    assert formats["int8 (SQ8)"] == faiss.IndexScalarQuantizer(dim, faiss.ScalarQuantizer.QT_8bit).code_size == 32
    assert formats["PQ8"] == faiss.IndexPQ(dim, 8, 8).code_size == 8
    assert formats["PQ4"] == faiss.IndexPQ(dim, 4, 8).code_size == 4


def test_pq_needs_a_dividing_dimension() -> None:
    with pytest.raises(ValueError, match="divisible"):
        vector_formats(768, pq_sizes=(100,))


def test_vectors_per_gib_and_gib_for() -> None:
    f32 = vector_formats(768)[0]
    assert bytes_per_vector(f32, id_bytes=0) == 3072
    assert vectors_per_gib(3072) == 349_525  # 2**30 // 3072
    pq96 = [f for f in vector_formats(768) if f.name == "PQ96"][0]
    assert bytes_per_vector(pq96) == 104  # 96 code bytes + an int64 id in the inverted list
    assert gib_for(5_000_000, 3072) == pytest.approx(5_000_000 * 3072 / GIB)
    assert gib_for(5_000_000, 3072) == pytest.approx(14.305, abs=1e-3)
    with pytest.raises(ValueError):
        vectors_per_gib(0)


def test_recall_counts_overlap_and_ignores_missing() -> None:
    truth = np.array([[1, 2, 3], [4, 5, 6]])
    assert recall_at_k(truth, truth, 3) == 1.0
    found = np.array([[3, 9, 1], [-1, -1, 4]])  # order does not matter; -1 never hits
    assert recall_at_k(found, truth, 3) == pytest.approx((2 + 1) / 6)
    assert recall_at_k(np.array([[1, 7, 8]]), np.array([[1, 2, 3]]), 1) == 1.0
    assert recall_at_k(np.array([[7, 1, 8]]), np.array([[1, 2, 3]]), 1) == 0.0
    with pytest.raises(ValueError):
        recall_at_k(found[:1], truth, 3)


def test_synthetic_vectors_are_seeded_normalised_and_clustered() -> None:
    data = Synthetic(dim=32, topics=8, seed=3)
    a, b = data.make(500), data.make(500)
    assert a.shape == (500, 32) and a.dtype == np.float32
    assert np.array_equal(a, b)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    queries = data.make(20, stream=1)
    assert not np.allclose(queries, a[:20])
    nearest = (queries @ a.T).max(axis=1)
    random_pair = np.sum(a[:250] * a[250:], axis=1)
    assert np.median(nearest) > np.median(random_pair) + 0.2  # neighbours stand out: cluster structure


def test_fits_recover_their_models() -> None:
    points = [(n, 2e-6 * n * math.log2(n)) for n in (1000, 4000, 16000)]
    assert extrapolate_n_log_n(points, 10**6) == pytest.approx(2e-6 * 10**6 * math.log2(10**6))
    intercept, slope = fit_linear([(100, 1100.0), (300, 3100.0)])
    assert (intercept, slope) == (pytest.approx(100.0), pytest.approx(10.0))


def test_encoder_batches_are_distinct_within_a_round() -> None:
    pool = german_questions()
    assert len(pool) == len(set(pool)) >= 32
    sizes = [1, 2, 4, 8, 16, 32]
    for r in range(3):
        batches = batches_for_round(pool, sizes, r)
        assert [len(b) for b in batches] == sizes
        flat = [q for b in batches for q in b]
        assert len(set(flat)) == len(flat)
    with pytest.raises(ValueError):
        batches_for_round(pool[:4], [8], 0)
    point = summarise("float32", 2, 8, [100.0, 80.0, 120.0], [160.0, 150.0, 170.0])
    assert (point.per_question_ms, point.questions_per_s, point.questions_per_s_per_core) == (12.5, 80.0, 40.0)
    assert (point.cpu_per_question_ms, point.questions_per_cpu_s) == (20.0, 50.0)


def test_tiny_benchmark_writes_a_consistent_report(tmp_path, capsys) -> None:
    out = tmp_path / "scale.json"
    scale.main(["--n", "3000", "--dim", "32", "--queries", "20", "--flat-queries", "5", "--nlist", "16",
                "--pq", "8", "--pq-sizes", "8", "--train", "3000", "--niter", "2", "--nprobe", "1,16",
                "--hnsw-sizes", "1000", "--hnsw-m", "8", "--ef-search", "16", "--threads", "1",
                "--targets", "5000000", "--json", str(out)])
    report = json.loads(out.read_text())
    rows = {(r["index"], r["setting"]): r for r in report["rows"]}
    assert rows[("Flat", "exact")]["recall@10"] == 1.0
    assert rows[("IVF16,PQ8", "nprobe=16")]["recall@10"] >= rows[("IVF16,PQ8", "nprobe=1")]["recall@10"]
    assert rows[("IVF16,PQ8+refine×4", "nprobe=16")]["recall@10"] >= rows[("IVF16,PQ8", "nprobe=16")]["recall@10"]
    assert rows[("Flat", "exact")]["index_bytes"] == 3000 * 32 * 4
    assert report["hnsw_extrapolated"]["extrapolated"] is True
    assert "| PQ8 | 8+8 |" in capsys.readouterr().out
