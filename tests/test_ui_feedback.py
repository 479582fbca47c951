"""The feedback store: votes survive, concurrent writers lose nothing, trouble degrades softly."""
from __future__ import annotations

import logging
import sqlite3
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest

from ui.feedback import FeedbackStore, open_feedback, split_pledge_id


def test_record_and_export_candidates(tmp_path: Path) -> None:
    store = open_feedback(tmp_path / "data")
    when = datetime(2025, 9, 1, 14, 0, tzinfo=timezone.utc)
    assert store.record("Flughafen?", "wahlprogramm-2025:3055", "helpful", when)
    assert store.record("Flughafen?", "wahlprogramm-2025:3055", "helpful")
    assert store.record("Flughafen?", "wahlprogramm-2025:1725", "unhelpful")
    assert store.record("Ehrenamt?", "wahlprogramm-2025:3679", "unhelpful")
    assert store.path == tmp_path / "data" / "feedback.sqlite"
    votes = store.votes()
    assert votes[0].created_utc == "2025-09-01T14:00:00+00:00"
    assert all(v.created_utc.endswith("+00:00") for v in votes)
    assert store.export_candidates() == [
        {"question": "Ehrenamt?", "pledge_id": "wahlprogramm-2025:3679", "source": "wahlprogramm-2025",
         "line": 3679, "votes_helpful": 0, "votes_unhelpful": 1},
        {"question": "Flughafen?", "pledge_id": "wahlprogramm-2025:3055", "source": "wahlprogramm-2025",
         "line": 3055, "votes_helpful": 2, "votes_unhelpful": 0},
        {"question": "Flughafen?", "pledge_id": "wahlprogramm-2025:1725", "source": "wahlprogramm-2025",
         "line": 1725, "votes_helpful": 0, "votes_unhelpful": 1},
    ]


def test_wal_mode_and_busy_timeout(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite", timeout_seconds=2.5)
    assert store.record("q", "p:1", "helpful")
    con = store._connect()
    try:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert con.execute("PRAGMA busy_timeout").fetchone()[0] == 2500
    finally:
        con.close()


def test_votes_survive_a_restart(tmp_path: Path) -> None:
    assert FeedbackStore(tmp_path / "f.sqlite").record("q", "wahlprogramm-2025:1", "helpful")
    again = FeedbackStore(tmp_path / "f.sqlite")
    assert again.record("q", "wahlprogramm-2025:1", "unhelpful")
    assert [(v.vote) for v in again.votes()] == ["helpful", "unhelpful"]


def test_concurrent_writes_lose_nothing(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite")
    threads, per_thread = 16, 25
    failures: list[int] = []
    start = threading.Barrier(threads)

    def worker(n: int) -> None:
        start.wait()
        for i in range(per_thread):
            if not store.record(f"Frage {n}", f"wahlprogramm-2025:{i}", "helpful" if i % 2 else "unhelpful"):
                failures.append(n)

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert failures == []
    assert len(store.votes()) == threads * per_thread
    rows = store.export_candidates()
    assert len(rows) == threads * per_thread
    assert sum(r["votes_helpful"] + r["votes_unhelpful"] for r in rows) == threads * per_thread  # type: ignore[operator]


def test_locked_database_degrades_to_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite", timeout_seconds=0.2)
    assert store.record("q", "p:1", "helpful")
    blocker = sqlite3.connect(store.path, timeout=0.2)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with caplog.at_level(logging.WARNING, logger="ui.feedback"):
            assert store.record("q", "p:2", "helpful") is False
        assert "feedback not stored" in caplog.text
    finally:
        blocker.rollback()
        blocker.close()
    assert store.record("q", "p:3", "helpful")
    assert [v.pledge_id for v in store.votes()] == ["p:1", "p:3"]


def test_unwritable_location_degrades_to_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    with caplog.at_level(logging.WARNING, logger="ui.feedback"):
        store = open_feedback(not_a_dir / "data")
        assert store.record("q", "p:1", "helpful") is False
    assert "feedback" in caplog.text


def test_bad_vote_is_a_programming_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        FeedbackStore(tmp_path / "f.sqlite").record("q", "p:1", "great")


def test_export_of_missing_database_is_empty(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "none.sqlite")
    assert store.export_candidates() == [] and store.votes() == []
    assert not store.path.exists()


def test_split_pledge_id() -> None:
    assert split_pledge_id("wahlprogramm-2025:3055") == ("wahlprogramm-2025", 3055)
    assert split_pledge_id("antrag-gleichberechtigung-und-engagement:274") == (
        "antrag-gleichberechtigung-und-engagement", 274)
    assert split_pledge_id("seltsam") == ("seltsam", None)


WRITER = """
import sys
from pathlib import Path
sys.path.insert(0, {root!r})
from ui.feedback import FeedbackStore
store = FeedbackStore(Path({db!r}))
n = 0
while True:
    assert store.record(f"Frage {{n}}", "wahlprogramm-2025:3055", "helpful")
    n += 1
    if n == 50:
        Path({marker!r}).write_text("50")
"""


def test_crash_mid_write_keeps_every_committed_vote(tmp_path: Path) -> None:
    """A writer killed with SIGKILL while writing: the database opens, passes SQLite's
    integrity check, holds every vote written before the kill and takes new ones."""
    import os
    import signal
    import subprocess
    import sys
    import time

    db, marker = tmp_path / "f.sqlite", tmp_path / "marker"
    root = str(Path(__file__).resolve().parent.parent)
    proc = subprocess.Popen([sys.executable, "-c", WRITER.format(root=root, db=str(db), marker=str(marker))])
    try:
        deadline = time.monotonic() + 30
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert marker.exists(), "writer did not start"
        time.sleep(0.2)  # let it write on
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=10)
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        questions = [q for (q,) in con.execute("SELECT question FROM feedback ORDER BY id")]
    finally:
        con.close()
    assert len(questions) >= 50
    assert questions == [f"Frage {n}" for n in range(len(questions))], "no gaps, no torn rows"
    again = FeedbackStore(db)
    assert again.record("nach dem Absturz", "wahlprogramm-2025:1", "unhelpful")
    assert len(again.votes()) == len(questions) + 1


def test_eval_exports_feedback_as_candidate_labels(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from eval.__main__ import main

    store = open_feedback(tmp_path)
    store.record("Flughafen?", "wahlprogramm-2025:3055", "helpful")
    store.record("Flughafen?", "wahlprogramm-2025:3055", "helpful")
    store.record("Flughafen?", "wahlprogramm-2025:579", "unhelpful")
    assert main(["export-feedback", "--data-dir", str(tmp_path)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows == [
        {"question": "Flughafen?", "pledge_id": "wahlprogramm-2025:3055", "source": "wahlprogramm-2025",
         "line": 3055, "votes_helpful": 2, "votes_unhelpful": 0},
        {"question": "Flughafen?", "pledge_id": "wahlprogramm-2025:579", "source": "wahlprogramm-2025",
         "line": 579, "votes_helpful": 0, "votes_unhelpful": 1},
    ]
