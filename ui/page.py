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
from ui.share import LANGUAGE_PARAM, page_base, parse_pledge, parse_shared  # noqa: E402
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


def build_demo(qa: "QA", feedback: FeedbackStore, sources: dict[str, list[str]],
               config: AppConfig = AppConfig(), ready: threading.Event | None = None) -> gr.Blocks:
    """The whole UI over one pipeline. `sources` maps source id → numbered lines (ui.source);
    `ready`: set once the model can answer (questions asked before wait for it)."""
    h = Handlers(qa, feedback, sources, config, ready)
    de = texts_for("de")
    notices = tuple(str(n) for n in getattr(qa, "notices", ()))

    def chapter_choices(t: Texts) -> list[tuple[str, str]]:
        return [(t.all_chapters, ""), *[(c, c) for c in h.chapters]]

    def labels(t: Texts, s: Session, question: Any = None) -> tuple[Any, ...]:
        """Every labelled component in language `t` (order = `labelled` below)."""
        box = dict(label=t.question_label, placeholder=t.question_placeholder, info=t.question_info)
        return (
            gr.Dropdown(value=t.code, label=t.language_label), gr.HTML(header_html(t)),
            gr.Textbox(**box) if question is None else gr.Textbox(value=question, **box),
            gr.Dropdown(choices=chapter_choices(t), label=t.chapter_label, info=t.chapter_info),
            gr.Button(t.ask_button), gr.Dataset(label=t.examples_label), gr.Tab(label=t.tab_ask),
            gr.Tab(label=t.tab_topics), gr.Button(t.export_markdown), gr.Button(t.export_html),
            gr.Button(t.print_button), gr.Dropdown(label=t.topics_chapter_label),
            gr.Dropdown(label=t.topics_section_label), gr.Button(t.topics_print),
            gr.HTML(footer_html(t, notices)), h.topic_view(s), s,
        )

    def answer_outputs(s: Session) -> tuple[Any, ...]:
        v = h.answer_view(s)
        error, show_error = v["error"]
        return (gr.HTML(error, visible=show_error), gr.Column(visible=v["shown"]), v["correction"], v["status"],
                v["doorstep"], gr.Row(visible=v["exports"]), v["share"], v["results"], "")

    def show(s: Session, question: Any = None) -> tuple[Any, ...]:
        return (*answer_outputs(s), *labels(texts_for(s.lang), s, question))

    def base_of(request: gr.Request | None) -> str:
        return page_base(dict(request.headers), str(request.url)) if request is not None else ""

    def view(question: object, chapter: object, s: Session, request: gr.Request | None) -> tuple[Any, ...]:
        s = h.answered(question, chapter, base_of(request), s)
        return show(s, h.cut(question)[0] if s.notice else None)

    def view_original(question: object, chapter: object, s: Session, request: gr.Request | None) -> tuple[Any, ...]:
        return show(h.answered(question, chapter, base_of(request), s, correct=False))

    def relabel(code: object, s: Session) -> tuple[Any, ...]:
        return show(replace(s, lang=texts_for(code).code, chosen=True))

    def on_load(s: Session, request: gr.Request) -> tuple[Any, ...]:
        params = dict(request.query_params)
        asked = params.get(LANGUAGE_PARAM, "")
        lang = asked if asked in CATALOGUES else from_accept_language(request.headers.get("accept-language", ""))
        s = replace(s, lang=lang, chosen=asked in CATALOGUES)
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
        return (question, chapter, *topics, *show(s))

    def vote(s: Session, event: gr.EventData, request: gr.Request) -> str:
        # The page sends only {rank, vote, voter}; the pledge is looked up in this session's answer.
        voter = voter_id(getattr(event, "voter", None), getattr(request, "session_hash", "") or "")
        return h.vote(s, getattr(event, "rank", None), getattr(event, "vote", None), voter)

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
                examples = gr.Examples([[q] for q in texts.EXAMPLE_QUESTIONS], inputs=[question],
                                       label=de.examples_label, elem_id="nf-beispiele", api_visibility="private")
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
                    results = gr.HTML("", elem_id="nf-ergebnisse", js_on_load=scripts.RESULTS_JS)
            with gr.Tab(de.tab_topics, id="themen") as tab_topics:
                with gr.Row():
                    topic_chapter = gr.Dropdown([(c, c) for c in h.outline.chapters], value=None,
                                                label=de.topics_chapter_label, elem_id="nf-thema-kapitel")
                    topic_section = gr.Dropdown([], value=None, label=de.topics_section_label,
                                                elem_id="nf-thema-abschnitt")
                sheet_button = gr.Button(de.topics_print, elem_id="nf-thema-drucken", size="md")
                topic_html = gr.HTML("", elem_id="nf-thema", js_on_load=None)
        note = gr.HTML("", elem_id="nf-rueckmeldung", js_on_load=scripts.STATUS_JS)
        footer = gr.HTML(footer_html(de, notices), elem_id="nf-fusszeile", js_on_load=None)
        carrier = gr.Textbox("", visible=False, elem_id="nf-mitnahme")
        state = gr.State(Session())

        answer_area_out = [error_box, answer_area, correction, status, doorstep, export_row, share, results, note]
        labelled = [lang_choice, header, question, chapter, ask_button, examples.dataset, tab_ask, tab_topics,
                    md_button, html_button, print_button, topic_chapter, topic_section, sheet_button, footer,
                    topic_html, state]
        outputs = [*answer_area_out, *labelled]
        common: dict[str, Any] = dict(outputs=outputs, show_progress="minimal", api_visibility="private")
        after = dict(fn=None, inputs=[question, chapter, lang_choice], js=scripts.AFTER_ANSWER_JS)
        for trigger in (ask_button.click, question.submit):
            trigger(view, inputs=[question, chapter, state], **common).then(**after)
        examples.load_input_event.then(view, inputs=[question, chapter, state], **common).then(**after)
        correction.click(view_original, inputs=[question, chapter, state], **common).then(**after)
        lang_choice.input(relabel, inputs=[lang_choice, state], **common).then(
            None, inputs=[lang_choice], js=scripts.LANGUAGE_JS)
        # always_last: a quick change of mind is stored as the last click, never dropped.
        results.click(vote, inputs=[state], outputs=[note], show_progress="hidden", api_visibility="private",
                      trigger_mode="always_last")
        topic_chapter.input(pick_chapter, inputs=[topic_chapter, state], outputs=[topic_section, topic_html, state],
                            api_visibility="private")
        topic_section.input(pick_section, inputs=[topic_section, state], outputs=[topic_html, state],
                            api_visibility="private")
        for button, kind in ((md_button, "md"), (html_button, "html"), (print_button, "print"), (sheet_button, "sheet")):
            button.click(lambda s, k=kind: h.export(s, k), inputs=[state], outputs=[carrier], show_progress="hidden",
                         api_visibility="private").then(None, inputs=[carrier], js=scripts.TAKEAWAY_JS)
        demo.load(on_load, inputs=[state], outputs=[question, chapter, tabs, topic_chapter, topic_section, *outputs],
                  show_progress="minimal", api_visibility="private").then(**after)
        gr.api(h.api_ask, api_name="ask")

    demo.queue(default_concurrency_limit=config.concurrency, max_size=config.queue_size)
    return demo


def launch(demo: gr.Blocks, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *,
           prevent_thread_lock: bool = False, quiet: bool = False) -> Any:
    """Start the server with the app's look, no uploads to speak of, and no share tunnel."""
    return demo.launch(
        server_name=host, server_port=port, prevent_thread_lock=prevent_thread_lock, quiet=quiet,
        share=False, show_error=False, css=style.CSS, theme=style.make_theme(), head=scripts.HEAD,
        js=scripts.page_js(), footer_links=[], max_file_size="1kb", ssr_mode=False, pwa=False,
        mcp_server=False, inbrowser=False,
    )
