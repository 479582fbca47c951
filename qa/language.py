"""Which language a question is in (py3langid, limited to the languages the app speaks).

Used by the pipeline (only German questions get spelling corrections) and by the app (the
page's own texts follow the question's language). Short or mixed questions are uncertain:
below `min_confidence` the answer is "" (unknown) and callers keep what they had.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

log = logging.getLogger(__name__)

LANGUAGES = ("de", "en", "tr", "ar", "pl", "ru")
MIN_CONFIDENCE = 0.9
_MIN_LETTERS = 8


@lru_cache(maxsize=1)
def _identifier() -> Any:
    """The langid model restricted to LANGUAGES (loaded once; ~0.7 s)."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
    ident.set_languages(list(LANGUAGES))
    return ident


def detect_language(text: str, min_confidence: float = MIN_CONFIDENCE) -> str:
    """"de", "en", "tr", "ar", "pl" or "ru" for a question; "" when too short or unsure."""
    letters = sum(ch.isalpha() for ch in text)
    if letters < _MIN_LETTERS:
        return ""
    try:
        code, probability = _identifier().classify(text)
    except Exception as exc:  # a detector failure must not cost the answer
        log.warning("language detection failed: %s", exc)
        return ""
    return str(code) if float(probability) >= min_confidence else ""
