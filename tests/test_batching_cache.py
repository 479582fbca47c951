"""Micro-batching (serving/batcher.py), batched answering (QA.ask_many), the answer cache
(qa/cache.py) and the batch CLI's chunks."""
from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from fakes import FakeEmbedder
from index.storage.config import IndexConfig
from index.storage.store import build_index
from qa.batch import run_batch
from serving.batcher import MicroBatcher
from qa.cache import AnswerCache
from qa.pipeline import QA, Ask
from ui.i18n import texts_for


def test_concurrent_items_share_a_batch_and_get_their_own_result() -> None:
    gate = threading.Event()

    def double(items: list[int]) -> list[int]:
        gate.wait(5)  # hold the first batch so the others pile up
        return [2 * i for i in items]

    batcher: MicroBatcher[int, int] = MicroBatcher(double, max_batch=4, max_wait=0.05)
    results: dict[int, int] = {}
    threads = [threading.Thread(target=lambda i=i: results.__setitem__(i, batcher(i, timeout=10))) for i in range(9)]
    for t in threads:
        t.start()
    gate.set()
    for t in threads:
        t.join(10)
    batcher.close()
    assert results == {i: 2 * i for i in range(9)}
    assert sum(batcher.batch_sizes) == 9 and max(batcher.batch_sizes) > 1
    assert max(batcher.batch_sizes) <= 4


def test_a_failing_batch_reaches_every_waiter_and_the_worker_survives() -> None:
    def fail_on_odd(items: list[int]) -> list[int]:
        if any(i % 2 for i in items):
            raise ValueError("boom")
        return items

    batcher: MicroBatcher[int, int] = MicroBatcher(fail_on_odd, max_batch=1, max_wait=0)
    with pytest.raises(ValueError, match="boom"):
        batcher(1, timeout=5)
    assert batcher(2, timeout=5) == 2
    batcher.close()


def test_ask_many_encodes_once_and_matches_ask(fake_index) -> None:
    emb = FakeEmbedder()
    qa = QA(fake_index, emb)
    asks = [Ask("Flughafen schließen", 3), Ask("", 3), Ask("Ehrenamtsfonds", 2, "Mobilität"), Ask("Radwege", "x")]
    before = emb.calls
    many = qa.ask_many(asks[:3])
    assert emb.calls == before + 1  # one encoder pass for the two valid questions
    assert [a.hits for a in many] == [qa.ask(a.question, a.top_k, a.chapter).hits for a in asks[:3]]
    assert many[1].error and not many[1].hits


def test_cache_serves_repeats_and_never_another_index(tmp_path: Path, corpus_copy: Path) -> None:
    cache = AnswerCache(size=2)
    emb = FakeEmbedder()
    first = build_index(corpus_copy, tmp_path / "a", emb, IndexConfig(model="fake"))
    qa = QA(first, emb, cache=cache)
    a1 = qa.ask("Was plant ihr zum Flughafen?", 3)
    calls = emb.calls
    assert qa.ask("Was plant ihr zum  Flughafen?", 3) is a1 and emb.calls == calls  # cleaned key
    assert cache.hits == 1
    # another person's capitals are another question (the model is case-sensitive; answers carry the
    # asker's own words into share links and votes)
    other = qa.ask("was plant ihr zum Flughafen?", 3)
    assert other is not a1 and other.question == "was plant ihr zum Flughafen?"
    assert qa.ask("Was plant ihr zum Flughafen?", 4) is not a1  # top-k is part of the key
    # the programme changes and the index is rebuilt: the shared cache must not answer from the old one
    text = corpus_copy / "wahlprogramm-2025.txt"
    text.write_text(text.read_text(encoding="utf-8").replace("Flughafen", "Luftfahrtgelände"), encoding="utf-8")
    rebuilt = QA(build_index(corpus_copy, tmp_path / "b", emb, IndexConfig(model="fake")), emb, cache=cache)
    fresh = rebuilt.ask("Was plant ihr zum Flughafen?", 3)
    assert fresh is not a1 and "Flughafen" not in " ".join(h.pledge.text for h in fresh.hits)
    qa.ask("Radwege", 3)
    assert len(cache) == 2  # bounded


def test_batch_cli_answers_in_chunks_in_input_order(fake_qa) -> None:
    lines = [json.dumps({"id": f"q{i}", "question": q}) for i, q in enumerate(
        ["Flughafen", "Radwege", "", "Ehrenamt", "Kita", "Bäume", "Schwimmbad"])]
    lines.insert(3, "{kaputt")
    calls: list[int] = []

    def ask_many(questions: list[object], top_k: int):
        calls.append(len(questions))
        return [fake_qa.ask(q, top_k) for q in questions]

    chunked = list(run_batch(lines, fake_qa.ask, 3, ask_many, chunk=3))
    single = list(run_batch(lines, fake_qa.ask, 3))
    assert chunked == single
    assert [o["id"] for o in chunked] == ["q0", "q1", "q2", None, "q3", "q4", "q5", "q6"]
    assert calls == [3, 3, 1]


