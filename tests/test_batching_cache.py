"""Micro-batching (qa/batcher.py), batched answering (QA.ask_many), the answer cache
(qa/cache.py) and the batch CLI's chunks."""
from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from fakes import FakeEmbedder
from index.config import IndexConfig
from index.store import build_index
from qa.batch import run_batch
from qa.batcher import MicroBatcher
from qa.cache import AnswerCache
from qa.pipeline import QA, Ask


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
    assert qa.ask("was plant ihr zum  Flughafen?", 3) is a1 and emb.calls == calls  # cleaned + folded key
    assert cache.hits == 1
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
