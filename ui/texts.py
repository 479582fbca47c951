"""Texts that are the same in every page language: the app's name (the programme's source
names are the pipeline's: qa/wording.py; the word for "line" is each catalogue's).

Everything the page says around the pledges is in the per-language catalogues (ui/i18n/);
`DE` is the German one, the default.
"""
from __future__ import annotations

from ui.i18n import texts_for

APP_TITLE = "Nachgefragt"

DE = texts_for("de")
# The German example questions (each catalogue writes its own: `Texts.examples`).
EXAMPLE_QUESTIONS: tuple[str, ...] = DE.examples
