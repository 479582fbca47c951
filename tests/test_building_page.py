"""The first-start page (ui/building.py) and the build's progress (serving/build_progress.py):
its text in six languages, its API answers while building, and in Chromium on a desktop and a
phone: the percentage moves, and the page turns into the real one when that takes the port."""
from __future__ import annotations

import threading
import time

import httpx
import numpy as np
import pytest

from browsing import browser, any_page, shot  # noqa: F401 (fixtures)
from eval.appserver import free_port
from serving.build_progress import ProgressEmbedder
from ui.building import BuildingPage, building_html
from ui.i18n.choose import CATALOGUES


def test_the_waiting_page_in_every_language() -> None:
    for code, t in CATALOGUES.items():
        page = building_html(t, 42)
        assert f'lang="{code}"' in page and "42" in page and t.building_note in page and "{" not in page.split("<script>")[0].replace('data-text="', "").split('"')[0]
        assert t.building.format(percent=42) in page.replace("&#x27;", "'")
    assert "Nachgefragt baut gerade sein Verzeichnis auf – 42 %" in building_html(CATALOGUES["de"], 42)
    assert 'value="100"' in building_html(CATALOGUES["de"], 130)


def test_progress_counts_passages_then_the_bank() -> None:
    class Inner:
        model_id, dim = "m", 2

        def encode_passages(self, texts, show_progress=False, titles=None):
            assert len(texts) <= 64 and (titles is None or len(titles) == len(texts))
            return np.zeros((len(texts), 2), np.float32)

        def encode_queries(self, texts):
            return np.zeros((len(texts), 2), np.float32)

    seen: list[float] = []
    emb = ProgressEmbedder(Inner(), seen.append, bank_size=128)
    assert emb.model_id == "m" and emb.encode_passages(["p"] * 200, titles=["t"] * 200).shape == (200, 2)
    assert seen[-1] == pytest.approx(0.5) and seen == sorted(seen)
    emb.encode_queries(["q"] * 3)  # a live question: not the bank
    emb.encode_queries(["q"] * 64)
    emb.encode_queries(["q"] * 64)
    assert seen[-1] == pytest.approx(0.99)


@pytest.fixture()
def waiting():
    page = BuildingPage("127.0.0.1", free_port()).start()
    yield page
    page.stop()


def test_while_building_the_api_says_not_yet(waiting: BuildingPage) -> None:
    base = f"http://127.0.0.1:{waiting.port}"
    waiting.progress(0.37)
    health = httpx.get(base + "/healthz", timeout=10)
    assert health.status_code == 503 and health.json() == {"ready": False, "building": 37}
    assert health.headers["retry-after"]
    asked = httpx.get(base + "/api/ask", params={"q": "Radwege"}, timeout=10)
    assert asked.status_code == 503 and "37 %" in asked.json()["error"]
    english = httpx.get(base + "/", headers={"Accept-Language": "en-GB,en;q=0.9"}, timeout=10).text
    assert "is building its index – 37 %" in english


def _real_app(port: int) -> object:
    """A stand-in for the real page taking the port over."""
    import uvicorn
    from fastapi import FastAPI
    from fastapi.responses import HTMLResponse

    api = FastAPI()
    api.get("/healthz")(lambda: {"ready": True})
    api.get("/", response_class=HTMLResponse)(lambda: "<html><body><h1>Ihre Frage</h1></body></html>")
    server = uvicorn.Server(uvicorn.Config(api, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    return server


@pytest.mark.browser
def test_the_first_start_page_shows_progress_and_opens_the_app(any_page) -> None:  # noqa: F811
    waiting = BuildingPage("127.0.0.1", free_port()).start()
    server = None
    try:
        waiting.progress(0.12)
        any_page.goto(f"http://127.0.0.1:{waiting.port}/")
        heading = any_page.locator("#nf-prozent")
        assert heading.inner_text() == "Nachgefragt baut gerade sein Verzeichnis auf – 12 %"
        waiting.progress(0.58)
        any_page.wait_for_function("() => document.querySelector('#nf-prozent').textContent.includes('58 %')")
        shot(any_page, f"first-start-{any_page.nf_name}.png")
        waiting.stop()
        server = _real_app(waiting.port)
        any_page.wait_for_selector("text=Ihre Frage", timeout=20_000)  # reloaded into the real page
    finally:
        waiting.stop()
        if server is not None:
            server.should_exit = True
            time.sleep(0.2)
