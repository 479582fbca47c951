"""The query encoders an eval or benchmark run compares: PyTorch (the in-process model that
built the index) and the int8 OpenVINO export the app serves queries with by default.

Both answer from the same index (the PyTorch vectors); only the question's vector differs, so
a run over both shows what the export changes for the people asking.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.models.ov_encoder import ENCODERS, OpenVINOEmbedder, choose_encoder

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class OpenVINOQueries:
    """The OpenVINO query encoder with the identity of the PyTorch model it was exported from
    (model_id, name), so a pipeline built on it reads the same index and calibration."""

    encoder: OpenVINOEmbedder
    model_id: str
    name: str
    dtype: str

    @property
    def dim(self) -> int:
        return self.encoder.dim

    @property
    def query_prompt(self) -> str:
        return self.encoder.query_prompt

    def encode_queries(self, texts: Any) -> np.ndarray:
        return self.encoder.encode_queries(texts)

    def encode_passages(self, texts: Any, show_progress: bool = False, titles: Any = None) -> np.ndarray:
        return self.encoder.encode_passages(texts, show_progress=show_progress, titles=titles)


def parse_encoders(value: str) -> tuple[str, ...]:
    """"torch,openvino" → ("torch", "openvino"); ValueError naming an unknown one."""
    names = tuple(dict.fromkeys(v.strip() for v in value.split(",") if v.strip()))
    unknown = [n for n in names if n not in ENCODERS]
    if unknown or not names:
        raise ValueError(f"unknown query encoder(s) {', '.join(unknown) or '(none)'}: choose from {', '.join(ENCODERS)}")
    return names


def openvino_queries(torch_embedder: Any, data_dir: Path, threads: int = 1) -> OpenVINOQueries | None:
    """The OpenVINO encoder beside a loaded PyTorch embedder, or None (logged, with the reason)
    where there is no checked export for this model."""
    resolved = getattr(torch_embedder, "resolved", None)
    if resolved is None:
        log.warning("no OpenVINO encoder for %s: not a local sentence-transformers model", torch_embedder)
        return None
    choice = choose_encoder("openvino", resolved.name, Path(data_dir), Path(resolved.path))
    if choice.kind != "openvino":
        log.warning("no OpenVINO encoder for %s: %s", resolved.name, choice.notice)
        return None
    encoder = OpenVINOEmbedder(Path(choice.path), Path(resolved.path), threads=threads)
    return OpenVINOQueries(encoder, torch_embedder.model_id, torch_embedder.name, f"OpenVINO int8 ({encoder.precision})")
