"""Helpful / not helpful votes on results, kept in a local SQLite database.

One vote per person, question and pledge: voting again changes that vote (a person is an
anonymous id the page keeps in the browser). Each vote is stored with the chapter filter
and the model that produced the answer. One short connection per write (WAL mode, busy
timeout) so many requests can vote at once without losing a vote; a locked or unwritable database never breaks an answer: `record`
logs a warning and returns False, and the UI says so kindly. `export_candidates` turns the
votes into rows a labeller can use for the evaluation questions.

Questions asked on the page that got "nearest" or "nothing" are kept too (`record_unanswered`:
the question, outcome, reason, chapter, language, model and time; no voter id) as
question-bank candidates for review (eval/candidates.py).
"""
from __future__ import annotations

import logging
import sqlite3
import threading
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from qa.validate import MAX_QUESTION_CHARS  # one limit: what may be asked is what is stored

log = logging.getLogger(__name__)

HELPFUL = "helpful"
UNHELPFUL = "unhelpful"
VOTES = (HELPFUL, UNHELPFUL)
FEEDBACK_FILE = "feedback.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    question TEXT NOT NULL,
    pledge_id TEXT NOT NULL,
    vote TEXT NOT NULL CHECK (vote IN ('helpful', 'unhelpful')),
    created_utc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_question_pledge ON feedback (question, pledge_id);
