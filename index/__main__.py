"""python -m index build [--model M] [--rebuild] · python -m index info."""
from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

from index.config import DEFAULT_MODEL, IndexConfig, index_name_for
from index.store import CorruptIndexError, StaleIndexError, check_fresh, load_index, open_index


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m index", description="Build or inspect the pledge index.")
    ap.add_argument("command", choices=["build", "info"])
    ap.add_argument("--model", default=DEFAULT_MODEL, help="sentence-transformers model name or path")
    ap.add_argument("--corpus", type=Path, default=Path("corpus"))
    ap.add_argument("--data-dir", type=Path, default=Path(".nachgefragt"))
    ap.add_argument("--rebuild", action="store_true", help="build even if the index is fresh")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    index_dir = args.data_dir / index_name_for(args.model)
    config = IndexConfig(model=args.model)
    if args.command == "build":
        from index.embed import SentenceTransformerEmbedder

        from index.embed import ModelNotAvailableError

        started = time.perf_counter()
        try:
            embedder = SentenceTransformerEmbedder(args.model, cache_dir=args.data_dir)
        except ModelNotAvailableError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        model_seconds = time.perf_counter() - started
        loaded = open_index(args.corpus, index_dir, config, embedder.model_id, lambda: embedder, rebuild=args.rebuild)
        total = time.perf_counter() - started
        print(f"index: {index_dir} · {loaded.manifest['count']} passages · model {loaded.model_id}")
        print(f"model ready in {model_seconds:.1f} s · total {total:.1f} s")
        return 0
    try:
        loaded = load_index(index_dir)
    except CorruptIndexError as exc:
        print(f"no usable index at {index_dir}: {exc}", file=sys.stderr)
        return 1
    manifest = dict(loaded.manifest)
    try:
        check_fresh(manifest, args.corpus, manifest.get("model", ""), IndexConfig(**manifest.get("config", {})))
        manifest["status"] = "fresh for this corpus"
    except (StaleIndexError, TypeError) as exc:
        manifest["status"] = f"stale: {exc}"
    print(json.dumps(manifest, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
