"""The query encoder on OpenVINO: int8 weights, tokenised with `tokenizers`, no PyTorch.

Why: one query encoding is most of an answer's cost. EmbeddingGemma exported once at set-up
(index/models/ov_export.py: the whole SentenceTransformer — transformer, mean pooling, both
Dense layers, normalisation — as one graph, weights compressed to int8 by NNCF) costs about
half the CPU of PyTorch per question with the same vectors (parity checked at export on the
eval questions' texts). This module only reads what the export wrote: the serving process
imports neither transformers nor torch for it.

`choose_encoder` decides from the export's marker (cheap, no model loaded) whether OpenVINO
serves, and says why not when it does not (`EncoderChoice.notice`, shown in the log, `index
info` and the page's footer): never silently. The index stays PyTorch.
"""
from __future__ import annotations

import json
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.models.embed import passage_prompt_of, titled_passages
from index.models.names import GEMMA_MODEL
from index.models.resolve import GEMMA_DIR, cpu_has_fast_bf16

log = logging.getLogger(__name__)

ENCODERS = ("openvino", "torch")
DEFAULT_ENCODER = "openvino"
OV_DIR = f"{GEMMA_DIR}-openvino-int8"
MARKER = "nachgefragt-openvino.json"
MARKER_FORMAT = 1
XML = "query_encoder.xml"
MIN_MEAN_COSINE = 0.998  # parity with PyTorch over the eval questions' texts
MIN_COSINE = 0.99
MAX_TOKENS = 2048  # the model's max_seq_length


@dataclass(frozen=True, slots=True)
class Parity:
    """How the exported encoder's query vectors compare with PyTorch float32 ones."""

    texts: int
    mean: float
    min: float

    @property
    def passed(self) -> bool:
        return self.texts > 0 and self.mean >= MIN_MEAN_COSINE and self.min >= MIN_COSINE

    def describe(self) -> str:
        return f"cosine to PyTorch mean {self.mean:.4f}, min {self.min:.4f} over {self.texts} questions"


@dataclass(frozen=True, slots=True)
class EncoderChoice:
    """Which query encoder serves: kind ("openvino" or "torch"), the export's folder (for
    OpenVINO), a short label for logs and `/healthz`, and why the requested one does not
    serve (empty when it does)."""

    requested: str
    kind: str
    path: str = ""
    label: str = "PyTorch"
    notice: str = ""


def ov_dir(cache_dir: Path) -> Path:
    return Path(cache_dir) / "models" / OV_DIR


def compute_precision() -> str:
    """bf16 where the CPU computes it natively, else f32 (AVX2-only CPUs emulate bf16)."""
    return "bf16" if cpu_has_fast_bf16() else "f32"


