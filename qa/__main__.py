"""python -m qa "Frage" · python -m qa --batch FILE.jsonl --top-k K (see shared/contract/batch.md)."""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from index.models.names import DEFAULT_MODEL
from index.models.embed import ModelNotAvailableError
from qa.answer import NEAREST_INTRO, NO_ANSWER, nearest_topics
from qa.batch import run_batch, to_line
from index.defaults import DEFAULT_CORPUS, DEFAULT_DATA
from qa.pipeline import Ask
from qa.service import open_qa
from qa.types import Answer
from qa.wording import citations_words, plain_answer, pledge_places


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m qa", description="Fragen an das Wahlprogramm stellen.")
    ap.add_argument("question", nargs="*", help="eine Frage (ohne --batch)")
    ap.add_argument("--batch", type=Path, metavar="FILE", help="JSONL-Datei mit {id, question} je Zeile")
    ap.add_argument("--top-k", type=int, default=5, help="Treffer je Frage (Standard 5)")
    ap.add_argument("--model", default=DEFAULT_MODEL, help="sentence-transformers-Modell (Name oder Pfad)")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DATA, help="Index und Modell-Cache")
    ap.add_argument("--chapter", default=None, help="nur in diesem Kapitel suchen")
    ap.add_argument("-v", "--verbose", action="store_true")
    return ap


def format_answer(answer: Answer) -> str:
    """Readable output for people: the doorstep answer, then each hit with its lines."""
    if answer.error:
        return f"Fehler: {answer.error}"
    lines = []
    if answer.outcome == "nearest":
        lines.append(NEAREST_INTRO)
        lines += [f"{h.pledge.sentence} ({citations_words(h.pledge.citations)})" for h in answer.used]
    elif answer.abstained:
        lines.append(NO_ANSWER)
        topics = nearest_topics(answer.hits)
        if topics:
            lines.append("Nächstliegende Themen: " + "; ".join(topics))
    else:
        lines.append(plain_answer(answer))
    if answer.corrections:
        changed = ", ".join(f"{c.corrected} (statt „{c.original}“)" for c in answer.corrections)
        lines.append(f"Gesucht nach: {changed}")
    if answer.confidence is not None:
        lines.append(f"(Sicherheit, dass das Programm die Frage beantwortet: {answer.confidence:.0%})")
    lines.append("")
    for i, hit in enumerate(answer.hits, start=1):
        p = hit.pledge
        lines.append(f"{i}. {p.section}")
        lines.append(f"   {p.sentence}")
        lines.append(f"   → {'; '.join(pledge_places(p))}")
    if answer.hits:
        lines += ["", "Reihenfolge: die passendste Stelle zuerst (nach Bedeutung und Wortlaut der Frage)."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    if args.top_k < 1:
        print("--top-k muss mindestens 1 sein", file=sys.stderr)
        return 2
    if args.batch is None and not args.question:
        _parser().print_usage(sys.stderr)
        print("Bitte eine Frage oder --batch FILE angeben.", file=sys.stderr)
        return 2
    if args.batch is not None:
        try:
            data = args.batch.read_bytes()
        except OSError as exc:
            print(f"cannot read {args.batch}: {exc.strerror or exc}", file=sys.stderr)
            return 2
    out = sys.stdout
    sys.stdout = sys.stderr  # nothing but results may reach stdout, whatever libraries print
    try:
        qa = open_qa(args.corpus, args.data_dir, args.model)
    except (ModelNotAvailableError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        sys.stdout = out
    out.reconfigure(encoding="utf-8")  # type: ignore[attr-defined]
    if args.batch is None:
        print(format_answer(qa.ask(" ".join(args.question), args.top_k, args.chapter)))
        return 0
    def ask_many(questions: list[object], top_k: int) -> list[Answer]:
        return qa.ask_many([Ask(q, top_k, args.chapter) for q in questions])

    for obj in run_batch(data.splitlines(), lambda q, k: qa.ask(q, k, args.chapter), args.top_k, ask_many):
        out.write(to_line(obj) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
