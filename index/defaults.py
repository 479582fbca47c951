"""Where the project's files are by default, wherever a command is started from, and a clear
error when the corpus is not there (one definition for every command line and the app)."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT / "corpus"
DEFAULT_DATA = ROOT / ".nachgefragt"
# The eval questions' texts check the exported query encoder against PyTorch (index/models/ov_export.py)
PARITY_QUESTIONS = (ROOT / "eval" / "questions" / "dev.jsonl", ROOT / "eval" / "questions" / "test.jsonl")
# Editorial notes beside the sources (not programme text, never parsed as a motion)
EDITORIAL = ("question-bank.md",)


class CorpusMissingError(FileNotFoundError):
    """The corpus folder is missing or holds no sources; the message says what to do."""


def corpus_sources(corpus_dir: Path) -> list[Path]:
    """The source files of a corpus folder: programme texts (*.txt), then motions (*.md)."""
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise CorpusMissingError(
            f"Kein Korpus unter {corpus_dir}: der Ordner fehlt. Mit --corpus den Ordner mit den "
            f"Programmtexten angeben (Standard: {DEFAULT_CORPUS})."
        )
    texts = sorted(corpus_dir.glob("*.txt"))
    motions = sorted(p for p in corpus_dir.glob("*.md") if p.name.upper() != "README.MD" and p.name not in EDITORIAL)
    if not texts and not motions:
        raise CorpusMissingError(
            f"Kein Korpus unter {corpus_dir}: keine Quellen (*.txt, *.md) im Ordner. Mit --corpus den "
            f"Ordner mit den Programmtexten angeben (Standard: {DEFAULT_CORPUS})."
        )
    return texts + motions
