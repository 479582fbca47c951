"""python -m eval.check [FILE…] — validate labelled questions and the question bank against the
parsed corpus. Labelled questions: every label must fall inside a passage; two labels in one
passage are reported (one hit would earn both, which skews nDCG); duplicate questions and ids
are reported. The bank (`corpus/question-bank.jsonl`, or any FILE named question-bank*.jsonl):
JSON, ids, kinds, passage ids, notes, duplicates and openings (`index.sources.bank.problems`).
Without FILE: eval/questions/*.jsonl and the corpus's bank."""
from __future__ import annotations

import sys
from pathlib import Path

from eval.questions import QUESTIONS, Question, load_questions
from index.sources.bank import BANK_FILE, BankError, bank_path, parse_bank
from index.sources.bank import problems as bank_problems
from index.defaults import DEFAULT_CORPUS
from index.sources.parse import parse_corpus
from index.sources.pledge import Pledge


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




def check_bank(path: Path, pledges: list[Pledge]) -> tuple[int, list[str]]:
    """(entries, problems) of one bank file; a missing file or malformed line is a problem."""
    if not path.is_file():
        return 0, [f"{path}: no question bank"]
    try:
        with open(path, encoding="utf-8") as fh:
            entries = parse_bank(fh)
    except (BankError, UnicodeDecodeError) as exc:
        return 0, [f"{path}: {exc}"]
    return len(entries), [f"{path.name} {line}" for line in bank_problems(entries, {p.id for p in pledges})]


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    paths = [Path(a) for a in args] or [*sorted(QUESTIONS.glob("*.jsonl")), bank_path(DEFAULT_CORPUS)]
    banks = [p for p in paths if p.name.startswith(BANK_FILE.split(".")[0])]
    pledges = parse_corpus(DEFAULT_CORPUS)
    questions = [q for p in paths if p not in banks for q in load_questions(p)]
    found = problems(questions, pledges)
    counted = [check_bank(p, pledges) for p in banks]
    found += [line for _, lines in counted for line in lines]
    for line in found:
        print(line)
    print(f"{len(questions)} questions, {sum(n for n, _ in counted)} bank entries, {len(found)} problems",
          file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
