"""The real OpenVINO int8 query encoder against PyTorch float32, on a sample of the eval
questions' texts, and without PyTorch in its process. The export itself is a set-up step
(`python -m index fetch-model`, run here if needed: minutes once); the test takes about a minute."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index.defaults import DEFAULT_DATA, PARITY_QUESTIONS
from index.models.names import GEMMA_MODEL
from index.models.ov_encoder import MIN_COSINE, MIN_MEAN_COSINE, OpenVINOEmbedder, choose_encoder, ov_dir
from index.models.ov_export import parity_texts
from index.models.resolve import gemma_dir

pytestmark = pytest.mark.real_model
ROOT = Path(__file__).resolve().parent.parent
EVERY = 7  # 48 of the 333 questions: every language and style, a minute on two cores


@pytest.fixture(scope="module")
def export() -> Path:
    done = subprocess.run([sys.executable, "-m", "index", "fetch-model"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    choice = choose_encoder("openvino", GEMMA_MODEL, DEFAULT_DATA, gemma_dir(DEFAULT_DATA))
    assert choice.kind == "openvino", choice.notice  # exported, and its own parity check passed
    return ov_dir(DEFAULT_DATA)


def test_openvino_queries_match_pytorch_float32(export: Path) -> None:
    from index.models.embed import SentenceTransformerEmbedder

    texts = parity_texts(PARITY_QUESTIONS)[::EVERY]
    ours = OpenVINOEmbedder(export, gemma_dir(DEFAULT_DATA), threads=2).encode_queries(texts)
    torch = SentenceTransformerEmbedder(GEMMA_MODEL, cache_dir=DEFAULT_DATA, dtype="float32", fallback=False)
    cosines = np.sum(torch.encode_queries(texts) * ours, axis=1)
    assert cosines.mean() >= MIN_MEAN_COSINE and cosines.min() >= MIN_COSINE, (cosines.mean(), cosines.min())


def test_the_openvino_encoder_keeps_torch_and_transformers_out(export: Path) -> None:
    code = ("import sys; from index.models.ov_encoder import OpenVINOEmbedder; "
            f"e = OpenVINOEmbedder({str(export)!r}, {str(gemma_dir(DEFAULT_DATA))!r}); "
            "v = e.encode_queries(['Radwege']); assert v.shape == (1, 768), v.shape; "
            "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"
