"""What the browser tests share: Chromium, viewports, the fake app, asking and screenshots."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = ROOT / "test-artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 15_000
# window.print in every frame counts instead of opening a dialog the test cannot close.
COUNT_PRINTS = "window.print = () => { window.top.__printed = (window.top.__printed || 0) + 1; };"


def serve(demo) -> str:  # type: ignore[no-untyped-def]
    import app
    from eval.appserver import free_port

    port = free_port()
    app.launch(demo, "127.0.0.1", port, prevent_thread_lock=True, quiet=True)
    return f"http://127.0.0.1:{port}/"


def always_abstain():  # type: ignore[no-untyped-def]
    """An abstention model that always says "nothing in the programme" (probability ~0)."""
    from qa.abstain import FEATURES, AbstentionModel

    n = len(FEATURES)
    return AbstentionModel(weights=(0.0,) * n, bias=-50.0, mean=(0.0,) * n, scale=(1.0,) * n, threshold=0.5,
                          nothing_threshold=0.5)


def nearest_only():  # type: ignore[no-untyped-def]
    """An abstention model whose answer is always "nearest": not an answer, but close passages."""
    from dataclasses import replace

    return replace(always_abstain(), nothing_threshold=0.0)


def make_app(fake_index, tmp: Path, abstain: bool, model=None):  # type: ignore[no-untyped-def]
    from fakes import FakeEmbedder

    import app
    from qa.pipeline import QA, QAConfig
    from ui.feedback import open_feedback
    from ui.source import load_sources

    qa = QA(fake_index, FakeEmbedder(), QAConfig(abstention=model or (always_abstain() if abstain else None)))
    store = open_feedback(tmp)
    return app.build_demo(qa, store, load_sources(ROOT / "corpus")), store


def ask(pg, question: str, label: str = "Ihre Frage") -> None:  # type: ignore[no-untyped-def]
    # The page's load event must be back first: its outputs would otherwise replace an answer
    # that came sooner (a race a person typing within the first second can meet too).
    pg.wait_for_function("() => document.documentElement.dataset.nfLoaded === '1'")
    box = pg.get_by_label(label)
    box.fill(question)
    box.press("Enter")


def wait_for_new_results(pg, old_status: str = "") -> None:  # type: ignore[no-untyped-def]
    # Gradio's progress overlay ("processing | 0.2/0.3s", a running timer) changes the text before
    # the answer does: wait for a status that is neither the old one nor still in progress.
    pg.wait_for_function("(old) => { const s = document.querySelector('#nf-status');"
                         " if (!s) return false; const t = s.innerText.trim();"
                         " return t && s.innerText !== old && !/processing|^[0-9.\\/]+s/.test(t); }", arg=old_status)


def shot(pg, name: str, full_page: bool = True) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / name), full_page=full_page)


@pytest.fixture(scope="module")
def servers(fake_index, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    normal, store = make_app(fake_index, tmp_path_factory.mktemp("app"), abstain=False)
    abstaining, _ = make_app(fake_index, tmp_path_factory.mktemp("app-abstain"), abstain=True)
    near, _ = make_app(fake_index, tmp_path_factory.mktemp("app-nearest"), abstain=True, model=nearest_only())
    urls = {"url": serve(normal), "abstain_url": serve(abstaining), "nearest_url": serve(near), "store": store}
    yield urls
    normal.close()
    abstaining.close()
    near.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=DESKTOP, locale="de-DE", accept_downloads=True)
    context.add_init_script(COUNT_PRINTS)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    yield pg
    context.close()


@pytest.fixture(params=["desktop", "phone"])
def any_page(request, browser):  # type: ignore[no-untyped-def]
    """A page on a desktop and on a 390 px phone."""
    phone = request.param == "phone"
    context = browser.new_context(viewport=PHONE if phone else DESKTOP, locale="de-DE", is_mobile=phone,
                                  has_touch=phone, accept_downloads=True)
    context.add_init_script(COUNT_PRINTS)
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    pg.nf_name = request.param  # type: ignore[attr-defined]
    yield pg
    context.close()
