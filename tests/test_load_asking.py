"""What the load's clients ask (eval/load/asking.py): all distinct by default, a share of
popular repeats on request, safe from many threads."""
from __future__ import annotations

import random
import threading

import pytest

from eval.load.asking import QuestionSource


def test_by_default_every_request_is_a_different_text_even_past_the_question_set() -> None:
    source = QuestionSource(["Flughafen?", "Radwege?", "Kita?"], seed=1)
    rnd = random.Random(0)
    taken = [source.take(rnd) for _ in range(100)]
    texts = [t for t, _ in taken]
    assert len(set(texts)) == 100 and not any(r for _, r in taken)
    assert set(texts[:3]) == {"Flughafen?", "Radwege?", "Kita?"}  # the questions themselves first
    assert all(t.rstrip(")").endswith(("?", "Mal gefragt")) for t in texts)


def test_repeats_come_from_the_popular_questions_in_about_the_share_asked_for() -> None:
    base = [f"Frage {i}?" for i in range(200)]
    source = QuestionSource(base, repeat_share=0.3, popular=["Was passiert mit dem Flughafen?"], seed=2)
    rnd = random.Random(3)
    taken = [source.take(rnd) for _ in range(5000)]
    repeats = [t for t, r in taken if r]
    assert 0.27 < len(repeats) / 5000 < 0.33 and source.repeats == len(repeats)
    assert set(repeats) <= set(source.popular) and len(source.popular) == 20
    assert repeats.count("Was passiert mit dem Flughafen?") == max(repeats.count(q) for q in set(repeats))  # most popular
    distinct = [t for t, r in taken if not r]
    assert len(set(distinct)) == len(distinct)


def test_many_threads_never_get_the_same_distinct_text() -> None:
    source = QuestionSource([f"Frage {i}?" for i in range(50)], seed=4)
    got: list[str] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        rnd = random.Random(n)
        for _ in range(100):
            text, _ = source.take(rnd)
            with lock:
                got.append(text)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 800 and len(set(got)) == 800


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        QuestionSource([])
    with pytest.raises(ValueError):
        QuestionSource(["a?"], repeat_share=1.5)
