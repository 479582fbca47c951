"""Export EmbeddingGemma's query encoder to OpenVINO with int8 weights, once, at set-up.

The SentenceTransformer (transformer, mean pooling, both Dense layers, normalisation) is
wrapped as one float32 module, exported with `torch.export` (dynamic batch and sequence),
converted by `openvino.convert_model` and its weights compressed by NNCF (INT8_ASYM,
per channel). Tracing (`convert_model` straight from the module) fails on Gemma 3's mask code,
so the exported program is what OpenVINO reads. Then the parity check: the eval questions'
texts (only the texts) through PyTorch float32 and the compiled export; the marker records the
cosines and whether they pass (mean ≥ 0.998, min ≥ 0.99). A failed check keeps the folder (no
re-export at every start) and index/models/ov_encoder.py serves PyTorch, saying why.

Everything is written to a temporary sibling folder and renamed into place, marker last, as
the model assembly does (index/models/gemma.py). Needs torch, sentence-transformers,
openvino and nncf: a set-up step, never run by the serving process.
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.models.ov_encoder import (MARKER, MARKER_FORMAT, XML, OpenVINOEmbedder, Parity, compute_precision,
                                     parity_of, read_marker, source_digest)

log = logging.getLogger(__name__)


def parity_texts(question_files: Sequence[Path]) -> list[str]:
    """The "question" field of every line of the given JSONL files (nothing else is read)."""
    texts: list[str] = []
    for path in question_files:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(str(json.loads(line)["question"]))
    return texts


def _wrapped(model_dir: Path):
    """The SentenceTransformer in float32 as one module: (input_ids, attention_mask) → vectors."""
    import torch
    from sentence_transformers import SentenceTransformer

    st = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)

    class QueryEncoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.st = st

        def forward(self, input_ids, attention_mask):
            return self.st({"input_ids": input_ids, "attention_mask": attention_mask})["sentence_embedding"]

    return st, QueryEncoder().eval()


def _export(module, st, target: Path) -> None:
    """torch.export → OpenVINO → NNCF int8 weights → target/query_encoder.xml|bin."""
    import nncf
    import openvino as ov
    import torch
    from torch.export import Dim, export

    sample = st.tokenizer(["task: search result | query: Radwege", "kurz"], padding=True, return_tensors="pt")
    batch, seq = Dim("batch", min=1, max=1024), Dim("seq", min=2, max=2048)
    started = time.perf_counter()
    with torch.no_grad():
        program = export(module, (), {"input_ids": sample["input_ids"], "attention_mask": sample["attention_mask"]},
                         dynamic_shapes={"input_ids": {0: batch, 1: seq}, "attention_mask": {0: batch, 1: seq}})
        converted = ov.convert_model(program)
    log.info("exported the query encoder in %.0f s; compressing its weights to int8", time.perf_counter() - started)
    started = time.perf_counter()
    compressed = nncf.compress_weights(converted, mode=nncf.CompressWeightsMode.INT8_ASYM)
    ov.save_model(compressed, str(target / XML))
    log.info("compressed in %.0f s", time.perf_counter() - started)


def reference_vectors(st, texts: Sequence[str], prompt: str, batch: int = 16) -> np.ndarray:
    """The float32 SentenceTransformer's query vectors (computed before anything is exported or
    compiled: OpenVINO's worker threads would slow PyTorch down many times over)."""
    import torch

    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    with torch.inference_mode():
        out = st.encode([prompt + t for t in texts], batch_size=batch, convert_to_numpy=True,
                        normalize_embeddings=True)
    return np.asarray(out, dtype=np.float32)


def measure_parity(encoder, reference: np.ndarray, texts: Sequence[str], batch: int = 16) -> Parity:
    """Cosines between `encoder`'s query vectors and the reference (float32 PyTorch) ones."""
    if not len(texts):
        return Parity(0, 0.0, 0.0)
    ours = np.concatenate([encoder.encode_queries(texts[i:i + batch]) for i in range(0, len(texts), batch)])
    cosines = np.sum(np.asarray(reference, dtype=np.float32) * ours, axis=1)
    return Parity(len(texts), float(cosines.mean()), float(cosines.min()))


def place_export(staged: Path, model_dir: Path, out_dir: Path, reference: np.ndarray, texts: Sequence[str]) -> Parity:
    """Check a staged export against the reference vectors, write its marker and rename it into
    place (replacing an older one). Returns the parity, passed or not."""
    import nncf
    import openvino as ov

    precision = compute_precision()
    encoder = OpenVINOEmbedder(staged, model_dir, threads=max(1, (os.cpu_count() or 1)), precision=precision)
    parity = measure_parity(encoder, reference, texts)
    del encoder
    marker = {"format": MARKER_FORMAT, "source": source_digest(model_dir), "precision": precision,
              "weights": "int8_asym per channel (NNCF)", "openvino": ov.__version__, "nncf": nncf.__version__,
              "parity": {"texts": parity.texts, "mean": parity.mean, "min": parity.min, "passed": parity.passed}}
    (staged / MARKER).write_text(json.dumps(marker, indent=1))
    with tempfile.TemporaryDirectory(prefix=f".{out_dir.name}.old-", dir=out_dir.parent) as old:
        if out_dir.exists():
            out_dir.rename(Path(old) / "old")  # removed with `old`
        os.rename(staged, out_dir)
    (log.info if parity.passed else log.warning)("OpenVINO query encoder %s: %s", "ready" if parity.passed else
                                                  "FAILED its parity check, PyTorch will serve", parity.describe())
    return parity


def export_encoder(model_dir: Path, out_dir: Path, texts: Sequence[str]) -> Parity:
    """Reference vectors, export, compress, check and rename into place; returns the parity."""
    model_dir, out_dir = Path(model_dir).resolve(), Path(out_dir).resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent) as tmp:
        staged = Path(tmp) / "export"
        staged.mkdir()
        st, module = _wrapped(model_dir)
        started = time.perf_counter()
        reference = reference_vectors(st, texts, st.prompts.get("query", ""))
        log.info("PyTorch float32 vectors of %d questions in %.0f s", len(texts), time.perf_counter() - started)
        _export(module, st, staged)
        del module, st
        return place_export(staged, model_dir, out_dir, reference, texts)


def ensure_encoder(model_dir: Path, out_dir: Path, texts: Sequence[str]) -> Parity:
    """The export's parity, exporting first when there is none for this model."""
    marker = read_marker(out_dir)
    if marker is not None and marker.get("source") == source_digest(model_dir):
        return parity_of(marker)
    log.info("exporting the OpenVINO query encoder to %s (a few minutes once)", out_dir)
    return export_encoder(model_dir, out_dir, texts)
