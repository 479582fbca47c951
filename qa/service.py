"""Wiring at the edge: model + index + pipeline from paths and names (used by CLI and app)."""
from __future__ import annotations

import logging
from pathlib import Path

from index.config import DEFAULT_MODEL, IndexConfig
from index.embed import SentenceTransformerEmbedder
from index.store import open_index
from qa.pipeline import QA, QAConfig

log = logging.getLogger(__name__)

DEFAULT_CORPUS = Path("corpus")
DEFAULT_DATA = Path(".nachgefragt")


def open_qa(
    corpus_dir: Path = DEFAULT_CORPUS,
    data_dir: Path = DEFAULT_DATA,
    model: str = DEFAULT_MODEL,
    rebuild: bool = False,
    qa_config: QAConfig = QAConfig(),
) -> QA:
    """Load the model and the index (building it if missing, stale or damaged)."""
    config = IndexConfig(model=model)
    embedder = SentenceTransformerEmbedder(model, cache_dir=data_dir)
    index = open_index(
        corpus_dir,
        data_dir / "index",
        config,
        model_id=embedder.model_id,
        make_embedder=lambda: embedder,
        rebuild=rebuild,
    )
    return QA(index, embedder, qa_config)
