"""The OpenVINO query encoder without the real model: which encoder serves (and why not), the
tokenizers + OpenVINO path on a tiny graph built here, the parity arithmetic, the worker's
routing of passages."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from index.models import ov_encoder
from index.models.gemma import MARKER as GEMMA_MARKER
from index.models.names import E5_MODEL, GEMMA_MODEL
from index.models.ov_encoder import (MARKER, XML, OpenVINOEmbedder, Parity, choose_encoder, ov_dir)
from index.models.ov_export import measure_parity, parity_texts
from serving import worker_embedder

WORDS = ["task:", "search", "result", "|", "query:", "title:", "none", "text:", "rad", "wege", "bus", "bahn",
         "kita", "park"]
DIM = 6


def _tokenizer(folder: Path) -> None:
    from tokenizers import Tokenizer, models, pre_tokenizers, processors

    vocab = {"<pad>": 0, "<eos>": 1, "<bos>": 2, "<unk>": 3, **{w: i + 4 for i, w in enumerate(WORDS)}}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok.post_processor = processors.TemplateProcessing(single="<bos> $A <eos>",
                                                       special_tokens=[("<bos>", 2), ("<eos>", 1)])
    tok.save(str(folder / "tokenizer.json"))


def _graph(folder: Path) -> None:
    """Mean of a random embedding table over the unmasked tokens (what pooling does, in small)."""
    import openvino as ov
    import openvino.opset13 as ops

    table = np.random.default_rng(0).normal(size=(len(WORDS) + 4, DIM)).astype(np.float32)
    ids = ops.parameter([-1, -1], ov.Type.i64, name="input_ids")
    mask = ops.parameter([-1, -1], ov.Type.i64, name="attention_mask")
    rows = ops.gather(ops.constant(table), ids, ops.constant(0))
    weights = ops.unsqueeze(ops.convert(mask, ov.Type.f32), ops.constant(2))
    summed = ops.reduce_sum(ops.multiply(rows, weights), ops.constant(1), keep_dims=False)
    count = ops.reduce_sum(weights, ops.constant(1), keep_dims=False)
    model = ov.Model([ops.divide(summed, count)], [ids, mask], "tiny")
    ov.save_model(model, str(folder / XML))


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    """A data dir with a 'model' (tokenizer, prompts, verified marker) and a tiny export."""
    model = tmp_path / "models" / "embeddinggemma-300m"
    model.mkdir(parents=True)
    _tokenizer(model)
    (model / "config_sentence_transformers.json").write_text(json.dumps(
        {"prompts": {"query": "task: search result | query: ", "document": "title: none | text: "}}))
    (model / GEMMA_MARKER).write_text(json.dumps({"supply": "abc"}))
    export = ov_dir(tmp_path)
    export.mkdir(parents=True)
    _graph(export)
    _marker(tmp_path, mean=0.9995, low=0.998)
    return tmp_path


def _marker(data: Path, mean: float, low: float, source: str = "abc") -> None:
    marker = {"format": 1, "source": source, "precision": "f32",
              "parity": {"texts": 333, "mean": mean, "min": low, "passed": Parity(333, mean, low).passed}}
    (ov_dir(data) / MARKER).write_text(json.dumps(marker))


def _model(data: Path) -> Path:
    return data / "models" / "embeddinggemma-300m"


def test_openvino_serves_when_its_export_passed(data: Path) -> None:
    choice = choose_encoder("openvino", GEMMA_MODEL, data, _model(data))
    assert (choice.kind, choice.notice) == ("openvino", "")
    assert choice.label == "OpenVINO int8 (f32)" and Path(choice.path) == ov_dir(data).resolve()


def test_a_failed_parity_check_keeps_pytorch_and_says_so(data: Path) -> None:
    _marker(data, mean=0.995, low=0.97)
    choice = choose_encoder("openvino", GEMMA_MODEL, data, _model(data))
    assert choice.kind == "torch"
    assert "Gleichheitsprüfung nicht bestanden" in choice.notice and "0.9700" in choice.notice


def test_no_export_or_another_models_export_keeps_pytorch_and_says_so(data: Path, tmp_path: Path) -> None:
    _marker(data, 0.9995, 0.998, source="another model")
    assert "anderen Modell" in choose_encoder("openvino", GEMMA_MODEL, data, _model(data)).notice
    empty = tmp_path / "empty"
    choice = choose_encoder("openvino", GEMMA_MODEL, empty)
    assert choice.kind == "torch" and "nicht exportiert" in choice.notice


def test_torch_when_asked_and_for_e5_without_a_notice(data: Path) -> None:
    assert choose_encoder("torch", GEMMA_MODEL, data) == ov_encoder.EncoderChoice("torch", "torch")
    assert choose_encoder("openvino", E5_MODEL, data).kind == "torch"
    assert choose_encoder("openvino", E5_MODEL, data).notice == ""
    with pytest.raises(ValueError):
        choose_encoder("onnx", GEMMA_MODEL, data)


def test_the_openvino_embedder_tokenises_prompts_and_pads(data: Path) -> None:
    enc = OpenVINOEmbedder(ov_dir(data), _model(data))
    assert enc.dim == DIM and enc.passage_prompt == "title: {title} | text: "
    alone = enc.encode_queries(["rad wege"])
    together = enc.encode_queries(["rad wege", "bus bahn kita park park park"])
    assert together.shape == (2, DIM) and together.dtype == np.float32
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    assert np.allclose(alone[0], together[0], atol=1e-5)  # padding does not move a vector
    assert not np.allclose(enc.embed(["rad wege"])[0], alone[0])  # the query prompt is in the text
    assert enc.encode_queries([]).shape == (0, DIM)
    with pytest.raises(TypeError):
        enc.embed("rad")
    passages = enc.encode_passages(["rad", "bus"], titles=["park", None])
    assert np.allclose(passages[0], enc.embed(["title: park | text: rad"])[0], atol=1e-6)


def test_parity_arithmetic_and_texts(tmp_path: Path) -> None:
    class Same:
        query_prompt = "q: "

        def encode_queries(self, texts):
            return np.tile(np.array([[1.0, 0.0]], np.float32), (len(texts), 1))

    reference = np.tile(np.array([[1.0, 0.0]], np.float32), (4, 1))
    reference[-1] = [0.6, 0.8]
    parity = measure_parity(Same(), reference, ["a", "b", "c", "d"], batch=3)
    assert (parity.texts, parity.min) == (4, pytest.approx(0.6)) and parity.mean == pytest.approx(0.9)
    assert not parity.passed and Parity(4, 0.999, 0.995).passed and not Parity(0, 1, 1).passed
    lines = tmp_path / "q.jsonl"
    lines.write_text('{"id": "1", "question": "Radwege?", "relevant": [{"source": "x"}]}\n\n{"question": "Bus?"}\n')
    assert parity_texts([lines]) == ["Radwege?", "Bus?"]


def test_the_worker_embeds_the_spot_check_on_openvino_and_builds_on_pytorch(monkeypatch) -> None:
    class Queries:
        dim, query_prompt, passage_prompt = 3, "q: ", "p: "

        def encode_passages(self, texts, show_progress=False, titles=None):
            return np.zeros((len(texts), 3), np.float32)

    class Torch(Queries):
        def encode_passages(self, texts, show_progress=False, titles=None):
            return np.ones((len(texts), 3), np.float32)

    loads = []
    monkeypatch.setattr(worker_embedder, "load_torch",
                        lambda *a: loads.append(a) or worker_embedder.Loaded(Torch(), "float32", "PyTorch", 1))
    hybrid = worker_embedder.OpenVINOWithTorchPassages(Queries(), "m", Path("d"), "auto", 1)
    assert hybrid.encode_passages(["a"] * 3).sum() == 0 and loads == []
    assert hybrid.encode_passages(["a"] * 20).sum() == 60 and len(loads) == 1
    hybrid.encode_passages(["a"] * 20)
    assert len(loads) == 1  # loaded once

    class QueriesToo(Queries):
        def encode_queries(self, texts):
            return np.zeros((len(texts), 3), np.float32)

    Torch.encode_queries = lambda self, texts: np.ones((len(texts), 3), np.float32)
    hybrid = worker_embedder.OpenVINOWithTorchPassages(QueriesToo(), "m", Path("d"), "auto", 1)
    assert hybrid.encode_queries(["q"] * 16).sum() == 0  # a live batch
    assert hybrid.encode_queries(["q"] * 64).sum() == 64 * 3  # the question bank of a build
