"""Pure parts of the scale benchmark: synthetic vectors, storage arithmetic, recall, fits.

Kept apart from eval/scale.py (which times FAISS indexes) so a fast test can check the
arithmetic and the recall computation on tiny sizes without running the benchmark.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterator

import numpy as np

GIB = 1024**3


@dataclass(frozen=True, slots=True)
class VectorFormat:
    """One way to store a passage vector: name and bytes of code per vector (without ids)."""

    name: str
    code_bytes: int
    note: str


def vector_formats(dim: int, pq_sizes: tuple[int, ...] = (96, 48)) -> tuple[VectorFormat, ...]:
    """float32, float16, int8 (SQ8) and PQ codes for `dim`-dimensional vectors.

    PQ with M sub-quantisers of 8 bits stores M bytes per vector; it needs dim % M == 0.
    """
    out = [
        VectorFormat("float32", 4 * dim, "IndexFlatIP, exact"),
        VectorFormat("float16", 2 * dim, "IndexScalarQuantizer fp16"),
        VectorFormat("int8 (SQ8)", dim, "IndexScalarQuantizer QT_8bit"),
    ]
    for m in pq_sizes:
        if dim % m:
            raise ValueError(f"PQ{m} needs a dimension divisible by {m}, got {dim}")
        out.append(VectorFormat(f"PQ{m}", m, f"{m} sub-quantisers × 8 bit (IVF-PQ lists)"))
    return tuple(out)


def bytes_per_vector(fmt: VectorFormat, id_bytes: int = 8) -> int:
    """Code plus the id an inverted list keeps per vector (int64 in FAISS; 0 for flat/HNSW rows)."""
    return fmt.code_bytes + id_bytes


def vectors_per_gib(per_vector: int) -> int:
    """How many vectors of `per_vector` bytes fit in one GiB."""
    if per_vector <= 0:
        raise ValueError("bytes per vector must be positive")
    return GIB // per_vector


def gib_for(n: int, per_vector: int) -> float:
    """GiB needed for n vectors of `per_vector` bytes."""
    return n * per_vector / GIB


def recall_at_k(found: np.ndarray, truth: np.ndarray, k: int) -> float:
    """Mean share of the true top-k (rows of `truth`) that appear in the found top-k.

    Both are (queries, ≥k) arrays of row ids; FAISS's -1 for "no result" never counts.
    """
    if found.shape[0] != truth.shape[0]:
        raise ValueError(f"{found.shape[0]} result rows for {truth.shape[0]} queries")
    if found.shape[0] == 0:
        return 0.0
    hits = 0
    for got, want in zip(found[:, :k], truth[:, :k]):
        hits += len(set(int(i) for i in got if i >= 0) & set(int(i) for i in want))
    return hits / (k * found.shape[0])


def normalise(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit L2 norm (float32)."""
    x = np.asarray(x, dtype=np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


@dataclass(frozen=True, slots=True)
class Synthetic:
    """Parameters of the synthetic passage vectors (seeded, so every run sees the same data).

    A vector is normalise(shared + topic centre + noise): `shared` makes every pair of
    vectors somewhat similar (text embeddings are anisotropic), topics give the cluster
    structure IVF and PQ exploit, and the noise has a decaying spectrum in a random basis
    (a low effective dimension, as real embeddings have) instead of being isotropic.
    """

    dim: int = 768
    topics: int = 2000
    seed: int = 11
    shared: float = 0.5
    noise: float = 0.9
    spectrum_decay: float = 0.5

    def _basis(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rng = np.random.default_rng(self.seed)
        q, _ = np.linalg.qr(rng.standard_normal((self.dim, self.dim)))
        scale = (np.arange(1, self.dim + 1, dtype=np.float64) ** -self.spectrum_decay)
        scale /= np.sqrt((scale**2).sum())  # unit expected norm of the coloured noise
        mixing = (scale[:, None] * q.T).astype(np.float32)  # white (·,dim) @ mixing → coloured
        shared = normalise(rng.standard_normal((1, self.dim)))[0] * self.shared
        centres = normalise(rng.standard_normal((self.topics, self.dim)).astype(np.float32))
        return mixing, shared.astype(np.float32), centres

    def chunks(self, n: int, chunk: int = 50_000, stream: int = 0) -> Iterator[np.ndarray]:
        """n vectors in chunks; `stream` picks an independent sequence (0 passages, 1 queries)."""
        mixing, shared, centres = self._basis()
        rng = np.random.default_rng([self.seed, stream + 1])
        done = 0
        while done < n:
            m = min(chunk, n - done)
            topic = rng.integers(0, self.topics, size=m)
            white = rng.standard_normal((m, self.dim), dtype=np.float32)
            x = shared + centres[topic] + self.noise * (white @ mixing)
            yield normalise(x)
            done += m

    def make(self, n: int, stream: int = 0) -> np.ndarray:
        """n vectors as one (n, dim) float32 array."""
        return np.concatenate(list(self.chunks(n, stream=stream))) if n else np.zeros((0, self.dim), np.float32)


def fit_n_log_n(points: list[tuple[int, float]]) -> float:
    """Least-squares a in t ≈ a·n·log2(n) through the origin (HNSW build time grows so)."""
    num = sum(t * n * math.log2(n) for n, t in points)
    den = sum((n * math.log2(n)) ** 2 for n, _ in points)
    if den == 0:
        raise ValueError("need at least one point with n > 1")
    return num / den


def extrapolate_n_log_n(points: list[tuple[int, float]], n: int) -> float:
    """Predicted time at n from the n·log n fit of the measured points."""
    return fit_n_log_n(points) * n * math.log2(n)


def fit_linear(points: list[tuple[int, float]]) -> tuple[float, float]:
    """Least-squares (intercept, slope) of y over n (memory grows linearly with n)."""
    xs = np.array([p[0] for p in points], dtype=np.float64)
    ys = np.array([p[1] for p in points], dtype=np.float64)
    if len(points) < 2:
        return 0.0, float(ys[0] / xs[0])
    slope, intercept = np.polyfit(xs, ys, 1)
    return float(intercept), float(slope)
