"""The page's own texts as one value per language (`Texts`), and how a count is worded.

Every text the page shows around the pledges lives in one catalogue per language
(ui/i18n/de.py, en.py, tr.py, ar.py, pl.py, ru.py). The pledges, section titles, chapter
names and citations are the programme's own German words and are never translated.
Placeholders in braces ({n}, {rank}, {question}, …) are filled by the renderers.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Texts:
    """All UI strings of one language. `direction` is "rtl" for Arabic, else "ltr"."""

    code: str
    name: str  # the language's own name, for the switch ("Deutsch", "Türkçe", …)
    direction: str
    tagline: str
    german_only: str  # one line: the programme exists only in German ("" in German)
    language_label: str
    question_label: str
    question_placeholder: str
    question_info: str
    chapter_label: str
    chapter_info: str
    all_chapters: str
    ask_button: str
    examples_label: str
    examples: tuple[str, ...]  # the example questions, written in this language
    tab_ask: str
    tab_topics: str
    doorstep_heading: str
    doorstep_intro: str
    copy_button: str
    copy_done: str
    copy_failed: str
    export_markdown: str
    export_html: str
    print_button: str
    results_heading: str
    results_intro: str
    result_label: str
    results_one: str  # "1 Ergebnis{where} für „{question}“."
    results_many: str  # "{n} Ergebnisse{where} für „{question}“."
    in_chapter: str  # " im Kapitel „{chapter}“"
    no_answer: str
    nearest_intro: str  # "Direkt steht dazu nichts im Programm; am nächsten kommt:" (outcome "nearest")
    nearest_status: str  # the status line for "nearest", with {where}
    no_answer_status: str  # "Dazu steht nichts im Programm. Die nächstliegenden Stellen{where} stehen unten."
    no_answer_hint: str
    nearest_topics_heading: str
    nearest_passages_heading: str
    nearest_label: str
    no_hits: str
    # why the programme has nothing on a question (qa.bank.REASONS), said once under "nothing"/"nearest"
    reason_federal_state: str
    reason_people_party: str
    reason_other_city: str
    reason_chitchat: str
    similar_heading: str  # "Ähnliche Fragen" under an answer (each one click to ask)
    similar_answered_heading: str  # "Dazu steht etwas im Programm:" under "nearest"/"nothing"
    elsewhere_none: str  # "Im Kapitel {chapter} steht dazu nichts."
    elsewhere_chapter: str  # "Im Kapitel {chapter}:"
    search_all_chapters: str  # button: the same question in every chapter
    copy_nearest: str  # copy button of the nearest places (not an answer)
    faq_heading: str  # "Häufige Fragen" of a topic section
    faq_intro: str
    source_view_summary: str
    source_view_missing: str
    source_line_label: str
    line_abbreviation: str  # "Z.", "line", "satır": in citations ("Wahlprogramm 2025, Z. 3055")
    source_text_label: str
    cited_lines_note: str
    share_label: str
    share_hint: str
    feedback_question: str
    feedback_helpful: str
    feedback_unhelpful: str
    feedback_thanks: str  # "… {rank} …"
    feedback_changed: str  # "… {rank} …" (a changed vote)
    feedback_failed: str
    feedback_stale: str
    error_heading: str
    error_internal: str
    busy_title: str  # title of the "too many requests" message
    queue_full: str
    starting: str  # a question asked while the model is still loading
    building: str  # the first-start page while the index is built: "{percent}" = 0…100
    building_note: str  # under it: the page opens by itself
    too_long: str  # "{n}" = limit: the paste was cut
    searched_for: str  # "Gesucht nach: {corrected}"
    instead_of: str  # "statt „{original}“"
    search_original: str  # button: "Stattdessen nach „{original}“ suchen"
    footer: str
    topics_heading: str
    topics_intro: str
    topics_chapter_label: str
    topics_section_label: str
    topics_print: str
    topics_choose: str  # the print button pressed with no section chosen
    topics_pledges: str  # "{n} Stellen" style count line
    permalink_label: str
    permalink_missing: str
    export_title: str
    export_question: str
    export_chapter: str
    export_answer: str
    export_sources: str
    export_results: str
    export_created: str
    export_origin: str
    export_sheet_title: str

    def results_status(self, n: int, where: str, question: str) -> str:
        """"1 Ergebnis …" / "5 Ergebnisse …" in this language."""
        form = self.results_one if n == 1 else self.results_many
        return form.format(n=n, where=where, question=question)
