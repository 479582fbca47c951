"""The batch contract (shared/contract/batch.md) with the fake pipeline."""
from __future__ import annotations

import json

from qa.batch import run_batch

LINES = [
    json.dumps({"id": "q1", "question": "Flughafen schließen", "style": "citizen"}),
    "",
    "   ",
    "{not json",
    json.dumps({"question": "ohne id"}),
    json.dumps({"id": "q2"}),
    json.dumps({"id": 7, "question": "id ist keine Zeichenkette"}),
    json.dumps(["keine", "Objekt"]),
    json.dumps({"id": "q3", "question": ""}),
    json.dumps({"id": "q4", "question": 12}),
    json.dumps({"id": "q5", "question": "Ehrenamtsfonds aufstocken"}),
]


def test_batch_output_follows_contract(fake_qa) -> None:
    out = list(run_batch(LINES + [b"\xff\xfe bad bytes"], fake_qa.ask, 3))
    assert [o["id"] for o in out] == ["q1", None, None, None, None, None, "q3", "q4", "q5", None]
    q1 = out[0]
    assert set(q1) == {"id", "abstained", "outcome", "confidence", "answer", "hits"}
    assert q1["abstained"] is False and len(q1["hits"]) == 3
    assert q1["outcome"] == "answer" and q1["confidence"] is None  # the fake QA has no abstention model
    hit = q1["hits"][0]
    assert hit["pledge_id"] == "wahlprogramm-2025:3055"
    assert hit["citations"] == [{"source": "wahlprogramm-2025", "start_line": 3055, "end_line": 3055}]
    assert hit["text"].startswith("Wir werden anstreben") and hit["section"].startswith("Mobilität")
    assert isinstance(hit["score"], float)
    # bad lines: line numbers are 1-based input lines, blank lines skipped but counted
    assert [o.get("line") for o in out[1:6]] == [4, 5, 6, 7, 8]
    assert all("error" in o for o in out[1:6])
    for bad in (out[6], out[7]):
        assert bad["abstained"] is True and bad["hits"] == [] and bad["answer"] == "" and bad["error"]
        assert bad["outcome"] == "nothing"
    assert out[8]["hits"][0]["citations"][1]["source"] == "antrag-gleichberechtigung-und-engagement"
    assert out[9] == {"id": None, "line": 12, "error": "line is not valid UTF-8"}
    json.dumps(out)  # everything serialisable


def test_batch_reports_the_three_outcomes(fake_qa) -> None:
    """abstained stays the contract's bool; outcome and confidence say which kind and how sure."""
    from qa.abstain import AbstentionModel
    from qa.pipeline import QA, QAConfig

    z = fake_qa.search("Flughafen abgewickelt und geschlossen", 3).evidence.as_dict()["dense_z"]
    for mean, outcome in ((z - 5, "answer"), (z + 0.2, "nearest"), (z + 5, "nothing")):
        model = AbstentionModel((1.0,), 0.0, (mean,), (1.0,), threshold=0.5, features=("dense_z",), nothing_threshold=0.2)
        qa = QA(fake_qa.index, fake_qa.embedder, QAConfig(abstention=model))
        out = list(run_batch([LINES[0]], qa.ask, 3))[0]
        assert out["outcome"] == outcome and out["abstained"] is (outcome != "answer")
        assert 0.0 <= out["confidence"] <= 1.0
        assert (out["answer"] == "") is (outcome != "answer")
        assert len(out["hits"]) == 3  # nearest passages are still listed