def read_marker(folder: Path) -> dict | None:
    """The export's marker, or None when there is no finished export."""
    try:
        marker = json.loads((Path(folder) / MARKER).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(marker, dict) or marker.get("format") != MARKER_FORMAT or not (Path(folder) / XML).is_file():
        return None
    return marker


def parity_of(marker: dict) -> Parity:
    p = marker.get("parity") or {}
    return Parity(int(p.get("texts", 0)), float(p.get("mean", 0.0)), float(p.get("min", 0.0)))


def source_digest(model_dir: Path) -> str:
    """What the export was made from: the verified model's supply digest (index/models/gemma.py)."""
    from index.models.gemma import MARKER as GEMMA_MARKER

    try:
        return str(json.loads((Path(model_dir) / GEMMA_MARKER).read_text()).get("supply", ""))
    except (OSError, ValueError, AttributeError):
        return ""


def choose_encoder(requested: str, model_name: str, cache_dir: Path, model_dir: Path | None = None) -> EncoderChoice:
    """OpenVINO when asked for, the model is EmbeddingGemma and its export exists, is from this
    model and passed its parity check; otherwise PyTorch, with the reason in `notice`."""
    if requested not in ENCODERS:
        raise ValueError(f"unknown encoder {requested!r} ({', '.join(ENCODERS)})")
    if requested == "torch":
        return EncoderChoice(requested, "torch")
    if model_name != GEMMA_MODEL:  # e5-small (a fallback the model notice already tells) runs on PyTorch
        return EncoderChoice(requested, "torch")
    folder = ov_dir(cache_dir)
    marker = read_marker(folder)
    if marker is None:
        return EncoderChoice(requested, "torch",
                             notice="OpenVINO-Encoder nicht exportiert (python -m index fetch-model): PyTorch rechnet")
    if model_dir is not None and marker.get("source") != source_digest(model_dir):
        return EncoderChoice(requested, "torch",
                             notice="OpenVINO-Encoder stammt von einem anderen Modell (neu exportieren): PyTorch rechnet")
    parity = parity_of(marker)
    if not parity.passed:
        return EncoderChoice(requested, "torch",
                             notice=f"OpenVINO-Encoder hat die Gleichheitsprüfung nicht bestanden ({parity.describe()}): "
                                    f"PyTorch rechnet")
    return EncoderChoice(requested, "openvino", str(folder.resolve()),
                         f"OpenVINO int8 ({marker.get('precision', compute_precision())})")


def query_prompt_of(model_dir: Path) -> str:
    """The model's query prompt (config_sentence_transformers.json)."""
    config = json.loads((Path(model_dir) / "config_sentence_transformers.json").read_text())
    return str((config.get("prompts") or {}).get("query", ""))


def load_tokenizer(model_dir: Path):
    """The model's fast tokenizer (adds <bos> … <eos> like transformers), padded right, truncated
    at the model's maximum length."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(Path(model_dir) / "tokenizer.json"))
    pad = tok.token_to_id("<pad>")
    tok.enable_padding(pad_id=0 if pad is None else pad, pad_token="<pad>", direction="right")
    tok.enable_truncation(MAX_TOKENS)
    return tok


def tokenise(tokenizer, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """input_ids and attention_mask (int64, padded to the longest text)."""
    encodings = tokenizer.encode_batch(list(texts))
    ids = np.array([e.ids for e in encodings], dtype=np.int64)
    mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
    return ids, mask


def compile_encoder(xml: Path, precision: str, threads: int = 1, streams: int = 1):
    """The exported graph compiled for this CPU (`threads` per stream, `streams` requests at once)."""
    import openvino as ov

    config = {"INFERENCE_PRECISION_HINT": precision, "PERFORMANCE_HINT": "LATENCY",
              "DYNAMIC_QUANTIZATION_GROUP_SIZE": "32"}
    if threads > 0:
        config["INFERENCE_NUM_THREADS"] = str(threads * streams)
    if streams > 1:
        config["NUM_STREAMS"] = str(streams)
    return ov.Core().compile_model(str(xml), "CPU", config)


class OpenVINOEmbedder:
    """Queries (and the odd passage) through the exported encoder; thread-safe (one infer
    request per thread). `passage_prompt` is the model's document prompt with the title slot,
    as index/models/embed.py writes it, so the index's spot check sees the same prompt."""

    def __init__(self, folder: Path, model_dir: Path, *, threads: int = 1, streams: int = 1,
                 precision: str | None = None) -> None:
        folder, model_dir = Path(folder), Path(model_dir)
        marker = read_marker(folder) or {}
        self.precision = precision or str(marker.get("precision") or compute_precision())
        self._compiled = compile_encoder(folder / XML, self.precision, threads, streams)
        self._tokenizer = load_tokenizer(model_dir)
        self._local = threading.local()
        self.query_prompt = query_prompt_of(model_dir)
        config = json.loads((model_dir / "config_sentence_transformers.json").read_text())
        self.passage_prompt, self._titled = passage_prompt_of(str((config.get("prompts") or {}).get("document", "")))
        self.dim = int(self._compiled.outputs[0].get_partial_shape()[1].get_length())

    def _request(self):
        request = getattr(self._local, "request", None)
        if request is None:
            request = self._local.request = self._compiled.create_infer_request()
        return request

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of texts as they are (prompts already in them), L2-normalised float32."""
        if isinstance(texts, str):
            raise TypeError("expected a sequence of texts, got a single str")
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        ids, mask = tokenise(self._tokenizer, texts)
        out = self._request().infer({"input_ids": ids, "attention_mask": mask})
        vectors = np.asarray(next(iter(out.values())), dtype=np.float32).reshape(len(texts), self.dim)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.ascontiguousarray(vectors / np.where(norms > 0, norms, 1.0), dtype=np.float32)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed([self.query_prompt + t for t in texts] if not isinstance(texts, str) else texts)

    def encode_passages(self, texts: Sequence[str], show_progress: bool = False,
                        titles: Sequence[str] | None = None) -> np.ndarray:
        if not self._titled:
            return self.embed([self.passage_prompt + t for t in texts])
        return self.embed(titled_passages(self.passage_prompt, texts, titles))
