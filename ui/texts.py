"""German UI text in one place: labels, messages, example questions and source names.

Kept apart from the rendering code so wording can be changed (or reviewed by someone who
does not read Python) without touching logic.
"""
from __future__ import annotations

APP_TITLE = "Nachgefragt"
APP_TAGLINE = (
    "Fragen Sie das Kommunalwahlprogramm 2025 von Bündnis 90/Die Grünen Dortmund. "
    "Jede Antwort zeigt die Stelle im Programm mit Zeilennummer – zum Nachprüfen."
)

# Display names of the corpus sources (file stems); unknown ids are shown as they are.
SOURCE_NAMES: dict[str, str] = {
    "wahlprogramm-2025": "Wahlprogramm 2025",
    "antrag-gleichberechtigung-und-engagement": "Antrag „Gleichberechtigung und Engagement“",
}

LINE_ABBREVIATION = "Z."

QUESTION_LABEL = "Ihre Frage"
QUESTION_PLACEHOLDER = "z. B. Was passiert mit dem Flughafen?"
QUESTION_INFO = "Fragen Sie in eigenen Worten – jede Sprache geht. Eingabetaste zum Absenden."
CHAPTER_LABEL = "Kapitel"
CHAPTER_INFO = "Nur in einem Kapitel des Programms suchen."
ALL_CHAPTERS = "Alle Kapitel"
ASK_BUTTON = "Fragen"
EXAMPLES_LABEL = "Beispielfragen"

EXAMPLE_QUESTIONS: tuple[str, ...] = (
    "Was passiert mit dem Flughafen Dortmund?",
    "Wie wollen die Grünen das Ehrenamt stärken?",
    "Was tun die Grünen gegen Hitze in der Stadt?",
    "Wie soll der Nahverkehr besser werden?",
    "Was ist für bezahlbares Wohnen geplant?",
)

DOORSTEP_HEADING = "Haustür-Antwort"
DOORSTEP_INTRO = "Kurz gesagt, mit Fundstellen – zum Vorlesen, Kopieren oder Ausdrucken."
COPY_BUTTON = "Antwort kopieren"
COPY_DONE = "Kopiert."
COPY_FAILED = "Kopieren nicht möglich – bitte den Text markieren und kopieren."
EXPORT_MARKDOWN = "Als Markdown herunterladen"
EXPORT_HTML = "Druckansicht (HTML) herunterladen"

RESULTS_HEADING = "Ergebnisse"
RESULTS_INTRO = "Die passendsten Stellen im Programm, die beste zuerst."
RESULT_LABEL = "Ergebnis"
SOURCE_VIEW_SUMMARY = "Im Programm nachlesen"
SOURCE_VIEW_MISSING = "Der Quelltext zu dieser Stelle ist nicht verfügbar."
SOURCE_LINE_LABEL = "Zeile"
CITED_LINES_NOTE = "Die zitierten Zeilen sind hervorgehoben, die Einleitung des Satzes heller."

NO_ANSWER_HINT = (
    "Das Programm beantwortet diese Frage nicht. Zur Orientierung: "
    "Diese Themen und Stellen liegen Ihrer Frage am nächsten – sie sind keine Antwort darauf."
)
NEAREST_TOPICS_HEADING = "Nächstliegende Themen"
NEAREST_PASSAGES_HEADING = "Nächstliegende Stellen (keine Antwort auf Ihre Frage)"
NEAREST_LABEL = "Nächstliegende Stelle"
NO_HITS = "Keine passenden Stellen gefunden."

SHARE_LABEL = "Link zum Teilen"
SHARE_HINT = "Dieser Link öffnet dieselbe Frage mit demselben Ergebnis."

FEEDBACK_QUESTION = "War das hilfreich?"
FEEDBACK_TOAST_TITLE = "Rückmeldung"
FEEDBACK_HELPFUL = "Hilfreich"
FEEDBACK_UNHELPFUL = "Nicht hilfreich"
FEEDBACK_THANKS = "Danke für Ihre Rückmeldung zu Ergebnis {rank}!"
FEEDBACK_FAILED = (
    "Ihre Rückmeldung konnte gerade nicht gespeichert werden. "
    "Die Antwort bleibt gültig – bitte versuchen Sie es später noch einmal."
)
FEEDBACK_STALE = "Diese Rückmeldung passt nicht zur aktuellen Antwort. Bitte erneut fragen."

ERROR_HEADING = "Bitte Eingabe prüfen"
ERROR_INTERNAL = "Bei der Suche ist ein Fehler aufgetreten. Bitte versuchen Sie es noch einmal."

FOOTER = (
    "Nachgefragt durchsucht nur den Text des Programms und zitiert ihn wörtlich; es erfindet nichts "
    "dazu. Maßgeblich ist das Programm selbst."
)

EXPORT_TITLE = "Nachgefragt – Haustür-Antwort"
EXPORT_QUESTION = "Frage"
EXPORT_CHAPTER = "Kapitel"
EXPORT_ANSWER = "Antwort"
EXPORT_SOURCES = "Fundstellen"
EXPORT_RESULTS = "Alle Ergebnisse mit Fundstellen"
EXPORT_CREATED = "Erstellt"
EXPORT_ORIGIN = "Quelle: Kommunalwahlprogramm 2025 von Bündnis 90/Die Grünen Dortmund"
