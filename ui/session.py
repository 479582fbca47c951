"""What one browser tab holds between events (kept by Gradio per session, never sent to the page)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from qa.types import Answer

_VOTER = re.compile(r"[A-Za-z0-9-]{8,64}")


@dataclass(frozen=True, slots=True)
class Session:
    """The answer on screen and how it was asked, the page language and the topic sheet shown.

    chosen: the language was picked by hand, so a question's detected language no longer
    changes it. notice: a note about the input (a paste cut at the limit).
    """

    answer: Answer | None = None
    chapter: str = ""
    link: str = ""
    lang: str = "de"
    chosen: bool = False
    notice: str = ""
    section: str = ""
    focus: str = ""


def voter_id(sent: object, fallback: str) -> str:
    """The page's anonymous voter id when it looks like one, else `fallback` (the session)."""
    if isinstance(sent, str) and _VOTER.fullmatch(sent):
        return sent
    return fallback[:64]


def page_language(detected: str, session: Session) -> str:
    """The language to show after a question: the question's own, unless picked by hand."""
    if session.chosen or not detected:
        return session.lang
    return detected
