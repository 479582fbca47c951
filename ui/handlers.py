"""What the page's events do: ask, vote, switch language, show a topic sheet, export (no layout).

`Handlers` holds one pipeline, the feedback store and the source texts; app.py lays out the
components and wires these methods to them. Everything that makes HTML or files is in the
pure modules (render, topics, export); here it is only put together per event.
"""
from __future__ import annotations

import json
import logging
import threading
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from serving.answerer import Answerer, Busy, Starting
from qa.pipeline import Ask
from qa.types import Answer
from qa.validate import QuestionError, clean_top_k
from ui.config import AppConfig
from ui.export import export_filename, html_export, local_now, markdown_export
from ui.faq import Faq
from ui.feedback import UNANSWERED, VOTES, FeedbackStore
from ui.i18n import Texts, texts_for
from ui.payload import answer_payload
from ui.render import (render_answer, render_correction, render_doorstep, render_error, render_note, render_share,
                       render_status)
from ui.session import Session, page_language, voter_id
from ui.share import share_url
from ui.topics import Outline, render_section, section_title, sheet_html

if TYPE_CHECKING:
    from qa.pipeline import QA

log = logging.getLogger(__name__)


def failed(message: str) -> Answer:
    """An answer that could not be given: an error, and "nothing" as its outcome."""
    return Answer(question="", hits=(), abstained=True, text="", error=message, outcome="nothing")


def takes_away(answer: Answer) -> bool:
    """An answer, or the nearest places (not an answer, but a canvasser takes them to the
    door), can be copied, downloaded and printed; "nothing" and errors cannot."""
    return not answer.error and (not answer.abstained or answer.outcome == "nearest")


def top_k_notice(asked: int, maximum: int) -> str:
    """What `/ask` says when it returns fewer hits than asked for (German, like its errors)."""
    return f"top_k={asked} ist mehr als die Höchstzahl: es werden höchstens {maximum} Treffer gezeigt."


