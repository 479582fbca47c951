"""What the encoder process embeds with: PyTorch, or the OpenVINO query encoder.

With OpenVINO the process imports neither torch nor transformers until a whole index has to be
built: queries, and the handful of passages the index's spot check re-embeds (its limit is
cosine 0.99 to the stored PyTorch vectors, and the export's parity check holds the encoder
to ≥ 0.99 on every eval question), go through OpenVINO; an index build (more than
`SPOT_CHECK_MAX` passages, or the question bank's batches of more than `BUILD_QUERIES`) loads
the PyTorch model on first use, so the index stays PyTorch.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger("serving.encoder_worker")

SPOT_CHECK_MAX = 8  # passages embedded by the query encoder (index/storage/store.verify_sample asks 3)
# More questions in one call than the app ever batches (--max-batch, default 16): the question
# bank of an index build (index/storage/bank_store.py sends 64 at a time), embedded by PyTorch.
BUILD_QUERIES = 48


@dataclass(frozen=True, slots=True)
class Loaded:
    """The embedder and what the worker tells the app about it."""

    embedder: Any
    dtype: str
    encoder: str
    threads: int


class OpenVINOWithTorchPassages:
    """Queries and spot checks on OpenVINO; index builds on PyTorch, loaded when first needed."""

    def __init__(self, queries: Any, model: str, data_dir: Path, dtype: str, threads: int) -> None:
        self._queries = queries
        self._torch_args = (model, data_dir, dtype, threads)
        self._torch: Any = None
        self._lock = threading.Lock()
        self.dim, self.query_prompt, self.passage_prompt = queries.dim, queries.query_prompt, queries.passage_prompt

    def _passages_model(self) -> Any:
        with self._lock:
            if self._torch is None:
                model, data_dir, dtype, threads = self._torch_args
                log.info("an index build: loading the PyTorch model for the passages")
                self._torch = load_torch(model, data_dir, dtype, threads).embedder
            return self._torch

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) > BUILD_QUERIES:
            return self._passages_model().encode_queries(texts)
        return self._queries.encode_queries(texts)

    def encode_passages(self, texts: Sequence[str], show_progress: bool = False,
                        titles: Sequence[str] | None = None) -> np.ndarray:
        if len(texts) <= SPOT_CHECK_MAX:
            return self._queries.encode_passages(texts, show_progress=show_progress, titles=titles)
        return self._passages_model().encode_passages(texts, show_progress=show_progress, titles=titles)


def load_torch(model: str, data_dir: Path, dtype: str, threads: int) -> Loaded:
    import torch

    if threads > 0:
        torch.set_num_threads(threads)
    from index.models.embed import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder(model, data_dir, dtype=dtype, fallback=False)
    return Loaded(embedder, embedder.dtype, f"PyTorch {embedder.dtype}", torch.get_num_threads())


def load_embedder(model: str, data_dir: Path, dtype: str, encoder: str, encoder_dir: str, threads: int,
                  channels: int) -> Loaded:
    """PyTorch, or OpenVINO from `encoder_dir` (the export chosen by index/models/ov_encoder.choose_encoder)."""
    if encoder != "openvino":
        return load_torch(model, data_dir, dtype, threads)
    from index.models.ov_encoder import OpenVINOEmbedder

    try:
        queries = OpenVINOEmbedder(Path(encoder_dir), Path(model), threads=max(threads, 1), streams=channels)
    except Exception as exc:  # noqa: BLE001 - no runtime, a damaged file: PyTorch answers, and the log says why
        log.error("the OpenVINO query encoder cannot be loaded (%s: %s): PyTorch serves", type(exc).__name__, exc)
        torch = load_torch(model, data_dir, dtype, threads)
        return Loaded(torch.embedder, torch.dtype, f"{torch.encoder} (OpenVINO failed to load)", torch.threads)
    return Loaded(OpenVINOWithTorchPassages(queries, model, data_dir, dtype, threads), queries.precision,
                  f"OpenVINO int8 ({queries.precision})", max(threads, 1))
