"""Per-model settings chosen on dev: fusion weights and the abstention model, one file each.

Why: scores of different models live on different scales, so the fusion weight and the
abstention threshold tuned for one model mean nothing for another. Each model gets its own
file in ``qa/calibration/`` (shipped as package data) that records the model id and corpus it
was fitted on; `eval.calibrate --model X` writes only X's file. A missing or mismatched file is
not fatal but never silent: `load_calibration` returns the warning for the log
(`python -m qa` prints it) and the app's footer.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from qa.abstain import AbstentionModel
from qa.rank import FusionConfig

CALIBRATION_DIR = Path(__file__).resolve().parent / "calibration"


@dataclass(frozen=True, slots=True)
class Calibration:
    """Settings for one model and corpus. `record`: how they were chosen (command, out-of-fold
    figures), kept for people and reports, never read by the code."""

    model_id: str
    corpus_sha256: str
    fusion: FusionConfig = field(default_factory=FusionConfig)
    abstention: AbstentionModel | None = None
    record: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"model_id": self.model_id, "corpus_sha256": self.corpus_sha256, "fusion": asdict(self.fusion),
                "abstention": self.abstention.to_json() if self.abstention else None, "record": self.record}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Calibration":
        abstention = data.get("abstention")
        return cls(str(data["model_id"]), str(data["corpus_sha256"]), FusionConfig(**data["fusion"]),
                   AbstentionModel.from_json(abstention) if abstention else None, dict(data.get("record") or {}))


@dataclass(frozen=True, slots=True)
class Loaded:
    """A calibration (or None) and the warning to show when it is missing or does not fit."""

    calibration: Calibration | None
    warning: str = ""


def calibration_path(model_name: str, directory: Path = CALIBRATION_DIR) -> Path:
    """qa/calibration/<model name as a file name>.json."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", model_name).strip("-.")[:80] or "model"
    return directory / f"{slug}.json"


def save_calibration(path: Path, calibration: Calibration) -> None:
    """Write atomically (temp file + rename), so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(calibration.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)


def load_calibration(path: Path, model_id: str, corpus_sha256: str) -> Loaded:
    """The calibration at `path` checked against the model and corpus in use.

    Another model's file is not used (its thresholds mean nothing here); a file fitted on
    another corpus is used, with a warning to recalibrate.
    """
    try:
        calibration = Calibration.from_json(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return Loaded(None, f"no calibration for {model_id} ({path.name}): default fusion, and the system never "
                            f"abstains; run `python -m eval.calibrate --model …`")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return Loaded(None, f"calibration {path.name} is unusable ({exc}): default fusion, never abstains")
    if calibration.model_id != model_id:
        return Loaded(None, f"calibration {path.name} belongs to {calibration.model_id}, not {model_id}: "
                            f"default fusion, never abstains")
    if calibration.corpus_sha256 != corpus_sha256:
        return Loaded(calibration, f"calibration {path.name} was fitted on another corpus version: "
                                   f"recalibrate (`python -m eval.calibrate`)")
    return Loaded(calibration)