class Handlers:
    """The app's behaviour over one pipeline (shared by all sessions; holds no per-person state)."""

    def __init__(self, qa: "QA", feedback: FeedbackStore, sources: dict[str, list[str]], config: AppConfig,
                 ready: threading.Event | None = None) -> None:
        """`ready`: set when the model is loaded (app.main serves the page before that)."""
        self.qa = qa
        self.feedback = feedback
        self.sources = sources
        self.config = config
        self.chapters = list(qa.chapters)
        self.max_chars = qa.config.limits.max_chars
        self.outline = Outline.of(qa.index.pledges)
        self.faq = Faq.of(qa.index.bank, self.outline.passages)  # "Häufige Fragen" of every topic section
        self.model = str(qa.index.manifest.get("model", ""))
        # Concurrent questions share encoder passes (test stand-ins subclass QA).
        self.answerer = Answerer(qa, config.batch, ready)
        self.warm_up()

    def close(self) -> None:
        """Finish the queued questions and stop the answerer's workers (a rebuilt pipeline
        gets new handlers)."""
        self.answerer.close()

    def warm_up(self) -> None:
        """Load the language model and build the spelling corrector now, at start, so the first
        person to ask does not wait for them (a second or two; more on a busy machine)."""
        from qa.language import detect_language

        detect_language("Was passiert mit dem Flughafen?")
        if self.qa.config.spelling:
            self.qa.speller  # noqa: B018 (built on first access)

    # --- asking -------------------------------------------------------------------------
    def chapter_of(self, value: object) -> str:
        return value if isinstance(value, str) and value in self.chapters else ""

    def cut(self, question: object) -> tuple[object, bool]:
        """A pasted text longer than the limit is cut there (and the page says so)."""
        if isinstance(question, str) and len(question) > self.max_chars:
            return question[: self.max_chars], True
        return question, False

    def ask(self, question: object, chapter: str, correct: bool = True, top_k: int | None = None,
            lang: str | None = None, raise_busy: bool = False) -> Answer:
        """The answer for the page or `/ask`, through the shared encoder batches; "too many
        questions", "still starting" and bugs become a message in language `lang` (the page's;
        German by default), never a hang. `raise_busy`: Busy/Starting are raised instead
        (`/api/ask` answers them with HTTP 503)."""
        k = top_k or self.config.top_k
        try:
            return self.answerer.ask(Ask(question, k, chapter or None, correct))
        except Busy as exc:
            if raise_busy:
                raise
            return failed(texts_for(lang).starting if isinstance(exc, Starting) else texts_for(lang).queue_full)
        except Exception:  # a bug must not leave people with a hung page
            log.exception("ask failed")
            return failed(texts_for(lang).error_internal)

    def answered(self, question: object, chapter_value: object, base: str, session: Session,
                 correct: bool = True) -> Session:
        """The session after asking: answer, language, share link, any input notice."""
        chapter = self.chapter_of(chapter_value)
        question, was_cut = self.cut(question)
        answer = self.ask(question, chapter, correct, lang=session.lang)
        lang = page_language(answer.language, session)
        link = "" if answer.error else share_url(base, answer.question, chapter, lang)
        notice = texts_for(lang).too_long.format(n=self.max_chars) if was_cut else ""
        self.remember_unanswered(answer, chapter)
        return replace(session, answer=answer, chapter=chapter, link=link, lang=lang, notice=notice)

    def remember_unanswered(self, answer: Answer, chapter: str) -> None:
        """A page question that got "nearest"/"nothing" is kept as a question-bank candidate
        (`python -m eval export-feedback`); a database that cannot take it is only logged."""
        if not answer.error and answer.outcome in UNANSWERED and answer.question:
            self.feedback.record_unanswered(answer.question, answer.outcome, reason=answer.reason, chapter=chapter,
                                            lang=answer.language, model=self.model)

    def answer_view(self, s: Session) -> dict[str, Any]:
        """The answer area's contents for a session, in its language (keys = component names)."""
        t = texts_for(s.lang)
        answer = s.answer
        if answer is None:
            return {"error": ("", False), "shown": False, "correction": "", "status": "", "doorstep": "",
                    "exports": False, "share": "", "results": ""}
        if answer.error:
            return {"error": (render_error(answer.error, t), True), "shown": False, "correction": "", "status": "",
                    "doorstep": "", "exports": False, "share": "", "results": ""}
        notice = render_note(s.notice, ok=False) if s.notice else ""
        return {"error": ("", False), "shown": True, "correction": notice + render_correction(answer, t),
                "status": render_status(answer, s.chapter, t), "doorstep": render_doorstep(answer, t),
                "exports": takes_away(answer), "share": render_share(s.link, t),
                "results": render_answer(answer, self.sources, t=t, chapter=s.chapter)}

    def api_ask(self, question: str, chapter: str = "", top_k: int = 5) -> dict:
        """Ask the programme; returns the answer, citations and hits as JSON. An unknown
        chapter is an error (as from `QA.ask`), not a search of every chapter."""
        return self.api_payload(question, chapter, top_k)

    def api_payload(self, question: object, chapter: object, top_k: object, raise_busy: bool = False) -> dict:
        """The `/ask` payload (also `GET /api/ask`, ui/api.py, which sets `raise_busy`)."""
        chap = chapter if isinstance(chapter, str) else ""
        try:  # top_k NaN, inf, None, "x": a clear message, no crash; whole numbers clamped, and said so
            k = clean_top_k(top_k, self.config.max_api_top_k)
            asked = clean_top_k(top_k)
        except QuestionError as exc:
            return answer_payload(Answer(question="", hits=(), abstained=True, text="", error=str(exc),
                                         outcome="nothing"), chap, "")
        notices = (top_k_notice(asked, self.config.max_api_top_k),) if asked != k else ()
        answer = self.ask(question, chap, top_k=k, raise_busy=raise_busy)
        link = share_url("", answer.question, chap) if not answer.error else ""
        return answer_payload(answer, chap, link, notices)

    # --- feedback -----------------------------------------------------------------------
    def vote(self, s: Session, rank: object, choice: object, voter: str) -> str:
        """Store a vote on result `rank` of the answer on screen (one per person; changeable)."""
        t = texts_for(s.lang)
        hits = s.answer.hits if s.answer is not None and not s.answer.error else ()
        if type(rank) is not int or not 1 <= rank <= len(hits) or choice not in VOTES:
            return render_note(t.feedback_stale, ok=False)
        question, pledge = s.answer.question, hits[rank - 1].pledge.id  # type: ignore[union-attr]
        before = self.feedback.vote_of(voter, question, pledge)
        if self.feedback.record(question, pledge, str(choice), voter=voter, chapter=s.chapter, model=self.model):
            message = t.feedback_changed if before and before != choice else t.feedback_thanks
            return render_note(message.format(rank=rank))
        return render_note(t.feedback_failed, ok=False)

    # --- topic sheets -------------------------------------------------------------------
    def sections_of(self, chapter: str) -> list[tuple[str, str]]:
        return [(section_title(s), s) for s in self.outline.sections.get(chapter, ())]

    def topic_view(self, s: Session) -> str:
        return render_section(s.section, self.outline.passages.get(s.section, ()), self.sources,
                              texts_for(s.lang), focus=s.focus, faq=self.faq.of_section(s.section))

    def pledge_session(self, pledge_id: str, s: Session) -> Session:
        """The session showing the section of a permalinked pledge, that pledge opened."""
        return replace(s, section=self.outline.section_of(pledge_id), focus=pledge_id)

    # --- take-aways (built only when a button is pressed) ---------------------------------
    def sheet(self, s: Session) -> tuple[str, str]:
        """The topic sheet to print, or (when no section is chosen) a note saying what to choose."""
        payload = self.export(s, "sheet")
        return payload, "" if payload else render_note(texts_for(s.lang).topics_choose, ok=False)

    def export(self, s: Session, kind: str) -> str:
        """JSON for the page script: {name, mime, text, print}; "" when there is nothing to take away."""
        t: Texts = texts_for(s.lang)
        now = local_now()
        if kind == "sheet":
            passages = self.outline.passages.get(s.section, ())
            if not passages:
                return ""
            sheet = sheet_html(s.section, passages, now, t, self.faq.of_section(s.section))
            return json.dumps({"name": export_filename(section_title(s.section), now, "html", "themenblatt"),
                               "mime": "text/html", "text": sheet, "print": True})
        answer = s.answer
        if answer is None or not takes_away(answer):
            return ""
        if kind == "md":
            return json.dumps({"name": export_filename(answer.question, now, "md"), "mime": "text/markdown",
                               "text": markdown_export(answer, s.chapter, now, s.link, t), "print": False})
        page = html_export(answer, s.chapter, now, s.link, t)
        return json.dumps({"name": export_filename(answer.question, now, "html"), "mime": "text/html",
                           "text": page, "print": kind == "print"})