class GatedEmbedder(FakeEmbedder):
    """The fake model, but each pass waits for `gate` (so concurrent questions pile up) and
    records its batch sizes."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.sizes: list[int] = []

    def encode_queries(self, texts):
        self.gate.wait(10)
        self.sizes.append(len(texts))
        return super().encode_queries(texts)


def _ask_concurrently(fn, questions: list[str]) -> dict[int, object]:
    out: dict[int, object] = {}
    threads = [threading.Thread(target=lambda i=i, q=q: out.__setitem__(i, fn(q))) for i, q in enumerate(questions)]
    for t in threads:
        t.start()
    return out, threads


QUESTIONS = ["Was plant ihr zum Flughafen?", "Radwege in der Nordstadt", "Ehrenamt stärken", "Kita-Plätze",
             "Bäume pflanzen", "Schwimmbäder sanieren", "Busticket billiger", "Wohnungen bauen"]


def test_the_app_handlers_share_encoder_passes_and_give_each_their_own_answer(fake_index, tmp_path: Path,
                                                                               corpus_dir: Path) -> None:
    from serving.answerer import BatchConfig
    from ui.config import AppConfig
    from ui.feedback import open_feedback
    from ui.handlers import Handlers
    from ui.source import load_sources

    emb = GatedEmbedder()
    qa = QA(fake_index, emb)
    h = Handlers(qa, open_feedback(tmp_path), load_sources(corpus_dir),
                 AppConfig(batch=BatchConfig(max_batch=8, max_wait=0.05, torch_threads=0)))
    alone = {q: [x.pledge.id for x in QA(fake_index, FakeEmbedder()).ask(q, 5).hits] for q in QUESTIONS}
    out, threads = _ask_concurrently(lambda q: h.api_ask(q, "", 5), QUESTIONS)
    emb.gate.set()
    for t in threads:
        t.join(10)
    assert len(out) == len(QUESTIONS)
    for i, q in enumerate(QUESTIONS):  # each caller gets the answer to its own question
        assert [hit["pledge_id"] for hit in out[i]["hits"]] == alone[q], q
    assert sum(emb.sizes) == len(QUESTIONS) and max(emb.sizes) > 1  # shared passes
    h.answerer.close()


def test_a_question_that_waits_too_long_gets_the_german_busy_message(fake_index, tmp_path: Path,
                                                                     corpus_dir: Path) -> None:
    from serving.answerer import BatchConfig
    from ui.config import AppConfig
    from ui.feedback import open_feedback
    from ui.handlers import Handlers
    from ui.source import load_sources

    emb = GatedEmbedder()  # the encoder hangs until the gate opens
    h = Handlers(QA(fake_index, emb), open_feedback(tmp_path), load_sources(corpus_dir),
                 AppConfig(batch=BatchConfig(max_batch=1, timeout=0.3, torch_threads=0)))
    import time

    t0 = time.perf_counter()
    payload = h.api_ask("Was plant ihr zum Flughafen?", "", 5)
    assert time.perf_counter() - t0 < 1.5
    assert payload["error"] == "Gerade sind sehr viele Anfragen – bitte gleich noch einmal."
    page = h.ask("Radwege", "")
    assert page.error == "Gerade sind sehr viele Anfragen – bitte gleich noch einmal."
    emb.gate.set()  # the encoder comes back: the next question is answered again
    assert h.api_ask("Ehrenamt stärken", "", 5)["hits"]
    assert emb.sizes[0] == 1  # the first one was already running; the second was dropped unencoded
    h.answerer.close()


def test_errors_from_python_speak_the_page_language_and_answer_nothing(fake_index, tmp_path: Path,
                                                                      corpus_dir: Path) -> None:
    from serving.answerer import BatchConfig
    from ui.config import AppConfig
    from ui.feedback import open_feedback
    from ui.handlers import Handlers
    from ui.session import Session
    from ui.source import load_sources

    emb = GatedEmbedder()  # the encoder hangs: every question is "busy"
    h = Handlers(QA(fake_index, emb), open_feedback(tmp_path), load_sources(corpus_dir),
                 AppConfig(batch=BatchConfig(max_batch=1, timeout=0.2, torch_threads=0)))
    s = h.answered("Was plant ihr zum Flughafen?", "", "", Session(lang="en", chosen=True))
    assert s.answer.error == "There are very many requests right now – please try again in a moment."
    assert s.answer.outcome == "nothing" and s.answer.abstained  # not an "answer"
    h.answerer.ready = threading.Event()  # the model still loading: "starting", in Turkish
    tr = h.answered("Havalimanı ne olacak?", "", "", Session(lang="tr", chosen=True)).answer
    assert tr.error == texts_for("tr").starting and tr.outcome == "nothing"
    emb.gate.set()
    h.close()


def test_the_api_refuses_an_unknown_chapter_as_the_pipeline_does(fake_index, tmp_path: Path,
                                                                 corpus_dir: Path) -> None:
    from ui.config import AppConfig
    from ui.feedback import open_feedback
    from ui.handlers import Handlers
    from ui.source import load_sources

    qa = QA(fake_index, FakeEmbedder())
    h = Handlers(qa, open_feedback(tmp_path), load_sources(corpus_dir), AppConfig())
    payload = h.api_ask("Was plant ihr zum Flughafen?", "Kein solches Kapitel", 5)
    assert payload["error"] == qa.ask("Was plant ihr zum Flughafen?", 5, "Kein solches Kapitel").error
    assert payload["error"].startswith("Unbekanntes Kapitel") and not payload["hits"]
    known = h.chapters[0]
    assert not h.api_ask("Was plant ihr zum Flughafen?", known, 5)["error"]
    h.close()


def test_cache_hits_and_bad_input_do_not_wait_for_the_encoder(fake_index) -> None:
    from serving.answerer import Answerer, BatchConfig

    emb = GatedEmbedder()
    emb.gate.set()
    qa = QA(fake_index, emb, cache=AnswerCache(16))
    answerer = Answerer(qa, BatchConfig(max_batch=4, torch_threads=0))
    first = answerer.ask(Ask("Was plant ihr zum Flughafen?", 5))
    emb.gate.clear()  # from now on every encoder pass would hang
    assert answerer.ask(Ask("Was plant ihr zum Flughafen?", 5)) is first  # the same words: from the cache, at once
    assert answerer.ask(Ask("", 5)).error  # refused before the encoder
    assert emb.sizes == [1]
    emb.gate.set()
    answerer.close()


def test_one_timeout_in_all_waiting_for_the_model_counts_against_it(fake_index) -> None:
    import time

    from serving.answerer import Answerer, BatchConfig, Busy

    emb = GatedEmbedder()  # the encoder hangs
    qa = QA(fake_index, emb)
    qa.prepare(Ask("Was plant ihr zum Flughafen?", 5))  # speller and language model built before the clock runs
    ready = threading.Event()
    answerer = Answerer(qa, BatchConfig(max_batch=1, timeout=1.5, torch_threads=0), ready)
    threading.Timer(1.0, ready.set).start()  # the model is ready after two thirds of the timeout
    t0 = time.perf_counter()
    with pytest.raises(Busy):
        answerer.ask(Ask("Was plant ihr zum Flughafen?", 5))
    assert time.perf_counter() - t0 < 2.2  # 1.5 s in all, not 1 s + another 1.5 s
    emb.gate.set()
    answerer.close()


def test_several_batch_workers_run_at_once_and_cancelled_items_are_skipped() -> None:
    import time
    from concurrent.futures import TimeoutError as FutureTimeout

    running = []
    lock = threading.Lock()
    both = threading.Barrier(2, timeout=5)

    def slow(items: list[int]) -> list[int]:
        with lock:
            running.append(items)
        both.wait()  # passes only if two batches run at the same time
        return items

    batcher: MicroBatcher[int, int] = MicroBatcher(slow, max_batch=1, max_wait=0, workers=2)
    out: dict[int, int] = {}
    threads = [threading.Thread(target=lambda i=i: out.__setitem__(i, batcher(i, timeout=5))) for i in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(6)
    assert out == {1: 1, 2: 2}
    batcher.close()

    gate = threading.Event()
    seen: list[list[int]] = []

    def gated(items: list[int]) -> list[int]:
        gate.wait(5)
        seen.append(list(items))
        return items

    one: MicroBatcher[int, int] = MicroBatcher(gated, max_batch=4, max_wait=0)
    holder = threading.Thread(target=lambda: one(0, timeout=5))
    holder.start()
    time.sleep(0.1)  # item 0 is running and holds the worker
    with pytest.raises(FutureTimeout):
        one(1, timeout=0.1)  # gives up while still queued
    gate.set()
    holder.join(5)
    assert one(2, timeout=5) == 2
    one.close()
    assert seen == [[0], [2]]  # the abandoned item was never computed
