"""Where evaluation reports are written (eval/reports/)."""
from __future__ import annotations

from pathlib import Path

REPORTS = Path(__file__).resolve().parent / "reports"
