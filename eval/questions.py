"""Labelled question sets (eval/questions/*.jsonl): loading and validation."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from eval.metrics import Label

QUESTIONS = Path(__file__).resolve().parent / "questions"

STYLES = ("citizen", "paraphrase", "canvasser", "objection", "thesis", "keyword", "multilingual", "unanswerable")
LANGS = ("de", "en", "tr", "ar", "pl", "ru")
MISSES = ("near_miss", "federal_state", "other_city", "people_party", "chitchat", "other_language", "keyword")


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    question: str
    lang: str
    style: str
    relevant: tuple[Label, ...]
    note: str = ""
    miss: str = ""  # for unanswerable questions: how the question misses the programme (MISSES)

    @property
    def answerable(self) -> bool:
        return any(lab.grade > 0 for lab in self.relevant)


def parse_question(obj: dict) -> Question:
    """One JSON object → Question; ValueError names what is wrong."""
    try:
        labels = tuple(Label(str(r["source"]), int(r["line"]), int(r["grade"])) for r in obj.get("relevant", []))
        q = Question(str(obj["id"]), str(obj["question"]), str(obj["lang"]), str(obj["style"]), labels, str(obj.get("note", "")),
                     str(obj.get("miss", "")))
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"question {obj.get('id')!r}: {exc}") from exc
    if q.style not in STYLES:
        raise ValueError(f"question {q.id}: unknown style {q.style!r}")
    if q.lang not in LANGS:
        raise ValueError(f"question {q.id}: unknown lang {q.lang!r}")
    if q.miss and q.miss not in MISSES:
        raise ValueError(f"question {q.id}: unknown miss kind {q.miss!r}")
    if any(lab.grade not in (1, 2) for lab in labels):
        raise ValueError(f"question {q.id}: grades must be 1 or 2")
    return q


def load_questions(path: Path) -> list[Question]:
    """All questions of a JSONL file (blank lines skipped)."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                out.append(parse_question(json.loads(line)))
            except ValueError as exc:
                raise ValueError(f"{path}:{n}: {exc}") from exc
    return out


QUESTION_DIR = Path(__file__).resolve().parent / "questions"
SPLITS = ("dev", "test")


def question_texts(splits: tuple[str, ...] = SPLITS, directory: Path = QUESTION_DIR) -> list[str]:
    """Every question text of the labelled sets (varied: citizens, keywords, six languages)."""
    out = [q.question for split in splits for q in load_questions(directory / f"{split}.jsonl")]
    if not out:
        raise ValueError("no questions found")
    return out


def questions_for(split: str, path: Path | None = None) -> list[Question]:
    """The labelled questions of a split ("dev", "test" or "all"), or of the file `path`."""
    if path is not None:
        return load_questions(path)
    names = ["dev", "test"] if split == "all" else [split]
    return [q for n in names for q in load_questions(QUESTIONS / f"{n}.jsonl")]
