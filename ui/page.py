"""The page: layout of the Gradio app over one pipeline, and how it is launched.

`build_demo(qa, feedback, sources, config, ready)` lays out the components and wires them
to ui/handlers.py; `launch` starts the server with the app's look. app.py imports this only
after it has started the encoder process (importing Gradio takes seconds).
"""
from __future__ import annotations

import logging
import os
import threading
from dataclasses import replace
from typing import TYPE_CHECKING, Any

# Gradio's queue recomputes a pandas summary of its last 10 000 events after every event (for
# its monitoring page, unused here): under load that is milliseconds of CPU per answer, holding
# the GIL (docs/reliability.md). Once per 1000 events over the last 1000 is plenty.
os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "1000")
os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "1000")

import gradio as gr  # noqa: E402

from ui import scripts, style, texts  # noqa: E402
from ui.config import DEFAULT_HOST, DEFAULT_PORT, AppConfig  # noqa: E402
from ui.feedback import FeedbackStore, open_feedback  # noqa: E402
from ui.handlers import Handlers  # noqa: E402
from ui.i18n import CATALOGUES, Texts, from_accept_language, texts_for  # noqa: E402
from ui.render import esc  # noqa: E402
from ui.session import Session, voter_id  # noqa: E402
from ui.share import LANGUAGE_PARAM, page_base, parse_pledge, parse_shared, with_language  # noqa: E402
from ui.topics import chapter_of  # noqa: E402


if TYPE_CHECKING:
    from qa.pipeline import QA

log = logging.getLogger("nachgefragt.app")
__all__ = ["build_demo", "footer_html", "header_html", "launch"]


def header_html(t: Texts) -> str:
    return f"<h1>{esc(texts.APP_TITLE)}</h1><p>{esc(t.tagline)}</p>"


def footer_html(t: Texts, notices: tuple[str, ...] = ()) -> str:
    """The footer, with what people should know about this setup (e.g. a model fallback)."""
    return f"<p>{esc(t.footer)}</p>" + "".join(f'<p class="nf-hinweis">{esc(n)}</p>' for n in notices)


def topics_intro_html(t: Texts) -> str:
    """The one line saying what the topic tab is for."""
    return f'<p class="nf-intro">{esc(t.topics_intro)}</p>'


