"""What the load's clients ask: every question distinct, or with a share of popular repeats.

`--repeats 0` (the default) hands out each text once across all clients: the labelled
questions of eval/questions/ first, then the same questions with a conversational opener
("Kurze Frage: …"), so no answer can come from the app's cache and every request costs an
encoder pass. `--repeats 0.3` makes 30 % of requests one of a few popular questions (the
page's example questions and the first labelled ones), chosen with Zipf-like weights (the
k-th most popular asked 1/k as often), the way share links and example buttons repeat.
"""
from __future__ import annotations

import random
import threading
from typing import Sequence

OPENERS: tuple[str, ...] = ("", "Kurze Frage: ", "Sagt mal, ", "Ich wollte wissen: ", "Hallo! ", "Frage: ",
                            "Moin, ", "Mal ehrlich: ", "Noch eine Frage: ", "Bitte kurz: ")


class QuestionSource:
    """Thread-safe supply of questions for the client threads of one run."""

    def __init__(self, questions: Sequence[str], repeat_share: float = 0.0, popular: Sequence[str] = (),
                 seed: int = 2025, popular_count: int = 20) -> None:
        if not questions:
            raise ValueError("no questions to ask")
        if not 0.0 <= repeat_share <= 1.0:
            raise ValueError("the share of repeats must be between 0 and 1")
        base = list(dict.fromkeys(questions))
        random.Random(seed).shuffle(base)
        self._base = base
        self.repeat_share = repeat_share
        self.popular = list(dict.fromkeys([*popular, *base]))[:popular_count]
        self._weights = [1.0 / (k + 1) for k in range(len(self.popular))]
        self._next = 0
        self._lock = threading.Lock()
        self.asked = 0
        self.repeats = 0

    def distinct(self, n: int) -> str:
        """The n-th distinct text: the questions, then each with an opener, then numbered."""
        rounds, i = divmod(n, len(self._base))
        question = self._base[i]
        if rounds < len(OPENERS):
            return OPENERS[rounds] + question
        return f"{question} ({rounds - len(OPENERS) + 2}. Mal gefragt)"

    def take(self, rnd: random.Random) -> tuple[str, bool]:
        """The next question for a client (its own `rnd` decides repeats) and whether it is a
        popular repeat."""
        repeat = self.repeat_share > 0 and rnd.random() < self.repeat_share
        with self._lock:
            self.asked += 1
            if repeat:
                self.repeats += 1
            else:
                n = self._next
                self._next += 1
        if repeat:
            return rnd.choices(self.popular, weights=self._weights, k=1)[0], True
        return self.distinct(n), False
