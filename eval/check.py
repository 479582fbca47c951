"""python -m eval.check FILE… — validate labelled questions against the parsed corpus:
every label must fall inside a passage; two labels in one passage are reported (one hit
would earn both, which skews nDCG); duplicate questions and ids are reported."""
from __future__ import annotations

import sys
from pathlib import Path

from eval.questions import Question, load_questions
from index.defaults import DEFAULT_CORPUS
from index.parse import parse_corpus
from index.pledge import Pledge


def passage_at(pledges: list[Pledge]) -> dict[tuple[str, int], str]:
    """(source, line) → id of the passage that holds the line."""
    at: dict[tuple[str, int], str] = {}
    for p in pledges:
        for c in p.citations:
            for n in range(c.start_line, c.end_line + 1):
                at[(c.source, n)] = p.id
    return at


def problems(questions: list[Question], pledges: list[Pledge]) -> list[str]:
    at = passage_at(pledges)
    out: list[str] = []
    seen_q: dict[str, str] = {}
    seen_id: set[str] = set()
    for q in questions:
        if q.id in seen_id:
            out.append(f"{q.id}: duplicate id")
        seen_id.add(q.id)
        key = " ".join(q.question.casefold().split())
        if key in seen_q:
            out.append(f"{q.id}: same question as {seen_q[key]}")
        seen_q[key] = q.id
        owners: dict[str, int] = {}
        for lab in q.relevant:
            pid = at.get((lab.source, lab.line))
            if pid is None:
                out.append(f"{q.id}: {lab.source}:{lab.line} is in no passage (blank line or lead-in)")
                continue
            if pid in owners:
                out.append(f"{q.id}: lines {owners[pid]} and {lab.line} are one passage ({pid})")
            owners[pid] = lab.line
    return out


def main(argv: list[str] | None = None) -> int:
    paths = [Path(a) for a in (argv if argv is not None else sys.argv[1:])]
    pledges = parse_corpus(DEFAULT_CORPUS)
    questions = [q for p in paths for q in load_questions(p)]
    found = problems(questions, pledges)
    for line in found:
        print(line)
    print(f"{len(questions)} questions, {len(found)} problems", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