CREATE TABLE IF NOT EXISTS unanswered (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    question TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('nearest', 'nothing')),
    reason TEXT NOT NULL DEFAULT '',
    chapter TEXT NOT NULL DEFAULT '',
    lang TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL DEFAULT '',
    created_utc TEXT NOT NULL
);
"""
UNANSWERED = ("nearest", "nothing")
# Added later; an older database gets them on first use (old rows: voter NULL, never merged).
_COLUMNS = {"voter": "TEXT", "chapter": "TEXT NOT NULL DEFAULT ''", "model": "TEXT NOT NULL DEFAULT ''"}
_ONE_VOTE = "CREATE UNIQUE INDEX IF NOT EXISTS feedback_one_vote ON feedback (voter, question, pledge_id)"
MAX_VOTER_CHARS = 64


@dataclass(frozen=True, slots=True)
class Vote:
    """One stored vote."""

    question: str
    pledge_id: str
    vote: str
    created_utc: str
    voter: str = ""
    chapter: str = ""
    model: str = ""


@dataclass(frozen=True, slots=True)
class Unanswered:
    """A question asked on the page that got "nearest" or "nothing" (no voter, no address)."""

    question: str
    outcome: str
    created_utc: str
    reason: str = ""
    chapter: str = ""
    lang: str = ""
    model: str = ""


class FeedbackStore:
    """Votes in `<data-dir>/feedback.sqlite`; safe to share between threads."""

    def __init__(self, path: Path, timeout_seconds: float = 5.0) -> None:
        self.path = Path(path)
        self.timeout_seconds = timeout_seconds
        self._schema_ready = False
        self._lock = threading.Lock()

    def record(self, question: str, pledge_id: str, vote: str, now: datetime | None = None, *,
               voter: str = "", chapter: str = "", model: str = "") -> bool:
        """Store one vote, replacing this voter's earlier vote on the same question and pledge;
        False (and a logged warning) if the database cannot take it. Without a voter id
        every call is a vote of its own."""
        if vote not in VOTES:
            raise ValueError(f"vote must be one of {VOTES}, not {vote!r}")
        created = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).isoformat(timespec="seconds")
        row = (question[:MAX_QUESTION_CHARS], pledge_id, vote, created, voter[:MAX_VOTER_CHARS] or None,
               chapter[:200], model[:200])
        try:
            with closing(self._connect()) as con, con:
                con.execute(
                    "INSERT INTO feedback (question, pledge_id, vote, created_utc, voter, chapter, model) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (voter, question, pledge_id) DO UPDATE SET "
                    "vote = excluded.vote, created_utc = excluded.created_utc, chapter = excluded.chapter, "
                    "model = excluded.model", row)
            return True
        except (sqlite3.Error, OSError) as exc:
            log.warning("feedback not stored in %s (%s): %s", self.path, type(exc).__name__, exc)
            return False

    def record_unanswered(self, question: str, outcome: str, now: datetime | None = None, *, reason: str = "",
                          chapter: str = "", lang: str = "", model: str = "") -> bool:
        """Store a question the programme did not answer ("nearest"/"nothing"), a candidate for
        the question bank; False (and a logged warning) if the database cannot take it."""
        if outcome not in UNANSWERED:
            raise ValueError(f"outcome must be one of {UNANSWERED}, not {outcome!r}")
        created = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).isoformat(timespec="seconds")
        row = (question[:MAX_QUESTION_CHARS], outcome, reason[:40], chapter[:200], lang[:8], model[:200], created)
        try:
            with closing(self._connect()) as con, con:
                con.execute("INSERT INTO unanswered (question, outcome, reason, chapter, lang, model, created_utc) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?)", row)
            return True
        except (sqlite3.Error, OSError) as exc:
            log.warning("unanswered question not stored in %s (%s): %s", self.path, type(exc).__name__, exc)
            return False

    def unanswered(self) -> list[Unanswered]:
        """All stored unanswered questions, oldest first (raises sqlite3.Error if unusable)."""
        if not self.path.exists():
            return []
        with closing(self._connect()) as con:
            rows = con.execute("SELECT question, outcome, created_utc, reason, chapter, lang, model "
                               "FROM unanswered ORDER BY id").fetchall()
        return [Unanswered(*row) for row in rows]

    def vote_of(self, voter: str, question: str, pledge_id: str) -> str:
        """This voter's current vote on a question and pledge ("" if none or unreadable)."""
        if not voter or not self.path.exists():
            return ""
        try:
            with closing(self._connect()) as con:
                row = con.execute("SELECT vote FROM feedback WHERE voter = ? AND question = ? AND pledge_id = ?",
                                  (voter[:MAX_VOTER_CHARS], question[:MAX_QUESTION_CHARS], pledge_id)).fetchone()
        except (sqlite3.Error, OSError):
            return ""
        return str(row[0]) if row else ""

    def votes(self) -> list[Vote]:
        """All stored votes, oldest first (raises sqlite3.Error if the database is unusable)."""
        if not self.path.exists():
            return []
        with closing(self._connect()) as con:
            rows = con.execute(
                "SELECT question, pledge_id, vote, created_utc, COALESCE(voter, ''), chapter, model "
                "FROM feedback ORDER BY id"
            ).fetchall()
        return [Vote(*row) for row in rows]

    def export_candidates(self) -> list[dict[str, object]]:
        """Votes per (question, pledge) for labelling:
        {question, pledge_id, source, line, votes_helpful, votes_unhelpful}, sorted by question."""
        if not self.path.exists():
            return []
        with closing(self._connect()) as con:
            rows = con.execute(
                "SELECT question, pledge_id, SUM(vote = 'helpful'), SUM(vote = 'unhelpful') "
                "FROM feedback GROUP BY question, pledge_id ORDER BY question, MIN(id)"
            ).fetchall()
        out: list[dict[str, object]] = []
        for question, pledge_id, helpful, unhelpful in rows:
            source, line = split_pledge_id(pledge_id)
            out.append({"question": question, "pledge_id": pledge_id, "source": source, "line": line,
                        "votes_helpful": int(helpful), "votes_unhelpful": int(unhelpful)})
        return out

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=self.timeout_seconds)
        try:
            con.execute(f"PRAGMA busy_timeout = {int(self.timeout_seconds * 1000)}")
            if not self._schema_ready:
                self._init_schema(con)
        except BaseException:
            con.close()
            raise
        return con

    def _init_schema(self, con: sqlite3.Connection) -> None:
        with self._lock:
            if self._schema_ready:
                return
            mode = con.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                log.warning("feedback database %s is not in WAL mode (%s)", self.path, mode)
            con.executescript(_SCHEMA)
            have = {row[1] for row in con.execute("PRAGMA table_info(feedback)")}
            for name, kind in _COLUMNS.items():
                if name not in have:
                    con.execute(f"ALTER TABLE feedback ADD COLUMN {name} {kind}")
            con.execute(_ONE_VOTE)
            con.commit()
            self._schema_ready = True


def open_feedback(data_dir: Path, timeout_seconds: float = 5.0) -> FeedbackStore:
    """The store at `<data_dir>/feedback.sqlite` (the folder is created if possible)."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        log.warning("cannot create %s (%s): feedback will not be stored", data_dir, exc)
    return FeedbackStore(data_dir / FEEDBACK_FILE, timeout_seconds)


def split_pledge_id(pledge_id: str) -> tuple[str, int | None]:
    """"wahlprogramm-2025:3055" → ("wahlprogramm-2025", 3055); no line if the id has none."""
    source, _, line = pledge_id.rpartition(":")
    if source and line.isdigit():
        return source, int(line)
    return pledge_id, None
