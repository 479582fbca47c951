"""Wiring at the edge: model + index + pipeline from paths and names (used by CLI, app, eval)."""
from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from index.config import DEFAULT_MODEL, IndexConfig, index_name_for
from index.store import open_index
from qa.abstain import AbstentionModel
from qa.pipeline import QA, QAConfig

log = logging.getLogger(__name__)

DEFAULT_CORPUS = Path("corpus")
DEFAULT_DATA = Path(".nachgefragt")
DEFAULT_ABSTENTION = Path(__file__).resolve().parent / "abstention.json"


def load_abstention(path: Path | None) -> AbstentionModel | None:
    """The calibrated abstention model, or None (never abstain) with a warning if unusable."""
    if path is None:
        return None
    try:
        return AbstentionModel.load(path)
    except FileNotFoundError:
        log.warning("no abstention model at %s: the system will never abstain", path)
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("abstention model at %s is unusable (%s): the system will never abstain", path, exc)
    return None


def open_qa(
    corpus_dir: Path = DEFAULT_CORPUS,
    data_dir: Path = DEFAULT_DATA,
    model: str = DEFAULT_MODEL,
    rebuild: bool = False,
    qa_config: QAConfig | None = None,
    index_config: IndexConfig | None = None,
    index_name: str | None = None,
    abstention: Path | None = DEFAULT_ABSTENTION,
    embedder: object | None = None,
) -> QA:
    """Load the model and the index (building it if missing, stale or damaged).

    `embedder` lets a caller share one loaded model between several indexes.
    """
    from index.embed import SentenceTransformerEmbedder

    config = replace(index_config, model=model) if index_config else IndexConfig(model=model)
    emb = embedder or SentenceTransformerEmbedder(model, cache_dir=data_dir)
    index = open_index(corpus_dir, data_dir / (index_name or index_name_for(model)), config, model_id=emb.model_id,  # type: ignore[attr-defined]
                       make_embedder=lambda: emb, rebuild=rebuild)
    if qa_config is None:
        qa_config = QAConfig(abstention=load_abstention(abstention))
    return QA(index, emb, qa_config)  # type: ignore[arg-type]
