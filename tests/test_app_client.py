"""The app's named API endpoint (`/ask`) through gradio_client, plus the app's edges
(cheap import, flags and environment, overload)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from index.defaults import DEFAULT_CORPUS, DEFAULT_DATA
from inprocess_app import serve_app

gradio_client = pytest.importorskip("gradio_client", reason="gradio_client is not installed")

ROOT = Path(__file__).resolve().parent.parent
XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=1">'


@pytest.fixture(scope="module")
def url(fake_index, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from fakes import FakeEmbedder

    from qa.pipeline import QA

    yield from serve_app(QA(fake_index, FakeEmbedder()), tmp_path_factory.mktemp("client-app"))


@pytest.fixture(scope="module")
def client(url: str):  # type: ignore[no-untyped-def]
    return gradio_client.Client(url, verbose=False)


def ask(client, question: object, chapter: str = "", top_k: int = 5) -> dict:  # type: ignore[no-untyped-def]
    return client.predict(question=question, chapter=chapter, top_k=top_k, api_name="/ask")


def test_only_the_ask_endpoint_is_public(client) -> None:  # type: ignore[no-untyped-def]
    api = client.view_api(print_info=False, return_format="dict")
    assert list(api["named_endpoints"]) == ["/ask"]
    params = [p["parameter_name"] for p in api["named_endpoints"]["/ask"]["parameters"]]
    assert params == ["question", "chapter", "top_k"]


def test_ask_returns_json_with_citations(client) -> None:  # type: ignore[no-untyped-def]
    result = ask(client, "Ehrenamtsfonds weiter aufstocken", top_k=3)
    json.dumps(result)
    assert result["error"] == "" and result["abstained"] is False
    assert len(result["hits"]) == 3
    top = result["hits"][0]
    assert top["pledge_id"] == "wahlprogramm-2025:3679" and top["rank"] == 1
    assert top["sentence"] == "Wir werden den Ehrenamtsfonds weiter aufstocken."
    assert top["section"].startswith("Gleichberechtigung und Engagement")
    assert [(c["source"], c["start_line"], c["end_line"]) for c in top["citations"]] == [
        ("wahlprogramm-2025", 3679, 3679), ("antrag-gleichberechtigung-und-engagement", 252, 252)]
    assert "(Wahlprogramm 2025, Z. 3679; Antrag „Gleichberechtigung und Engagement“, Z. 252)" in result["answer"]
    assert "(wahlprogramm-2025, Z. 3679; antrag-gleichberechtigung-und-engagement, Z. 252)" in result["answer_raw"]
    assert result["share_link"] == "?q=Ehrenamtsfonds+weiter+aufstocken"


def test_chapter_filter_and_top_k_bounds(client) -> None:  # type: ignore[no-untyped-def]
    result = ask(client, "Flughafen", chapter="Sport", top_k=4)
    assert result["chapter"] == "Sport" and len(result["hits"]) == 4
    assert all(h["section"].startswith("Sport") for h in result["hits"])
    unknown = ask(client, "Flughafen", chapter="Gibt es nicht")  # an error, as from QA.ask, not all chapters
    assert unknown["error"].startswith("Unbekanntes Kapitel") and unknown["hits"] == []
    assert len(ask(client, "Flughafen", top_k=500)["hits"]) == 20
    assert len(ask(client, "Flughafen", top_k=0)["hits"]) == 1
    for bad in ("x", None, 2.5, "nan", "inf"):  # a clear error, not a crash
        result = ask(client, "Flughafen", top_k=bad)  # type: ignore[arg-type]
        assert "ganze Zahl" in result["error"] and result["hits"] == [], bad


@pytest.mark.parametrize(("question", "message"), [
    ("", "leer"), ("   \n\t", "leer"), ("x" * 100_000, "zu lang"), ("\x00\x01binär\x00", "Binärdaten"),
    ("?!? …", "keine Wörter"),
])
def test_bad_input_gives_a_clear_error(client, question: str, message: str) -> None:  # type: ignore[no-untyped-def]
    result = ask(client, question)
    assert message in result["error"]
    assert result["hits"] == [] and result["answer"] == "" and result["share_link"] == ""
    assert result["question"] == ""  # a refused question is not echoed back


def test_html_in_a_question_is_just_data(client) -> None:  # type: ignore[no-untyped-def]
    result = ask(client, f"{XSS} Flughafen")
    assert result["question"] == f"{XSS} Flughafen"
    assert result["hits"] and result["error"] == ""


def test_parallel_clients_all_get_answers(url: str) -> None:
    questions = ["Flughafen", "Ehrenamt", "Radwege", "Wohnen", "Schwimmbäder", "Hitze", "Klinikum", "Schule"]

    def one(q: str) -> str:
        return gradio_client.Client(url, verbose=False).predict(question=q, api_name="/ask")["error"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(one, questions)) == [""] * len(questions)


def test_overload_is_refused_quickly_not_hung(fake_index, tmp_path: Path) -> None:
    from fakes import FakeEmbedder

    from qa.pipeline import QA

    class SlowQA(QA):
        def complete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            time.sleep(1.0)  # every encoder pass takes 1 s (the app asks through the batcher)
            return super().complete(*args, **kwargs)

    for url in serve_app(SlowQA(fake_index, FakeEmbedder()), tmp_path, concurrency=1, queue_size=1):
        client = gradio_client.Client(url, verbose=False)
        jobs = [client.submit(question=f"Flughafen {i}", api_name="/ask") for i in range(6)]
        outcomes: list[str] = []
        started = time.monotonic()
        for job in jobs:
            try:
                job.result(timeout=30)
                outcomes.append("ok")
            except Exception as exc:  # gradio_client raises on a full queue
                outcomes.append("busy" if "busy" in str(exc).lower() or "full" in str(exc).lower() else repr(exc))
        assert "ok" in outcomes and "busy" in outcomes, outcomes
        assert set(outcomes) <= {"ok", "busy"}, outcomes
        assert time.monotonic() - started < 20


def test_importing_app_loads_no_model() -> None:
    code = ("import sys, time; t = time.perf_counter(); import app; "
            "heavy = [m for m in ('torch', 'sentence_transformers', 'transformers', 'index.models.embed') if m in sys.modules]; "
            "print(heavy, round(time.perf_counter() - t, 1))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("[]"), out.stdout


def test_flags_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import app

    args = app.parse_args([])
    assert (args.host, args.port, args.data_dir, args.corpus) == ("127.0.0.1", 7860, DEFAULT_DATA, DEFAULT_CORPUS)
    monkeypatch.setenv("NACHGEFRAGT_HOST", "0.0.0.0")
    monkeypatch.setenv("NACHGEFRAGT_PORT", "8080")
    args = app.parse_args(["--model", "some/model", "--data-dir", "/tmp/x"])
    assert (args.host, args.port, args.model, args.data_dir) == ("0.0.0.0", 8080, "some/model", Path("/tmp/x"))
    assert app.parse_args(["--port", "9000"]).port == 9000
    assert os.environ["GRADIO_ANALYTICS_ENABLED"] == "False"


def test_no_upload_or_file_components(url: str) -> None:
    import urllib.request

    config = json.loads(urllib.request.urlopen(f"{url}config", timeout=10).read())
    kinds = {c.get("type") for c in config["components"]}
    assert not kinds & {"file", "uploadbutton", "image", "audio", "video", "fileexplorer", "multimodaltextbox"}
    assert config.get("analytics_enabled") is False


