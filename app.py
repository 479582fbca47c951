"""Nachgefragt in the browser: ask the programme, read the pledges, check them in the source.

`build_demo(qa, feedback, sources)` wires the UI to one QA pipeline; `main()` reads flags
and environment, opens the model and index (building the index if needed) and launches on
127.0.0.1 by default. Importing this module loads no model.

    python app.py [--host 127.0.0.1] [--port 7860] [--model …] [--data-dir .nachgefragt] [--corpus corpus]

API (gradio_client): `Client(url).predict(question="…", chapter="", top_k=5, api_name="/ask")`
returns a JSON-able dict (see ui/payload.py).
"""
from __future__ import annotations

import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # before gradio is imported

import argparse  # noqa: E402
import logging  # noqa: E402
import tempfile  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING, Any  # noqa: E402

import gradio as gr  # noqa: E402

from qa.types import Answer  # noqa: E402
from qa.validate import QuestionError, clean_top_k  # noqa: E402
from ui import style, texts  # noqa: E402
from ui.export import write_exports  # noqa: E402
from ui.feedback import VOTES, FeedbackStore, open_feedback  # noqa: E402
from ui.payload import answer_payload  # noqa: E402
from ui.render import (esc, render_answer, render_doorstep, render_error, render_note,  # noqa: E402
                       render_share, render_status)
from ui.share import page_base, parse_shared, share_url  # noqa: E402

if TYPE_CHECKING:
    from qa.pipeline import QA

log = logging.getLogger("nachgefragt.app")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860
TOP_K = 5
MAX_API_TOP_K = 20


