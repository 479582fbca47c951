"""Nachgefragt in the browser: ask the programme, read the pledges, check them in the source.

`main()` reads flags and environment into an `AppConfig`, starts the encoder process (the
model loads there, serving/encoder_process.py), opens the index (building it if needed),
serves the page (ui/page.py; behaviour in ui/handlers.py) while the model is still loading,
then checks the index against the model and answers. `build_demo` and `launch` are
re-exported from ui/page.py. Importing this module loads neither the model nor Gradio.

    python app.py [--host 127.0.0.1] [--port 7860] [--model …] [--data-dir .nachgefragt] [--corpus corpus]

API (gradio_client): `Client(url).predict(question="…", chapter="", top_k=5, api_name="/ask")`
returns a JSON-able dict (see ui/payload.py).
"""
from __future__ import annotations

import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # before gradio is imported

import logging  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from typing import TYPE_CHECKING, Any  # noqa: E402

from ui.config import DEFAULT_HOST, DEFAULT_PORT, AppConfig, first_start, parse_args, start_message  # noqa: E402

if TYPE_CHECKING:
    from pathlib import Path

    import gradio as gr

    from qa.pipeline import QA
    from ui.feedback import FeedbackStore

log = logging.getLogger("nachgefragt.app")
__all__ = ["AppConfig", "DEFAULT_HOST", "DEFAULT_PORT", "build_demo", "launch", "main", "parse_args"]


def build_demo(qa: "QA", feedback: "FeedbackStore", sources: dict[str, list[str]],
               config: AppConfig = AppConfig(), ready: threading.Event | None = None) -> "gr.Blocks":
    """The whole UI over one pipeline (ui/page.py, imported on first use)."""
    from ui.page import build_demo as build

    return build(qa, feedback, sources, config, ready)


def launch(demo: "gr.Blocks", host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *,
           prevent_thread_lock: bool = False, quiet: bool = False) -> Any:
    """Start the server (ui/page.py)."""
    from ui.page import launch as start

    return start(demo, host, port, prevent_thread_lock=prevent_thread_lock, quiet=quiet)


def _bank_size(corpus: "Path") -> int:
    """Questions in the corpus's question bank (the second half of the build's progress)."""
    try:
        return sum(1 for line in (corpus / "question-bank.jsonl").open(encoding="utf-8") if line.strip())
    except OSError:
        return 1


def main(argv: list[str] | None = None) -> None:
    """Start the encoder process, open the index (building it if needed), serve the page
    while the model loads, then check the index against the model and answer."""
    config = parse_args(argv)
    logging.basicConfig(level=config.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    started = time.perf_counter()
    from index.defaults import corpus_sources
    from index.models.embed import ModelNotAvailableError
    from serving.encoder_process import EncoderGone, ProcessEmbedder
    from index.storage.freshness import StaleIndexError
    from index.storage.store import CorruptIndexError
    from qa.service import open_qa, verify_qa
    from ui.feedback import open_feedback
    from ui.source import load_sources

    log.info("%s", start_message(config))
    embedder: ProcessEmbedder | None = None
    waiting = None  # the first-start page while the index is built (ui/building.py)
    try:
        corpus_sources(config.corpus)  # a missing corpus is said before anything starts
        if not config.in_process:  # the model loads in its own process while this one gets ready
            embedder = ProcessEmbedder(config.model, config.data_dir, threads=config.batch.torch_threads,
                                       channels=config.batch.workers, log_level=config.log_level,
                                       encoder=config.encoder)
        building: object | None = embedder
        if first_start(config):
            from serving.build_progress import ProgressEmbedder
            from ui.building import BuildingPage

            waiting = BuildingPage(config.host, config.port).start()
            if embedder is not None:
                building = ProgressEmbedder(embedder, waiting.progress, _bank_size(config.corpus))
        qa = open_qa(config.corpus, config.data_dir, config.model, embedder=building, verify=embedder is None)
    except (ModelNotAvailableError, EncoderGone, FileNotFoundError) as exc:  # a clear message, no traceback
        log.error("%s", exc)
        if embedder is not None:
            embedder.close()
        raise SystemExit(f"Fehler: {exc}") from None
    finally:
        if waiting is not None:
            waiting.stop()  # the real page takes the port over; the waiting page reloads into it
    from qa.cache import AnswerCache

    qa.cache = AnswerCache(config.cache_size) if config.cache_size > 0 else None  # repeats at once
    ready = threading.Event()
    feedback, sources = open_feedback(config.data_dir), load_sources(config.corpus)
    demo = build_demo(qa, feedback, sources, config, ready)
    launch(demo, config.host, config.port, prevent_thread_lock=True)
    log.info("serving on http://%s:%d after %.1f s%s", config.host, config.port, time.perf_counter() - started,
             "" if embedder is None or embedder.ready() else "; the model is still loading")
    try:
        if embedder is not None:
            try:
                verify_qa(qa)  # waits for the model, then re-embeds three passages
            except (CorruptIndexError, StaleIndexError) as exc:  # vectors that do not belong: never served
                log.warning("index does not match the model (%s): rebuilding", exc)
                demo.close()
                demo.handlers.close()  # the first pipeline's answerer: its threads end here
                qa = open_qa(config.corpus, config.data_dir, config.model, embedder=embedder, rebuild=True)
                qa.cache = AnswerCache(config.cache_size) if config.cache_size > 0 else None
                demo = build_demo(qa, feedback, sources, config, ready)
                launch(demo, config.host, config.port, prevent_thread_lock=True)
    except (ModelNotAvailableError, EncoderGone, TimeoutError) as exc:
        log.error("%s", exc)
        demo.close()
        demo.handlers.close()
        embedder.close() if embedder is not None else None
        raise SystemExit(f"Fehler: {exc}") from None
    ready.set()
    log.info("ready to answer %.1f s after start", time.perf_counter() - started)
    try:
        demo.block_thread()
    finally:
        demo.handlers.close()
        if embedder is not None:
            embedder.close()


if __name__ == "__main__":
    main()
