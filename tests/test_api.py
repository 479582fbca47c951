"""The plain JSON API (`GET /api/ask`, `GET /healthz`, `/openapi.json`) on the app's own server,
with the fake encoder: the `/ask` payload, bad input, 503 + Retry-After when busy."""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

from inprocess_app import serve_app
from serving.answerer import BatchConfig
from ui.api import busy_payload, health, index_digest


@pytest.fixture(scope="module")
def url(fake_index, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from fakes import FakeEmbedder

    from qa.pipeline import QA

    yield from serve_app(QA(fake_index, FakeEmbedder()), tmp_path_factory.mktemp("api-app"))


def test_api_ask_returns_the_ask_payload(url: str) -> None:
    r = httpx.get(url + "api/ask", params={"q": "Was passiert mit dem Flughafen?", "top_k": 3}, timeout=30)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["error"] == "" and body["question"] == "Was passiert mit dem Flughafen?"
    assert 1 <= len(body["hits"]) <= 3 and body["hits"][0]["citations"]
    assert {"answer", "outcome", "share_link", "notices", "elsewhere"} <= set(body)


def test_api_ask_bad_input_is_an_error_in_the_payload(url: str) -> None:
    empty = httpx.get(url + "api/ask", timeout=30).json()
    assert empty["error"] and empty["hits"] == []
    many = httpx.get(url + "api/ask", params={"q": "Radwege", "top_k": 500}, timeout=30).json()
    assert len(many["hits"]) <= 20 and many["notices"]
    assert httpx.get(url + "api/ask", params={"q": "x", "top_k": "viele"}, timeout=30).status_code == 422


def test_healthz_and_openapi(url: str) -> None:
    health_ = httpx.get(url + "healthz", timeout=30).json()
    assert health_["ready"] is True and health_["model"] == "fake-hash-256" and len(health_["index"]) == 16
    assert health_["encoder"] == "PyTorch" and health_["passages"] > 1000
    schema = httpx.get(url + "openapi.json", timeout=30).json()
    assert {"/api/ask", "/healthz"} <= set(schema["paths"])
    assert [p["name"] for p in schema["paths"]["/api/ask"]["get"]["parameters"]] == ["q", "chapter", "top_k"]


def test_the_page_is_still_served(url: str) -> None:
    assert "<html" in httpx.get(url, timeout=30).text.lower()


def test_busy_is_503_with_retry_after_and_the_german_text(fake_index, tmp_path: Path) -> None:
    from fakes import FakeEmbedder

    from qa.pipeline import QA

    class SlowQA(QA):
        def complete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            time.sleep(1.0)  # every encoder pass takes 1 s
            return super().complete(*args, **kwargs)

    batch = BatchConfig(max_batch=1, workers=1, timeout=0.5)
    for base in serve_app(SlowQA(fake_index, FakeEmbedder()), tmp_path, batch=batch):  # type: ignore[arg-type]
        with ThreadPoolExecutor(4) as pool:
            replies = list(pool.map(lambda i: httpx.get(base + "api/ask", params={"q": f"Flughafen {i}"}, timeout=30),
                                    range(4)))
        codes = sorted(r.status_code for r in replies)
        assert 503 in codes, codes
        refused = next(r for r in replies if r.status_code == 503)
        assert int(refused.headers["retry-after"]) >= 1
        assert refused.json()["error"] == busy_payload()["error"] and "Anfragen" in refused.json()["error"]


def test_health_says_not_ready_while_the_model_loads() -> None:
    h = SimpleNamespace(answerer=SimpleNamespace(ready=threading.Event()), model="m",
                        qa=SimpleNamespace(index=SimpleNamespace(manifest={"a": 1}, pledges=[1, 2])))
    assert health(h, "OpenVINO int8 (f32)") == {"ready": False, "model": "m", "encoder": "OpenVINO int8 (f32)",
                                                  "index": index_digest({"a": 1}), "passages": 2}
    h.answerer.ready.set()
    assert health(h, "x")["ready"] is True
    assert index_digest({"a": 1}) != index_digest({"a": 2})
