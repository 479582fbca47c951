"""Texts that are the same in every page language: the app's name and the example questions
(the programme's source names and line abbreviation are the pipeline's: qa/wording.py).

Everything the page says around the pledges is in the per-language catalogues (ui/i18n/);
`DE` is the German one, the default.
"""
from __future__ import annotations

from ui.i18n import texts_for

APP_TITLE = "Nachgefragt"

EXAMPLE_QUESTIONS: tuple[str, ...] = (
    "Was passiert mit dem Flughafen Dortmund?",
    "Wie wollen die Grünen das Ehrenamt stärken?",
    "Was tun die Grünen gegen Hitze in der Stadt?",
    "Wie soll der Nahverkehr besser werden?",
    "Was ist für bezahlbares Wohnen geplant?",
)

DE = texts_for("de")
