"""Checking and normalising a question before it reaches the model (pure)."""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

MAX_QUESTION_CHARS = 1000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")


class QuestionError(ValueError):
    """A question the system cannot handle; the message is shown to people as it is."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Limits for one question."""

    max_chars: int = MAX_QUESTION_CHARS


def clean_question(question: object, limits: Limits = Limits()) -> str:
    """Return the question normalised (NFC, control characters and surplus space removed),
    or raise QuestionError with a clear German message saying what is wrong."""
    if not isinstance(question, str):
        raise QuestionError("Die Frage muss Text sein.")
    text = _SURROGATES.sub("", question)
    text = unicodedata.normalize("NFC", text)
    if len(text) > limits.max_chars:
        raise QuestionError(
            f"Die Frage ist zu lang ({len(text)} Zeichen). Bitte höchstens {limits.max_chars} Zeichen eingeben."
        )
    if "\x00" in text or text.count("\ufffd") > max(2, len(text) // 10):
        raise QuestionError("Die Eingabe sieht nicht nach Text aus (Binärdaten?). Bitte eine Frage eingeben.")
    text = " ".join(_CONTROL.sub(" ", text).split())
    if not text:
        raise QuestionError("Die Frage ist leer. Bitte eine Frage eingeben.")
    if not any(ch.isalnum() for ch in text):
        raise QuestionError("Die Frage enthält keine Wörter. Bitte eine Frage eingeben.")
    return text


def echo(question: object, limits: Limits = Limits()) -> str:
    """What of a refused question may be shown back: text only, encodable, not longer than
    the limit (a 100 000-character paste is not echoed whole)."""
    if not isinstance(question, str):
        return ""
    text = _SURROGATES.sub("", question)[: limits.max_chars]
    return _CONTROL.sub(" ", text)


def clean_top_k(top_k: object, maximum: int | None = None) -> int:
    """How many hits to return: a whole number (5, 5.0, "5") clamped to 1..maximum; anything
    else (NaN, inf, None, "x", True, 2.5) raises QuestionError with a clear German message."""
    value: object = top_k
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            value = None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or value != int(value):
        raise QuestionError(f"Die Anzahl der Treffer muss eine ganze Zahl sein (nicht {str(top_k)[:40]!r}).")
    k = max(1, int(value))
    return min(k, maximum) if maximum is not None else k