def build_demo(qa: "QA", feedback: FeedbackStore, sources: dict[str, list[str]],
               config: AppConfig = AppConfig(), ready: threading.Event | None = None) -> gr.Blocks:
    """The whole UI over one pipeline. `sources` maps source id → numbered lines (ui.source);
    `ready`: set once the model can answer (questions asked before wait for it)."""
    h = Handlers(qa, feedback, sources, config, ready)
    # The topic tab opens on the programme's first section, not on two empty lists.
    first_chapter = h.outline.chapters[0] if h.outline.chapters else None
    first = Session(section=h.sections_of(first_chapter)[0][1] if first_chapter and h.sections_of(first_chapter) else "")
    de = texts_for("de")
    notices = tuple(str(n) for n in getattr(qa, "notices", ()))

    def chapter_choices(t: Texts) -> list[tuple[str, str]]:
        return [(t.all_chapters, ""), *[(c, c) for c in h.chapters]]

    def labels(t: Texts, s: Session, question: Any = None, chosen_chapter: Any = None) -> tuple[Any, ...]:
        """Every labelled component in language `t` (order = `labelled` below)."""
        box = dict(label=t.question_label, placeholder=t.question_placeholder, info=t.question_info)
        return (
            gr.Dropdown(value=t.code, label=t.language_label), gr.HTML(header_html(t)),
            gr.Textbox(**box) if question is None else gr.Textbox(value=question, **box),
            gr.Dropdown(choices=chapter_choices(t), label=t.chapter_label, info=t.chapter_info,
                        **({} if chosen_chapter is None else {"value": chosen_chapter})),
            gr.Button(t.ask_button), gr.Dataset(label=t.examples_label, samples=[[q] for q in t.examples]),
            gr.Tab(label=t.tab_ask),
            gr.Tab(label=t.tab_topics), gr.Button(t.export_markdown), gr.Button(t.export_html),
            gr.Button(t.print_button), gr.Dropdown(label=t.topics_chapter_label),
            gr.Dropdown(label=t.topics_section_label), gr.Button(t.topics_print), gr.HTML(topics_intro_html(t)),
            gr.HTML(footer_html(t, notices)), h.topic_view(s), s,
        )

    def answer_outputs(s: Session) -> tuple[Any, ...]:
        v = h.answer_view(s)
        error, show_error = v["error"]
        return (gr.HTML(error, visible=show_error), gr.Column(visible=v["shown"]), v["correction"], v["status"],
                v["doorstep"], gr.Row(visible=v["exports"]), v["share"], v["results"], "")

    def show(s: Session, question: Any = None, chosen_chapter: Any = None) -> tuple[Any, ...]:
        return (*answer_outputs(s), *labels(texts_for(s.lang), s, question, chosen_chapter))

    def base_of(request: gr.Request | None) -> str:
        return page_base(dict(request.headers), str(request.url)) if request is not None else ""

    def view(question: object, chapter: object, s: Session, request: gr.Request | None) -> tuple[Any, ...]:
        s = h.answered(question, chapter, base_of(request), s)
        return show(s, h.cut(question)[0] if s.notice else None)

    def view_original(question: object, chapter: object, s: Session, request: gr.Request | None) -> tuple[Any, ...]:
        return show(h.answered(question, chapter, base_of(request), s, correct=False))

    def view_next(s: Session, event: gr.EventData, request: gr.Request | None) -> tuple[Any, ...]:
        """A similar question or "search all chapters" clicked: that question, in all chapters."""
        asked = getattr(event, "question", None)
        question = asked if isinstance(asked, str) else ""
        return show(h.answered(question, "", base_of(request), s), question, "")

    def relabel(code: object, s: Session) -> tuple[Any, ...]:
        lang = texts_for(code).code
        return show(replace(s, lang=lang, chosen=True, link=with_language(s.link, lang)))

    def page_language_of(request: gr.Request) -> tuple[str, bool]:
        """The language the link asks for (?lang=, chosen) or the browser's (Accept-Language)."""
        asked = dict(request.query_params).get(LANGUAGE_PARAM, "")
        if asked in CATALOGUES:
            return asked, True
        return from_accept_language(request.headers.get("accept-language", "")), False

    def on_load(s: Session, request: gr.Request) -> tuple[Any, ...]:
        """The page in its language; a share link's answer or a permalink's pledge. Without a
        link nothing of the answer area or the session is written: a question asked while
        this event was under way keeps its answer (merge_language puts the language in)."""
        params = dict(request.query_params)
        lang, chosen = page_language_of(request)
        s = replace(s, lang=lang, chosen=chosen)
        pledge = parse_pledge(params, h.outline.by_id)
        shared = parse_shared(params, h.chapters, h.max_chars)
        question, chapter = gr.skip(), gr.skip()
        if pledge:
            s = h.pledge_session(pledge, s)
        if shared is not None:
            question, chapter = shared.question, shared.chapter
            s = h.answered(shared.question, shared.chapter, base_of(request), s)
        topics: tuple[Any, ...] = (gr.skip(), gr.skip(), gr.skip())  # the page may have moved on meanwhile
        if pledge:
            shown = chapter_of(s.section)
            topics = (gr.Tabs(selected="themen"), gr.Dropdown(value=shown),
                      gr.Dropdown(choices=h.sections_of(shown), value=s.section))
        if shared is not None or pledge:
            return (question, chapter, *topics, *show(s))
        relabelled = labels(texts_for(s.lang), s)[:-2]  # not the topic sheet or the session
        return (question, chapter, *topics, *(gr.skip(),) * len(answer_area_out), *relabelled, gr.skip(), gr.skip())

    def merge_language(s: Session, request: gr.Request) -> Session:
        """The page language into the session as it is now (an answer asked meanwhile stays):
        a link's ?lang= always; the browser's only while no answer has chosen one."""
        if s.chosen:
            return s
        lang, chosen = page_language_of(request)
        if chosen or s.answer is None:
            return replace(s, lang=lang, chosen=chosen)
        return s

    def vote(s: Session, event: gr.EventData, request: gr.Request) -> str:
        # The page sends only {rank, vote, voter}; the pledge is looked up in this session's answer.
        voter = voter_id(getattr(event, "voter", None), getattr(request, "session_hash", "") or "")
        return h.vote(s, getattr(event, "rank", None), getattr(event, "vote", None), voter)

    def pick_example(index: object, s: Session) -> Any:
        """The example question clicked, in the page's language."""
        shown = texts_for(s.lang).examples
        return shown[index] if type(index) is int and 0 <= index < len(shown) else gr.skip()

    def pick_chapter(chapter: object, s: Session) -> tuple[Any, ...]:
        sections = h.sections_of(chapter if isinstance(chapter, str) else "")
        s = replace(s, section=sections[0][1] if sections else "", focus="")
        return gr.Dropdown(choices=sections, value=s.section or None), h.topic_view(s), s

    def pick_section(section: object, s: Session) -> tuple[str, Session]:
        s = replace(s, section=section if isinstance(section, str) and section in h.outline.passages else "", focus="")
        return h.topic_view(s), s

    with gr.Blocks(title=f"{texts.APP_TITLE} – Wahlprogramm 2025", analytics_enabled=False) as demo:
        with gr.Row(elem_id="nf-kopfzeile"):
            header = gr.HTML(header_html(de), elem_id="nf-kopf", js_on_load=None)
            lang_choice = gr.Dropdown([(c.name, code) for code, c in CATALOGUES.items()], value="de",
                                      label=de.language_label, elem_id="nf-sprache", scale=0, min_width=160)
        with gr.Tabs(selected="fragen", elem_id="nf-reiter") as tabs:
            with gr.Tab(de.tab_ask, id="fragen") as tab_ask:
                with gr.Row(equal_height=False):
                    question = gr.Textbox(label=de.question_label, placeholder=de.question_placeholder,
                                          info=de.question_info, lines=1, max_lines=4,
                                          max_length=h.max_chars * 10, elem_id="nf-frage", autofocus=True,
                                          scale=4, submit_btn=False)
                    chapter = gr.Dropdown(chapter_choices(de), value="", label=de.chapter_label,
                                          info=de.chapter_info, elem_id="nf-kapitel", scale=2, min_width=200,
                                          filterable=False)
                ask_button = gr.Button(de.ask_button, variant="primary", elem_id="nf-fragen")
                # A dataset by index, so a click asks the example of the page's language.
                examples = gr.Dataset(components=[question], samples=[[q] for q in de.examples], type="index",
                                      label=de.examples_label, elem_id="nf-beispiele")
                error_box = gr.HTML("", elem_id="nf-fehler", js_on_load=None, visible=False)
                with gr.Column(visible=False, elem_id="nf-antwort") as answer_area:
                    correction = gr.HTML("", elem_id="nf-korrektur", js_on_load=scripts.ORIGINAL_JS)
                    status = gr.HTML("", elem_id="nf-status", js_on_load=scripts.STATUS_JS)
                    doorstep = gr.HTML("", elem_id="nf-haustuer", js_on_load=scripts.COPY_JS)
                    with gr.Row(elem_id="nf-mitnehmen") as export_row:
                        md_button = gr.Button(de.export_markdown, elem_id="nf-export-md", size="md")
                        html_button = gr.Button(de.export_html, elem_id="nf-export-html", size="md")
                        print_button = gr.Button(de.print_button, elem_id="nf-drucken", size="md")
                    share = gr.HTML("", elem_id="nf-teilen", js_on_load=None)
                    results = gr.HTML("", elem_id="nf-ergebnisse", js_on_load=scripts.RESULTS_JS + scripts.ASK_NEXT_JS)
            with gr.Tab(de.tab_topics, id="themen") as tab_topics:
                with gr.Row():
                    topic_chapter = gr.Dropdown([(c, c) for c in h.outline.chapters], value=first_chapter,
                                                label=de.topics_chapter_label, elem_id="nf-thema-kapitel")
                    topic_section = gr.Dropdown(h.sections_of(first_chapter), value=first.section or None,
                                                label=de.topics_section_label,
                                                elem_id="nf-thema-abschnitt")
                topic_intro = gr.HTML(topics_intro_html(de), elem_id="nf-thema-intro", js_on_load=None)
                sheet_button = gr.Button(de.topics_print, elem_id="nf-thema-drucken", size="md")
                sheet_note = gr.HTML("", elem_id="nf-thema-hinweis", js_on_load=scripts.STATUS_JS)
                topic_html = gr.HTML(h.topic_view(first), elem_id="nf-thema", js_on_load=None)
        note = gr.HTML("", elem_id="nf-rueckmeldung", js_on_load=scripts.STATUS_JS)
        footer = gr.HTML(footer_html(de, notices), elem_id="nf-fusszeile", js_on_load=None)
        carrier = gr.Textbox("", visible=False, elem_id="nf-mitnahme")
        state = gr.State(first)

        answer_area_out = [error_box, answer_area, correction, status, doorstep, export_row, share, results, note]
        labelled = [lang_choice, header, question, chapter, ask_button, examples, tab_ask, tab_topics,
                    md_button, html_button, print_button, topic_chapter, topic_section, sheet_button, topic_intro,
                    footer, topic_html, state]
        outputs = [*answer_area_out, *labelled]
        common: dict[str, Any] = dict(outputs=outputs, show_progress="minimal", api_visibility="private")
        after = dict(fn=None, inputs=[question, chapter, lang_choice], js=scripts.AFTER_ANSWER_JS)
        for trigger in (ask_button.click, question.submit):
            trigger(view, inputs=[question, chapter, state], **common).then(**after)
        examples.click(pick_example, inputs=[examples, state], outputs=[question], show_progress="hidden",
                       api_visibility="private").then(view, inputs=[question, chapter, state], **common).then(**after)
        correction.click(view_original, inputs=[question, chapter, state], **common).then(**after)
        lang_choice.input(relabel, inputs=[lang_choice, state], **common).then(
            None, inputs=[lang_choice], js=scripts.LANGUAGE_JS)
        # always_last: a quick change of mind is stored as the last click, never dropped.
        results.click(vote, inputs=[state], outputs=[note], show_progress="hidden", api_visibility="private",
                      trigger_mode="always_last").then(None, inputs=[note], js=scripts.FEEDBACK_JS,
                                                       show_progress="hidden")
        # A similar question or "search all chapters" (ui/leads.py) is asked in one click.
        results.submit(view_next, inputs=[state], **common).then(**after)
        topic_chapter.input(pick_chapter, inputs=[topic_chapter, state], outputs=[topic_section, topic_html, state],
                            api_visibility="private")
        topic_section.input(pick_section, inputs=[topic_section, state], outputs=[topic_html, state],
                            api_visibility="private")
        for button, kind in ((md_button, "md"), (html_button, "html"), (print_button, "print")):
            button.click(lambda s, k=kind: h.export(s, k), inputs=[state], outputs=[carrier], show_progress="hidden",
                         api_visibility="private").then(None, inputs=[carrier], js=scripts.TAKEAWAY_JS,
                                                        show_progress="hidden")
        sheet_button.click(h.sheet, inputs=[state], outputs=[carrier, sheet_note], show_progress="hidden",
                           api_visibility="private").then(None, inputs=[carrier], js=scripts.TAKEAWAY_JS,
                                                          show_progress="hidden")
        demo.load(on_load, inputs=[state], outputs=[question, chapter, tabs, topic_chapter, topic_section, *outputs],
                  show_progress="minimal", api_visibility="private").then(
            merge_language, inputs=[state], outputs=[state], show_progress="hidden", api_visibility="private").then(
            **after)
        gr.api(h.api_ask, api_name="ask")

    demo.queue(default_concurrency_limit=config.concurrency, max_size=config.queue_size)
    demo.handlers = h  # type: ignore[attr-defined]  # app.main closes them with the page (their answerer's threads)
    return demo


def launch(demo: gr.Blocks, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *,
           prevent_thread_lock: bool = False, quiet: bool = False) -> Any:
    """Start the server with the app's look, no uploads to speak of, and no share tunnel; the
    JSON API (`/api/ask`, `/healthz`, ui/api.py) on the same FastAPI app, before Gradio's routes."""
    from ui.api import api_routes

    h = demo.handlers  # type: ignore[attr-defined]
    encoder = getattr(getattr(h.qa.embedder, "encoder_choice", None), "label", "PyTorch")
    return demo.launch(
        server_name=host, server_port=port, prevent_thread_lock=prevent_thread_lock, quiet=quiet,
        share=False, show_error=False, css=style.CSS, theme=style.make_theme(), head=scripts.HEAD,
        js=scripts.page_js(), footer_links=[], max_file_size="1kb", ssr_mode=False, pwa=False,
        mcp_server=False, inbrowser=False, app_kwargs={"routes": api_routes(h, encoder)},
    )
