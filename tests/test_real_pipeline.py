"""End to end with the real model: `python -m index build` and `python -m qa --batch`
from a fresh data directory, as an outside tool would run them."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from index.sources.parse import parse_corpus

pytestmark = pytest.mark.real_model
ROOT = Path(__file__).resolve().parent.parent
PASSAGES = len(parse_corpus(ROOT / "corpus"))


@pytest.fixture(scope="module")
def data_dir(real_data_dir: Path) -> Path:
    """The session's data dir, whose index `python -m index build` built (what we test)."""
    built = (real_data_dir / "build.stdout").read_text()
    assert f"{PASSAGES} passages" in built and "google/embeddinggemma-300m" in built
    return real_data_dir


def test_index_info_reports_a_fresh_index(data_dir: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "index", "info", "--json", "--data-dir", str(data_dir)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert len(done.stdout.strip().splitlines()) == 1  # one JSON object for tools
    info = json.loads(done.stdout)
    assert info["fresh"] is True and info["status"] == "fresh"
    assert info["model"] == "google/embeddinggemma-300m" and info["dtype"] in ("bfloat16", "float32")
    assert Path(info["model_path"], "model.safetensors").is_file()
    assert info["query_prompt"] == "task: search result | query: "
    assert info["passage_prompt"] == "title: {title} | text: "
    assert info["count"] == PASSAGES and info["manifest"]["dim"] == 768
    assert info["manifest"]["config"]["passage_title"] == "section"
    assert {"faiss-cpu", "sentence-transformers", "torch", "transformers"} <= set(info["manifest"]["versions"])
    assert info["bank"]["answerable"] >= 3000 and info["bank"]["unanswerable"] >= 800
    assert info["notices"] == []


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
    assert "Deutschlandticket" in done.stdout and "Wahlprogramm 2025, Z. " in done.stdout
