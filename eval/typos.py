"""Typo'd copies of the eval questions, and what spelling correction wins back.

    python -m eval.typos --split test [--seed 12] [--rate 0.3] [--out eval/reports/typos-test.json]

Every German question gets a reproducible copy with typos (`make_typos`: the same seed and
question give the same copy, on any machine): in each word of at least five letters, with
probability `rate` (at least one word per question), one of the slips people make on a
phone — a letter left out, doubled, swapped with its neighbour, hit next to on the keyboard,
or an umlaut typed without its dots. The same system then answers the clean and the typo'd
questions with and without correction, and the report gives nDCG@10 for all four.
Questions in other languages are kept as they are (the corrector leaves them alone too).
"""
from __future__ import annotations

import argparse
import json
import logging
import random
import re
import sys
import zlib
from dataclasses import replace
from pathlib import Path

from eval.questions import Question
from index.defaults import DEFAULT_CORPUS, DEFAULT_DATA
from eval.run import qa_system, run_system, summarise

log = logging.getLogger(__name__)

_WORD = re.compile(r"[A-Za-zÄÖÜäöüß]{5,}")
_DOTLESS = {"ä": "a", "ö": "o", "ü": "u", "Ä": "A", "Ö": "O", "Ü": "U"}
# Neighbours on a German QWERTZ keyboard (lower case).
_ROWS = ("qwertzuiopü", "asdfghjklöä", "yxcvbnm")


def _neighbours(ch: str) -> str:
    low = ch.lower()
    for row in _ROWS:
        at = row.find(low)
        if at >= 0:
            return row[max(0, at - 1):at] + row[at + 1:at + 2]
    return ""


def typo(word: str, rng: random.Random) -> str:
    """One slip in `word` (never in its first letter, which people rarely miss)."""
    umlauts = [i for i, ch in enumerate(word) if ch in _DOTLESS]
    kinds = ["drop", "double", "swap", "neighbour"] + (["dotless"] if umlauts else [])
    kind = rng.choice(kinds)
    i = rng.randrange(1, len(word) - 1) if len(word) > 2 else 0
    if kind == "drop":
        return word[:i] + word[i + 1:]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    if kind == "swap" and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == "dotless":
        j = rng.choice(umlauts)
        return word[:j] + _DOTLESS[word[j]] + word[j + 1:]
    near = _neighbours(word[i])
    if not near:
        return word[:i] + word[i + 1:]
    ch = rng.choice(near)
    return word[:i] + (ch.upper() if word[i].isupper() else ch) + word[i + 1:]


def make_typos(question: str, seed: int, key: str, rate: float = 0.3) -> str:
    """A typo'd copy of `question`; `key` (the question id) and `seed` fix the random choices."""
    rng = random.Random(zlib.crc32(f"{seed}:{key}".encode("utf-8")))
    words = list(_WORD.finditer(question))
    if not words:
        return question
    chosen = {m.start() for m in words if rng.random() < rate} or {rng.choice(words).start()}
    out, last = [], 0
    for m in words:
        out.append(question[last:m.start()])
        out.append(typo(m.group(0), rng) if m.start() in chosen else m.group(0))
        last = m.end()
    out.append(question[last:])
    return "".join(out)


def typo_questions(questions: list[Question], seed: int, rate: float = 0.3) -> list[Question]:
    """The German questions with typos; the others unchanged (same ids and labels)."""
    return [replace(q, question=make_typos(q.question, seed, q.id, rate)) if q.lang == "de" else q
            for q in questions]


def main(argv: list[str] | None = None) -> int:
    from eval.questions import questions_for
    from eval.report import REPORTS, command_line, report_metadata
    from index.models.names import DEFAULT_MODEL
    from qa.pipeline import QA
    from qa.service import open_qa

    ap = argparse.ArgumentParser(prog="python -m eval.typos", description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=("dev", "test", "all"), default="test")
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--rate", type=float, default=0.3, help="share of words (5+ letters) given a typo")
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--out", type=Path, help="report file (default eval/reports/typos-<split>.json)")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")

    clean = questions_for(args.split, None)
    typod = typo_questions(clean, args.seed, args.rate)
    with_fix = open_qa(args.corpus, args.data_dir, args.model)
    without = QA(with_fix.index, with_fix.embedder, replace(with_fix.config, spelling=False))
    runs = {
        "clean, no correction": (without, clean), "clean, corrected": (with_fix, clean),
        "typos, no correction": (without, typod), "typos, corrected": (with_fix, typod),
    }
    report: dict[str, object] = {"split": args.split, "seed": args.seed, "rate": args.rate, "model": args.model,
                                 "n": len(clean), "n_typod": sum(a.question != b.question for a, b in zip(clean, typod))}
    lines = ["| questions | correction | nDCG@10 (strict) | nDCG@10 (ranking) |", "|---|---|---|---|"]
    for name, (qa, questions) in runs.items():
        overall = summarise(run_system(name, qa_system(qa), questions))["overall"]
        report[name] = overall
        which, fix = name.split(", ")
        lines.append(f"| {which} | {fix} | {overall['strict']['ndcg10']:.3f} | {overall['ranking']['ndcg10']:.3f} |")
    report["examples"] = [{"id": a.id, "clean": a.question, "typos": b.question,
                           "corrected": with_fix.speller.correct(b.question).searched}
                          for a, b in zip(clean, typod) if a.question != b.question][:15]
    report["meta"] = report_metadata(command_line("eval.typos", argv), [with_fix])
    out = args.out or REPORTS / f"typos-{args.split}.json"
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print("\n".join(lines))
    print(f"report: {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
