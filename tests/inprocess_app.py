"""Serving the Gradio app in-process for tests (one helper for the client, load and browser tests)."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from eval.appserver import free_port

ROOT = Path(__file__).resolve().parent.parent


def serve_app(qa: object, tmp: Path, **limits: int) -> Iterator[str]:
    """Build the app over `qa`, launch it on a free loopback port and yield its base URL
    (with a trailing slash); closes it afterwards. `limits`: concurrency, queue_size."""
    import app
    from ui.config import AppConfig
    from ui.feedback import open_feedback
    from ui.source import load_sources

    demo = app.build_demo(qa, open_feedback(tmp / "data"), load_sources(ROOT / "corpus"),  # type: ignore[arg-type]
                          AppConfig(**limits))  # type: ignore[arg-type]
    port = free_port()
    app.launch(demo, "127.0.0.1", port, prevent_thread_lock=True, quiet=True)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()
