"""The two pieces every HTML renderer shares: escaping, and the marks of the programme's own
German words (so they read right on a right-to-left page and get a German voice)."""
from __future__ import annotations

import html

GERMAN = 'lang="de" dir="ltr"'


def esc(text: object) -> str:
    """HTML-escape any value for element content and quoted attributes."""
    return html.escape(str(text), quote=True)
