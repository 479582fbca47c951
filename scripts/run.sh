#!/usr/bin/env bash
# Main job: set up if needed, build the index if missing or stale, start the app.
set -euo pipefail
cd "$(dirname "$0")/.."
# The app's own packages, not the test tools.
NACHGEFRAGT_EXTRAS= bash scripts/setup.sh
exec .venv/bin/python app.py "$@"