def build_demo(qa: "QA", feedback: FeedbackStore, sources: dict[str, list[str]], *,
               export_dir: Path | None = None, concurrency: int = 4, queue_size: int = 32) -> gr.Blocks:
    """The whole UI over one pipeline. `sources` maps source id → numbered lines (ui.source)."""
    chapters = list(qa.chapters)
    max_chars = qa.config.limits.max_chars
    exports = export_dir or Path(tempfile.mkdtemp(prefix="nachgefragt-export-"))

    def run(question: object, chapter: str) -> Answer:
        try:
            return qa.ask(question, top_k=TOP_K, chapter=chapter or None)
        except Exception:  # a bug must not leave people with a hung page
            log.exception("ask failed")
            return Answer(question="", hits=(), abstained=True, text="", error=texts.ERROR_INTERNAL)

    def chapter_of(label: object) -> str:
        return label if isinstance(label, str) and label in chapters else ""

    def view(question: object, chapter_label: object, request: gr.Request | None) -> tuple[Any, ...]:
        chapter = chapter_of(chapter_label)
        answer = run(question, chapter)
        if answer.error:  # only the error box shows; everything else is cleared
            no_file = gr.DownloadButton(value=None, interactive=False)
            return (gr.HTML(render_error(answer.error), visible=True), gr.Column(visible=False), "", "", "",
                    no_file, no_file, "", "", {"question": "", "pledge_ids": []})
        base = page_base(dict(request.headers), str(request.url)) if request is not None else ""
        link = share_url(base, answer.question, chapter)
        md_file = html_file = None
        try:
            files = write_exports(answer, chapter, exports, datetime.now(timezone.utc), link)
            md_file, html_file = str(files.markdown), str(files.html)
        except OSError as exc:
            log.warning("exports not written to %s: %s", exports, exc)
        return (
            gr.HTML("", visible=False), gr.Column(visible=True), render_status(answer, chapter),
            render_doorstep(answer), render_share(link),
            gr.DownloadButton(value=md_file, interactive=md_file is not None),
            gr.DownloadButton(value=html_file, interactive=html_file is not None),
            render_answer(answer, sources), "",
            {"question": answer.question, "pledge_ids": [h.pledge.id for h in answer.hits]},
        )

    def on_load(request: gr.Request) -> tuple[Any, ...]:
        shared = parse_shared(dict(request.query_params), chapters, max_chars)
        if shared is None:
            return tuple(gr.skip() for _ in range(2 + len(outputs)))
        label = shared.chapter or texts.ALL_CHAPTERS
        return (shared.question, label, *view(shared.question, label, request))

    def vote(state: dict[str, Any] | None, event: gr.EventData) -> str:
        # The page sends only {rank, vote}; the pledge is looked up in this session's answer.
        rank, choice = getattr(event, "rank", None), getattr(event, "vote", None)
        asked = state or {}
        ids = asked.get("pledge_ids") or []
        if type(rank) is not int or not 1 <= rank <= len(ids) or choice not in VOTES:
            return render_note(texts.FEEDBACK_STALE, ok=False)
        if feedback.record(str(asked.get("question", "")), ids[rank - 1], choice):
            gr.Info(texts.FEEDBACK_THANKS.format(rank=rank), duration=4, title=texts.FEEDBACK_TOAST_TITLE)
            return render_note(texts.FEEDBACK_THANKS.format(rank=rank))
        gr.Warning(texts.FEEDBACK_FAILED, duration=8, title=texts.FEEDBACK_TOAST_TITLE)
        return render_note(texts.FEEDBACK_FAILED, ok=False)

    def api_ask(question: str, chapter: str = "", top_k: int = TOP_K) -> dict:
        """Ask the programme; returns the answer, citations and hits as JSON."""
        chap = chapter_of(chapter)
        try:
            answer = qa.ask(question, top_k=clean_top_k(top_k, MAX_API_TOP_K), chapter=chap or None)
        except QuestionError as exc:  # top_k NaN, inf, None, "x": a clear message, no crash
            answer = Answer(question="", hits=(), abstained=True, text="", error=str(exc))
        except Exception:
            log.exception("api ask failed")
            answer = Answer(question="", hits=(), abstained=True, text="", error=texts.ERROR_INTERNAL)
        link = share_url("", answer.question, chap) if not answer.error else ""
        return answer_payload(answer, chap, link)

    with gr.Blocks(title=f"{texts.APP_TITLE} – Wahlprogramm 2025", analytics_enabled=False,
                   delete_cache=(3600, 3600)) as demo:
        gr.HTML(f"<h1>{esc(texts.APP_TITLE)}</h1><p>{esc(texts.APP_TAGLINE)}</p>", elem_id="nf-kopf", js_on_load=None)
        with gr.Row(equal_height=False):
            question = gr.Textbox(label=texts.QUESTION_LABEL, placeholder=texts.QUESTION_PLACEHOLDER,
                                  info=texts.QUESTION_INFO, lines=1, max_lines=4, max_length=max_chars,
                                  elem_id="nf-frage", autofocus=True, scale=4, submit_btn=False)
            chapter = gr.Dropdown([texts.ALL_CHAPTERS, *chapters], value=texts.ALL_CHAPTERS,
                                  label=texts.CHAPTER_LABEL, info=texts.CHAPTER_INFO, elem_id="nf-kapitel",
                                  scale=2, min_width=200, filterable=False)
        ask_button = gr.Button(texts.ASK_BUTTON, variant="primary", elem_id="nf-fragen")
        examples = gr.Examples([[q] for q in texts.EXAMPLE_QUESTIONS], inputs=[question],
                               label=texts.EXAMPLES_LABEL, elem_id="nf-beispiele", api_visibility="private")
        error_box = gr.HTML("", elem_id="nf-fehler", js_on_load=None, visible=False)
        with gr.Column(visible=False, elem_id="nf-antwort") as answer_area:
            status = gr.HTML("", elem_id="nf-status", js_on_load=style.STATUS_JS)
            doorstep = gr.HTML("", elem_id="nf-haustuer",
                               js_on_load=style.copy_js(texts.COPY_DONE, texts.COPY_FAILED))
            with gr.Row():
                md_button = gr.DownloadButton(texts.EXPORT_MARKDOWN, elem_id="nf-export-md", size="md",
                                              interactive=False)
                html_button = gr.DownloadButton(texts.EXPORT_HTML, elem_id="nf-export-html", size="md",
                                                interactive=False)
            share = gr.HTML("", elem_id="nf-teilen", js_on_load=None)
            results = gr.HTML("", elem_id="nf-ergebnisse", js_on_load=style.RESULTS_JS)
            note = gr.HTML("", elem_id="nf-rueckmeldung", js_on_load=style.STATUS_JS)
        gr.HTML(f"<p>{esc(texts.FOOTER)}</p>", elem_id="nf-fusszeile", js_on_load=None)
        state = gr.State({"question": "", "pledge_ids": []})

        outputs = [error_box, answer_area, status, doorstep, share, md_button, html_button, results, note, state]
        common = dict(outputs=outputs, show_progress="minimal", api_visibility="private")
        for trigger in (ask_button.click, question.submit):
            trigger(view, inputs=[question, chapter], **common).then(
                None, inputs=[question, chapter], js=style.update_url_js(texts.ALL_CHAPTERS))
        examples.load_input_event.then(view, inputs=[question, chapter], **common)
        results.click(vote, inputs=[state], outputs=[note], show_progress="hidden", api_visibility="private")
        demo.load(on_load, inputs=None, outputs=[question, chapter, *outputs], show_progress="minimal",
                  api_visibility="private")
        gr.api(api_ask, api_name="ask")

    demo.queue(default_concurrency_limit=concurrency, max_size=queue_size)
    return demo


