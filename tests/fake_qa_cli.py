"""The real `python -m qa` command line, but over the fake embedder (fast, offline).

    python tests/fake_qa_cli.py --batch FILE.jsonl --top-k K --data-dir DIR

Everything of qa/__main__.py runs as it is (argument parsing, reading the file as bytes,
splitting lines, writing JSON to stdout); only `open_qa` is replaced by one that opens (or
builds) a fake-embedder index in DIR/index. Used by tests/test_bad_input.py; not a test module.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from fakes import FakeEmbedder  # noqa: E402

import qa.__main__ as cli  # noqa: E402
from index.storage.config import IndexConfig  # noqa: E402
from index.storage.store import open_index  # noqa: E402
from qa.pipeline import QA  # noqa: E402

FAKE_CONFIG = IndexConfig(model="fake")


def open_fake_qa(corpus_dir: Path, data_dir: Path, model: str = "", **_: object) -> QA:
    """Same shape as qa.service.open_qa, with the fake embedder and no abstention model."""
    emb = FakeEmbedder()
    index = open_index(corpus_dir, data_dir / "index", FAKE_CONFIG, emb.model_id, lambda: emb)
    return QA(index, emb)


if __name__ == "__main__":
    cli.open_qa = open_fake_qa  # type: ignore[assignment]
    sys.exit(cli.main(sys.argv[1:]))
