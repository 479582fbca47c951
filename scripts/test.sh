#!/usr/bin/env bash
# All tests: set up if needed (also Debian's Chromium for the browser tests), then pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "setup: installing Debian chromium for the browser tests" >&2
  (apt-get update -q && apt-get install -y -q chromium) >&2 || echo "setup: chromium install failed" >&2
fi
exec .venv/bin/python -m pytest "$@"
