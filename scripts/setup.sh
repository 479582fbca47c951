#!/usr/bin/env bash
# Idempotent set-up on a fresh machine: a virtualenv in .venv with the CPU build of torch and
# the project (with test extras). Re-installs only when pyproject.toml changed.
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
  .venv/bin/pip install -q "torch==2.13.0" >&2
  .venv/bin/pip install -q -e ".[test]" >&2
  echo "$want" > "$stamp"
fi