def launch(demo: gr.Blocks, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *,
           prevent_thread_lock: bool = False, quiet: bool = False) -> Any:
    """Start the server with the app's look, no uploads to speak of, and no share tunnel."""
    return demo.launch(
        server_name=host, server_port=port, prevent_thread_lock=prevent_thread_lock, quiet=quiet,
        share=False, show_error=False, css=style.CSS, theme=style.make_theme(), head=style.HEAD,
        js=style.PAGE_JS, footer_links=["api"], max_file_size="1kb", ssr_mode=False, pwa=False,
        mcp_server=False, inbrowser=False,
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Flags, with host and port also from NACHGEFRAGT_HOST / NACHGEFRAGT_PORT."""
    from index.config import DEFAULT_MODEL
    from index.defaults import DEFAULT_CORPUS, DEFAULT_DATA

    parser = argparse.ArgumentParser(description="Nachgefragt: Fragen an das Wahlprogramm 2025 (Web-App).")
    parser.add_argument("--host", default=os.environ.get("NACHGEFRAGT_HOST", DEFAULT_HOST),
                        help="address to bind (default 127.0.0.1; env NACHGEFRAGT_HOST)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("NACHGEFRAGT_PORT", DEFAULT_PORT)),
                        help="port (default 7860; env NACHGEFRAGT_PORT)")
    parser.add_argument("--model", default=DEFAULT_MODEL, help="embedding model (default: the offline default)")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA,
                        help="index, model cache and feedback database")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder with the programme sources")
    parser.add_argument("--concurrency", type=int, default=2, help="questions answered at the same time")
    parser.add_argument("--queue-size", type=int, default=64, help="waiting questions before 'busy'")
    parser.add_argument("--log-level", default=os.environ.get("NACHGEFRAGT_LOG", "INFO"))
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Open the model and index (building it if needed), then serve the app."""
    args = parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from qa.service import open_qa
    from ui.source import load_sources

    log.info("opening model %s and index in %s (the first start builds the index)", args.model, args.data_dir)
    from index.embed import ModelNotAvailableError

    try:
        qa = open_qa(args.corpus, args.data_dir, args.model)
    except (ModelNotAvailableError, FileNotFoundError) as exc:  # a clear message, no traceback
        log.error("%s", exc)
        raise SystemExit(f"Fehler: {exc}") from None
    # One torch thread per question: with Gradio's event loop in the same process, more
    # threads only contend (docs/reliability.md: 52 → 35 ms CPU per question, up to 1.9× throughput).
    import torch

    torch.set_num_threads(1)
    demo = build_demo(qa, open_feedback(args.data_dir), load_sources(args.corpus),
                      concurrency=args.concurrency, queue_size=args.queue_size)
    log.info("serving on http://%s:%d", args.host, args.port)
    launch(demo, args.host, args.port)


if __name__ == "__main__":
    main()
