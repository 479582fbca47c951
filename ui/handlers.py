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
from ui.feedback import VOTES, FeedbackStore
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
    return Answer(question="", hits=(), abstained=True, text="", error=message)


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
        index = getattr(qa, "index", None)
        self.outline = Outline.of(index.pledges if index is not None else ())
        manifest = getattr(index, "manifest", None)
        self.model = str(manifest.get("model", "")) if isinstance(manifest, dict) else ""
        # Concurrent questions share encoder passes (a pipeline without `prepare`, e.g. a test
        # stand-in, is asked directly).
        self.answerer = Answerer(qa, config.batch, ready) if hasattr(qa, "prepare") else None
        self.warm_up()

    def warm_up(self) -> None:
        """Load the language model and build the spelling corrector now, at start, so the first
        person to ask does not wait for them (a second or two; more on a busy machine)."""
        from qa.language import detect_language

        detect_language("Was passiert mit dem Flughafen?")
        if getattr(getattr(self.qa, "config", None), "spelling", False) and hasattr(self.qa, "speller"):
            self.qa.speller  # noqa: B018 (built on first access)

    # --- asking -------------------------------------------------------------------------
    def chapter_of(self, value: object) -> str:
        return value if isinstance(value, str) and value in self.chapters else ""

    def cut(self, question: object) -> tuple[object, bool]:
        """A pasted text longer than the limit is cut there (and the page says so)."""
        if isinstance(question, str) and len(question) > self.max_chars:
            return question[: self.max_chars], True
        return question, False

    def ask(self, question: object, chapter: str, correct: bool = True, top_k: int | None = None) -> Answer:
        """The answer for the page or `/ask`: through the shared encoder batches when the
        pipeline offers them; "too many questions" and bugs become a message, never a hang."""
        k = top_k or self.config.top_k
        try:
            if self.answerer is not None:
                return self.answerer.ask(Ask(question, k, chapter or None, correct))
            if correct:
                return self.qa.ask(question, top_k=k, chapter=chapter or None)
            return self.qa.ask(question, top_k=k, chapter=chapter or None, correct=False)
        except Starting:
            return failed(texts_for(None).starting)
        except Busy:
            return failed(texts_for(None).queue_full)
        except Exception:  # a bug must not leave people with a hung page
            log.exception("ask failed")
            return failed(texts_for(None).error_internal)

    def answered(self, question: object, chapter_value: object, base: str, session: Session,
                 correct: bool = True) -> Session:
        """The session after asking: answer, language, share link, any input notice."""
        chapter = self.chapter_of(chapter_value)
        question, was_cut = self.cut(question)
        answer = self.ask(question, chapter, correct)
        lang = page_language(answer.language, session)
        link = "" if answer.error else share_url(base, answer.question, chapter)
        notice = texts_for(lang).too_long.format(n=self.max_chars) if was_cut else ""
        return replace(session, answer=answer, chapter=chapter, link=link, lang=lang, notice=notice)

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
                "exports": not answer.abstained, "share": render_share(s.link, t),
                "results": render_answer(answer, self.sources, t=t)}

    def api_ask(self, question: str, chapter: str = "", top_k: int = 5) -> dict:
        """Ask the programme; returns the answer, citations and hits as JSON."""
        chap = self.chapter_of(chapter)
        try:  # top_k NaN, inf, None, "x": a clear message, no crash; whole numbers clamped
            k = clean_top_k(top_k, self.config.max_api_top_k)
        except QuestionError as exc:
            return answer_payload(Answer(question="", hits=(), abstained=True, text="", error=str(exc),
                                         outcome="nothing"), chap, "")
        answer = self.ask(question, chap, top_k=k)
        link = share_url("", answer.question, chap) if not answer.error else ""
        return answer_payload(answer, chap, link)

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
                              texts_for(s.lang), focus=s.focus)

    def pledge_session(self, pledge_id: str, s: Session) -> Session:
        """The session showing the section of a permalinked pledge, that pledge opened."""
        return replace(s, section=self.outline.section_of(pledge_id), focus=pledge_id)

    # --- take-aways (built only when a button is pressed) ---------------------------------
    def export(self, s: Session, kind: str) -> str:
        """JSON for the page script: {name, mime, text, print}; "" when there is nothing to take away."""
        t: Texts = texts_for(s.lang)
        now = local_now()
        if kind == "sheet":
            passages = self.outline.passages.get(s.section, ())
            if not passages:
                return ""
            return json.dumps({"name": export_filename(section_title(s.section), now, "html", "themenblatt"),
                               "mime": "text/html", "text": sheet_html(s.section, passages, now, t), "print": True})
        answer = s.answer
        if answer is None or answer.error or answer.abstained:
            return ""
        if kind == "md":
            return json.dumps({"name": export_filename(answer.question, now, "md"), "mime": "text/markdown",
                               "text": markdown_export(answer, s.chapter, now, s.link, t), "print": False})
        page = html_export(answer, s.chapter, now, s.link, t)
        return json.dumps({"name": export_filename(answer.question, now, "html"), "mime": "text/html",
                           "text": page, "print": kind == "print"})
