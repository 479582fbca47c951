"""What the question bank says about one question (pure numpy over the index's bank vectors).

The bank's questions are embedded as queries beside the passages. For a question this gives:
its nearest answerable bank questions (and the passages they point to) and its nearest
unanswerable ones (and why the programme has nothing on them). Three uses:
- evidence for the answer / nothing decision (`BankEvidence`, features in qa.abstain);
- a third ranking signal: every passage gets the best similarity of a bank question tied to it
  (`passage_votes`), fused like dense and BM25 scores (qa.rank);
- people's next step: similar questions the programme answers, and the reason for "nothing".

A question's own near twins can be masked (`mask`): the eval scores every question with its bank
twins left out, and the calibration leaves out a bank question's own entry and its siblings.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from index.sources.bank import BankEntry, normalised
from index.storage.store import LoadedIndex

# Reasons the page can explain; near misses are "nearest"/"nothing" without a special reason.
REASONS = ("federal_state", "people_party", "other_city", "chitchat")
_NEIGHBOURS = 10
_POINTERS = 5


@dataclass(frozen=True, slots=True)
class BankNeighbour:
    """A bank question near the asked one."""

    entry: BankEntry
    similarity: float


@dataclass(frozen=True, slots=True)
class BankEvidence:
    """The bank's view of one question (similarities are cosines of query vectors)."""

    answerable_top: float          # best similarity to a question the programme answers
    unanswerable_top: float        # best similarity to one it does not
    vote: float                    # share of answerable questions among the nearest 10 (similarity-weighted)
    pointed: tuple[int, ...]       # passage rows the nearest answerable questions point to
    answerable: tuple[BankNeighbour, ...]    # nearest answerable, best first
    unanswerable: tuple[BankNeighbour, ...]  # nearest unanswerable, best first

    @property
    def difference(self) -> float:
        return self.answerable_top - self.unanswerable_top

    def reason(self, agree: int = 3, among: int = 5) -> str:
        """A reason for "nothing" (one of REASONS) when at least `agree` of the `among` nearest
        unanswerable neighbours share it and they stand nearer than any answerable one."""
        near = self.unanswerable[:among]
        if not near or (self.answerable and self.answerable[0].similarity > near[0].similarity):
            return ""
        kinds = [n.entry.reason for n in near]
        best = max(set(kinds), key=kinds.count)
        return best if best in REASONS and kinds.count(best) >= agree else ""


class BankView:
    """The index's bank prepared for scoring: vectors as one matrix, answerable rows, and the
    (bank row, passage row) pairs of every answerable entry."""

    def __init__(self, index: LoadedIndex) -> None:
        self.entries = index.bank
        n = len(self.entries)
        dense = index.bank_dense
        self.matrix = (dense.reconstruct_n(0, n) if dense is not None and n else
                       np.zeros((0, index.dense.d), dtype=np.float32))
        self.answerable = np.array([e.answerable for e in self.entries], dtype=bool)
        self.texts = [normalised(e.question) for e in self.entries]
        row_of = {p.id: i for i, p in enumerate(index.pledges)}
        pairs = [(j, row_of[pid]) for j, e in enumerate(self.entries) for pid in e.passages if pid in row_of]
        self.pair_entries = np.array([j for j, _ in pairs], dtype=np.int64)
        self.pair_passages = np.array([r for _, r in pairs], dtype=np.int64)
        self.passages = len(index.pledges)
        self.origins = np.array([e.origin or e.id for e in self.entries], dtype=object)

    def __len__(self) -> int:
        return len(self.entries)

    def similarities(self, vector: np.ndarray) -> np.ndarray:
        """Cosine of the query vector to every bank question."""
        if not len(self.entries):
            return np.zeros(0, dtype=np.float32)
        return (self.matrix @ np.asarray(vector, dtype=np.float32).reshape(-1)).astype(np.float32)

    def twins(self, question: str, sims: np.ndarray, threshold: float) -> np.ndarray:
        """Bank rows that are near twins of `question`: the same normalised text, or cosine ≥ threshold."""
        key = normalised(question)
        same = np.array([t == key for t in self.texts], dtype=bool) if len(self.texts) else np.zeros(0, bool)
        return same | (sims >= threshold)

    def siblings(self, row: int) -> np.ndarray:
        """Rows written from the same passage or section as bank row `row` (itself included)."""
        return self.origins == self.origins[row]

    def passage_votes(self, sims: np.ndarray, masked: np.ndarray | None = None) -> np.ndarray | None:
        """Per passage: the best similarity of an answerable bank question tied to it; passages
        no (unmasked) bank question points to get the mean similarity of the bank's answerable
        questions (a typical, not a best, match). None without a bank."""
        if not len(self.pair_entries):
            return None
        pair_sims = sims[self.pair_entries].astype(np.float32)
        if masked is not None:
            pair_sims = np.where(masked[self.pair_entries], -np.inf, pair_sims)
        votes = np.full(self.passages, -np.inf, dtype=np.float32)
        np.maximum.at(votes, self.pair_passages, pair_sims)
        seen = np.isfinite(votes)
        if not seen.any():
            return None
        finite = pair_sims[np.isfinite(pair_sims)]
        votes[~seen] = float(finite.mean())
        return votes

    def evidence(self, sims: np.ndarray, masked: np.ndarray | None = None) -> BankEvidence:
        """Nearest neighbours and their agreement (masked rows left out)."""
        if not len(self.entries):
            return BankEvidence(0.0, 0.0, 0.5, (), (), ())
        live = sims if masked is None else np.where(masked, -np.inf, sims)
        order = np.argsort(-live, kind="stable")
        order = order[np.isfinite(live[order])]
        ans = [int(j) for j in order if self.answerable[j]][:_NEIGHBOURS]
        una = [int(j) for j in order if not self.answerable[j]][:_NEIGHBOURS]
        top = order[:_NEIGHBOURS]
        weights = np.exp((live[top] - live[top].max()) * 20.0) if len(top) else np.zeros(0)
        vote = float((weights * self.answerable[top]).sum() / weights.sum()) if len(top) else 0.5
        pointed: list[int] = []
        for j in ans[:_POINTERS]:
            pointed.extend(int(r) for r in self.pair_passages[self.pair_entries == j])
        floor = -1.0
        return BankEvidence(
            answerable_top=float(live[ans[0]]) if ans else floor,
            unanswerable_top=float(live[una[0]]) if una else floor,
            vote=vote,
            pointed=tuple(dict.fromkeys(pointed)),
            answerable=tuple(BankNeighbour(self.entries[j], float(live[j])) for j in ans),
            unanswerable=tuple(BankNeighbour(self.entries[j], float(live[j])) for j in una),
        )


def similar_questions(ev: BankEvidence, asked: str, limit: int = 5, floor: float = 0.0) -> tuple[BankNeighbour, ...]:
    """Up to `limit` nearest answerable bank questions, none the same text as the asked one and
    no two alike, at least `floor` similar."""
    seen = {normalised(asked)}
    out = []
    for n in ev.answerable:
        key = normalised(n.entry.question)
        if key in seen or n.similarity < floor:
            continue
        seen.add(key)
        out.append(n)
        if len(out) == limit:
            break
    return tuple(out)
