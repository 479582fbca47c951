"""python -m index build [--model M] [--rebuild] · python -m index info [--json] · python -m index fetch-model."""
from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

from index.models.names import DEFAULT_MODEL
from index.storage.config import IndexConfig, index_name_for
from index.defaults import DEFAULT_CORPUS, DEFAULT_DATA, CorpusMissingError, corpus_sources
from index.models.ov_encoder import DEFAULT_ENCODER, ENCODERS, choose_encoder
from index.models.resolve import ModelNotAvailableError, resolve_model
from index.storage.freshness import StaleIndexError, check_fresh
from index.storage.store import CorruptIndexError, load_index, open_index


def _build(args: argparse.Namespace) -> int:
    from index.models.embed import SentenceTransformerEmbedder

    started = time.perf_counter()
    try:
        corpus_sources(args.corpus)  # before the model loads: a clear message at once
        embedder = SentenceTransformerEmbedder(args.model, cache_dir=args.data_dir)
    except (CorpusMissingError, ModelNotAvailableError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if embedder.resolved.fallback_reason:
        print(f"warning: {embedder.resolved.fallback_reason}; using {embedder.name}", file=sys.stderr)
    model_seconds = time.perf_counter() - started
    index_dir = args.data_dir / index_name_for(embedder.name)
    config = IndexConfig.for_model(embedder.name)
    loaded = open_index(args.corpus, index_dir, config, embedder.model_id, lambda: embedder, rebuild=args.rebuild)
    total = time.perf_counter() - started
    print(f"index: {index_dir} · {loaded.manifest['count']} passages · {len(loaded.bank)} bank questions · "
          f"model {loaded.model_id} ({embedder.dtype})")
    print(f"model ready in {model_seconds:.1f} s · total {total:.1f} s")
    return 0


def info(model: str, corpus: Path, data_dir: Path, encoder: str = DEFAULT_ENCODER) -> dict[str, Any]:
    """The facts `index info` prints: which model would serve, where it loads from, its prompts
    and dtype, and whether its index is fresh — decided as `build` decides (same model
    resolution, same config, same `check_fresh`); only the vector spot-check needs the model.
    (Whether the pipeline's calibration fits is the pipeline's to say: `python -m qa` and the
    app's footer warn; the index layer does not read qa's files.)"""
    resolved = resolve_model(model, data_dir, download=False)
    index_dir = data_dir / index_name_for(resolved.name)
    out: dict[str, Any] = {"model": resolved.model_id, "model_name": resolved.name, "model_path": resolved.path,
                           "dtype": resolved.dtype, "index_dir": str(index_dir), "notices": []}
    if resolved.fallback_reason:
        out["notices"].append(f"{resolved.fallback_reason}; using {resolved.name} instead")
    choice = choose_encoder(encoder, resolved.name, data_dir, Path(resolved.path))
    out["query_encoder"] = choice.label
    if choice.notice:
        out["notices"].append(choice.notice)
    try:
        manifest = load_index(index_dir).manifest
    except CorruptIndexError as exc:
        out.update(fresh=False, status=f"no usable index: {exc}", count=0, bank={"answerable": 0, "unanswerable": 0},
                   manifest=None)
        return out
    corpus_sources(corpus)  # an index but no corpus to check it against: a clear error
    facts = manifest.get("embedder") or {}
    out["query_prompt"] = facts.get("query_prompt", "")
    out["passage_prompt"] = facts.get("passage_prompt", "")
    try:
        check_fresh(manifest, corpus, resolved.model_id, IndexConfig.for_model(resolved.name))
        out.update(fresh=True, status="fresh")
    except StaleIndexError as exc:
        out.update(fresh=False, status=f"stale: {exc}")
    bank = manifest.get("bank") if isinstance(manifest.get("bank"), dict) else {}
    out.update(count=manifest.get("count", 0),
               bank={k: int(bank.get(k, 0)) for k in ("answerable", "unanswerable")}, manifest=manifest)
    return out


def _fetch(args: argparse.Namespace) -> int:
    from index.models.gemma import ModelSupplyError, ensure_model
    from index.models.resolve import gemma_dir

    try:
        path = ensure_model(gemma_dir(args.data_dir))
    except (ModelSupplyError, OSError) as exc:
        print(f"EmbeddingGemma-300m not available: {exc}", file=sys.stderr)
        return 1
    print(f"EmbeddingGemma-300m verified at {path}")
    if args.encoder != "openvino":
        return 0
    from index.defaults import PARITY_QUESTIONS
    from index.models.ov_encoder import ov_dir
    from index.models.ov_export import ensure_encoder, parity_texts

    try:
        parity = ensure_encoder(path, ov_dir(args.data_dir), parity_texts([p for p in PARITY_QUESTIONS if p.is_file()]))
    except Exception as exc:  # noqa: BLE001 - exporter and compressor raise many kinds; PyTorch serves then
        print(f"OpenVINO query encoder not exported ({type(exc).__name__}: {exc}); PyTorch will serve", file=sys.stderr)
        return 0
    verdict = "passed" if parity.passed else "FAILED (PyTorch will serve)"
    print(f"OpenVINO query encoder at {ov_dir(args.data_dir)}: parity {verdict}, {parity.describe()}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m index", description="Build or inspect the pledge index.")
    ap.add_argument("command", choices=["build", "info", "fetch-model"])
    ap.add_argument("--model", default=DEFAULT_MODEL, help="sentence-transformers model name or path")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--rebuild", action="store_true", help="build even if the index is fresh")
    ap.add_argument("--json", action="store_true", help="info: one JSON object (for tools)")
    ap.add_argument("--encoder", choices=ENCODERS, default=DEFAULT_ENCODER,
                    help="query encoder: openvino (int8, exported by fetch-model) or torch (default openvino)")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    if args.command == "build":
        return _build(args)
    if args.command == "fetch-model":
        return _fetch(args)
    try:
        facts = info(args.model, args.corpus, args.data_dir, args.encoder)
    except CorpusMissingError as exc:  # a clear message, no traceback
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(facts, ensure_ascii=False))
    else:
        print(json.dumps(facts, indent=2, ensure_ascii=False))
    return 0 if facts["manifest"] is not None else 1


if __name__ == "__main__":
    sys.exit(main())
