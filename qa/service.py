"""Wiring at the edge: model + index + pipeline from paths and names (used by CLI, app, eval)."""
from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from index.models.names import DEFAULT_MODEL
from index.storage.config import IndexConfig, index_name_for
from index.defaults import DEFAULT_CORPUS, DEFAULT_DATA, corpus_sources
from index.storage.freshness import corpus_sha256
from index.storage.store import open_index, verify_sample
from qa.calibration import Loaded, calibration_path, load_calibration
from qa.threads import limit_search_threads
from qa.pipeline import QA, QAConfig

log = logging.getLogger(__name__)


def calibration_for(model_name: str, model_id: str, corpus_dir: Path, path: Path | None = None) -> Loaded:
    """The model's calibration (qa/calibration/<model>.json unless `path`), warning logged."""
    loaded = load_calibration(path or calibration_path(model_name), model_id, corpus_sha256(corpus_dir))
    if loaded.warning:
        log.warning("%s", loaded.warning)
    return loaded


def index_config_for(name: str, index_config: IndexConfig | None = None) -> IndexConfig:
    """The index settings for model `name` (its tuned defaults unless given)."""
    return replace(index_config, model=name) if index_config else IndexConfig.for_model(name)


def verify_qa(qa: QA, index_config: IndexConfig | None = None) -> None:
    """Spot-check the served vectors against the model (CorruptIndexError if they do not
    belong to the passages): what `open_qa(verify=False)` left for later."""
    name = str(getattr(qa.embedder, "name", qa.index.model_id))
    verify_sample(qa.index, qa.embedder, index_config_for(name, index_config))


def open_qa(
    corpus_dir: Path = DEFAULT_CORPUS,
    data_dir: Path = DEFAULT_DATA,
    model: str = DEFAULT_MODEL,
    rebuild: bool = False,
    qa_config: QAConfig | None = None,
    index_config: IndexConfig | None = None,
    index_name: str | None = None,
    calibration: Path | None = None,
    embedder: object | None = None,
    verify: bool = True,
    search_threads: int | None = 1,
) -> QA:
    """Load the model and the index (building it if missing, stale or damaged).

    The effective model may differ from `model` when the default EmbeddingGemma cannot be
    supplied (fallback to e5-small); index and calibration then follow the effective model,
    and `QA.notices` says so. `embedder` lets a caller share one loaded model between indexes.
    A missing corpus raises CorpusMissingError before the model is loaded. With `verify`
    False an index found fresh is not yet spot-checked against the model (which may still
    be loading in its process): call `verify_qa` before answering from it. `search_threads`:
    the BLAS and FAISS thread pools of this process are capped at this (qa/threads.py: their
    busy-waiting threads took the encoder's CPU); None leaves them as they are.
    """
    from index.models.embed import SentenceTransformerEmbedder

    corpus_sources(corpus_dir)
    if search_threads is not None:
        limit_search_threads(search_threads)
    emb = embedder or SentenceTransformerEmbedder(model, cache_dir=data_dir)
    name = getattr(emb, "name", model)
    config = index_config_for(name, index_config)
    index = open_index(corpus_dir, data_dir / (index_name or index_name_for(name)), config, model_id=emb.model_id,  # type: ignore[attr-defined]
                       make_embedder=lambda: emb, rebuild=rebuild, verify=verify)
    notices: list[str] = []
    resolved = getattr(emb, "resolved", None)
    if resolved is not None and resolved.fallback_reason:
        notices.append(f"{resolved.fallback_reason}; using {resolved.name} instead")
    encoder = getattr(emb, "encoder_choice", None)  # the encoder process's query encoder (OpenVINO or why not)
    if encoder is not None and encoder.notice:
        notices.append(encoder.notice)
    if qa_config is None:
        loaded = calibration_for(name, index.model_id, corpus_dir, calibration)
        if loaded.warning:
            notices.append(loaded.warning)
        cal = loaded.calibration
        qa_config = QAConfig(fusion=cal.fusion, abstention=cal.abstention) if cal else QAConfig()
    return QA(index, emb, qa_config, notices=tuple(notices))  # type: ignore[arg-type]
