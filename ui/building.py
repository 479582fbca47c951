"""The page from the first second: while the index is built, "Nachgefragt baut gerade sein
Verzeichnis auf – x %", in the browser's language.

On a first start the index build takes minutes. `BuildingPage` serves, on the app's own
address, a small page (no Gradio: it imports in well under a second) that shows the build's
progress and asks `/healthz` every two seconds; the API says "not yet" (HTTP 503 with
Retry-After). When the index is ready app.py stops it and launches the real page on the same
port; the waiting page sees `/healthz` answer without "building" and reloads itself into it.
`building_html` is pure.
"""
from __future__ import annotations

import html
import logging
import socket
import threading
import time
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from ui.i18n import texts_for
from ui.i18n.catalogue import Texts
from ui.i18n.choose import from_accept_language

log = logging.getLogger(__name__)

RETRY_AFTER = "10"

# Poll /healthz: while it says "building", show the new percentage; once the real app answers
# (no "building" in its reply), load it. A refused connection (the switch-over) is just retried.
_POLL_JS = """
(function poll() {
  fetch('/healthz', {cache: 'no-store'}).then(r => r.json()).then(j => {
    if (!('building' in j)) { location.reload(); return; }
    const el = document.getElementById('nf-prozent');
    if (el) { el.textContent = el.dataset.text.replace('{percent}', j.building); }
    const bar = document.getElementById('nf-balken');
    if (bar) { bar.value = j.building; }
  }).catch(() => {}).finally(() => setTimeout(poll, 2000));
})();
"""

_CSS = """
body { font-family: system-ui, sans-serif; margin: 0; background: #f6f8f4; color: #1c2b1c; }
main { max-width: 40rem; margin: 18vh auto 0; padding: 0 1.25rem; }
h1 { font-size: 1.6rem; line-height: 1.3; margin: 0 0 1rem; }
progress { width: 100%; height: 1rem; accent-color: #1f7a3a; }
p { font-size: 1.05rem; line-height: 1.5; }
"""


def building_html(t: Texts, percent: int) -> str:
    """The whole waiting page in language `t` at `percent` (0…100)."""
    percent = max(0, min(100, int(percent)))
    text = t.building
    return (f'<!DOCTYPE html><html lang="{t.code}" dir="{t.direction}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>Nachgefragt</title><style>{_CSS}</style></head><body><main>'
            f'<h1 id="nf-prozent" data-text="{html.escape(text)}" role="status" aria-live="polite">'
            f'{html.escape(text.format(percent=percent))}</h1>'
            f'<progress id="nf-balken" max="100" value="{percent}"></progress>'
            f'<p>{html.escape(t.building_note)}</p></main><script>{_POLL_JS}</script></body></html>')


class BuildingPage:
    """The waiting page on `host:port` in a thread, until `stop()`; `progress(fraction)` sets x."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.percent = 0
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def progress(self, fraction: float) -> None:
        self.percent = max(self.percent, max(0, min(100, round(fraction * 100))))

    def app(self) -> Any:
        api = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

        @api.get("/", response_class=HTMLResponse)
        def page(request: Request) -> HTMLResponse:
            t = texts_for(from_accept_language(request.headers.get("accept-language", "")))
            return HTMLResponse(building_html(t, self.percent), headers={"Cache-Control": "no-store"})

        @api.get("/favicon.ico")
        def icon() -> Response:
            return Response(status_code=204)

        @api.get("/healthz")
        def healthz() -> JSONResponse:
            return JSONResponse({"ready": False, "building": self.percent}, status_code=503,
                                headers={"Retry-After": RETRY_AFTER, "Cache-Control": "no-store"})

        @api.get("/api/ask")
        def ask() -> JSONResponse:
            t = texts_for("de")
            body = {"error": t.building.format(percent=self.percent), "hits": [], "outcome": "nothing"}
            return JSONResponse(body, status_code=503, headers={"Retry-After": RETRY_AFTER})

        return api

    def start(self) -> "BuildingPage":
        import uvicorn

        config = uvicorn.Config(self.app(), host=self.host, port=self.port, log_level="warning", access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="building-page", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started and self._thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.02)
        log.info("first start: the waiting page is served on http://%s:%d while the index is built",
                 self.host, self.port)
        return self

    def stop(self) -> None:
        """Stop serving and free the port (the real page takes it over)."""
        if self._server is None:
            return
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)
        self._server = None
        _wait_port_free(self.host, self.port)


def _wait_port_free(host: str, port: int, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind((host, port))
                return
            except OSError:
                time.sleep(0.05)


