"""The question bank (`corpus/question-bank.jsonl`): editorial questions people ask, each tied to
the passages that answer it (or marked as one the programme does not answer, with the kind of
miss). Pure parsing and checking; the index embeds the questions beside the passages.

One JSON object a line:

    {"id": "qb-00017", "question": "…", "lang": "de", "voice": "citizen",
     "passages": ["wahlprogramm-2025:2911"], "from": "wahlprogramm-2025:2911"}
    {"id": "qb-03501", "question": "…", "lang": "de", "voice": "citizen", "passages": [],
     "miss": "near_miss", "near": ["wahlprogramm-2025:2911"], "note": "stems searched: …"}
"""
from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

BANK_FILE = "question-bank.jsonl"
VOICES = ("citizen", "colloquial", "canvasser", "objection", "thesis", "other_language")
LANGS = ("de", "en", "tr", "ar", "pl", "ru", "uk")
MISS_KINDS = ("near_miss", "federal_state", "other_city", "people_party", "chitchat", "other_language", "keyword")
# What an unanswerable question is about, under its form (a non-German or keyword question)
TOPIC_KINDS = ("near_miss", "federal_state", "other_city", "people_party", "chitchat")
MAX_OPENING_SHARE = 0.03


class BankError(ValueError):
    """The bank file cannot be read (the message names the line)."""


@dataclass(frozen=True, slots=True)
class BankEntry:
    """One bank question. `passages` empty: the programme does not answer it (`miss` says how,
    `topic` what it is about when `miss` only names its form: other_language / keyword)."""

    id: str
    question: str
    lang: str
    voice: str
    passages: tuple[str, ...] = ()
    miss: str = ""
    near: tuple[str, ...] = ()
    note: str = ""
    topic: str = ""
    origin: str = ""  # the passage (or section) its writer was reading: entries of one origin are siblings

    @property
    def answerable(self) -> bool:
        return bool(self.passages)

    @property
    def reason(self) -> str:
        """Why the programme has nothing on it: the miss kind, or its topic under a form kind."""
        if self.answerable:
            return ""
        return self.topic if self.miss in ("other_language", "keyword") and self.topic else self.miss


def bank_path(corpus_dir: Path) -> Path:
    return Path(corpus_dir) / BANK_FILE


def bank_sha256(corpus_dir: Path) -> str:
    """sha256 of the bank file ("" when the corpus has none)."""
    path = bank_path(corpus_dir)
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


def entry_from_json(data: dict) -> BankEntry:
    """One entry from its JSON object (KeyError/TypeError/ValueError when malformed)."""
    if not isinstance(data, dict):
        raise TypeError("not a JSON object")
    passages = data.get("passages")
    if not isinstance(passages, list) or not all(isinstance(p, str) for p in passages):
        raise TypeError("passages must be a list of passage ids")
    near = data.get("near") or []
    question = data["question"]
    if not isinstance(question, str) or not question.strip():
        raise ValueError("empty question")
    return BankEntry(id=str(data["id"]), question=question.strip(), lang=str(data["lang"]), voice=str(data["voice"]),
                     passages=tuple(passages), miss=str(data.get("miss") or ""), near=tuple(map(str, near)),
                     note=str(data.get("note") or ""), topic=str(data.get("topic") or ""),
                     origin=str(data.get("from") or ""))


def entry_to_json(e: BankEntry) -> dict:
    out: dict = {"id": e.id, "question": e.question, "lang": e.lang, "voice": e.voice, "passages": list(e.passages)}
    if not e.answerable:
        out["miss"] = e.miss
        if e.topic:
            out["topic"] = e.topic
        if e.near:
            out["near"] = list(e.near)
        out["note"] = e.note
    if e.origin:
        out["from"] = e.origin
    return out


def parse_bank(lines: Iterable[str]) -> tuple[BankEntry, ...]:
    """Entries of a bank file's lines; BankError naming the first malformed line."""
    out = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            out.append(entry_from_json(json.loads(line)))
        except (ValueError, KeyError, TypeError) as exc:
            raise BankError(f"{BANK_FILE} line {number}: {exc}") from exc
    return tuple(out)


def load_bank(corpus_dir: Path) -> tuple[BankEntry, ...]:
    """The corpus's bank (empty when it has none)."""
    path = bank_path(corpus_dir)
    if not path.is_file():
        return ()
    with open(path, encoding="utf-8") as fh:
        return parse_bank(fh)


def normalised(text: str) -> str:
    """Casefolded words only: how two questions are compared for being the same text."""
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def opening(text: str, words: int = 3) -> str:
    return " ".join(normalised(text).split()[:words])


def problems(entries: Iterable[BankEntry], passage_ids: set[str]) -> list[str]:
    """Everything wrong with a bank: ids, kinds, passage ids, notes, duplicates, openings."""
    entries = list(entries)
    out: list[str] = []
    seen_id: set[str] = set()
    seen_text: dict[str, str] = {}
    for e in entries:
        where = e.id
        if e.id in seen_id:
            out.append(f"{where}: duplicate id")
        seen_id.add(e.id)
        if not re.fullmatch(r"qb-\d{5}", e.id):
            out.append(f"{where}: id must look like qb-00017")
        if e.lang not in LANGS:
            out.append(f"{where}: unknown lang {e.lang!r}")
        if e.voice not in VOICES:
            out.append(f"{where}: unknown voice {e.voice!r}")
        if (e.lang != "de") != (e.voice == "other_language"):
            out.append(f"{where}: voice other_language belongs to non-German questions only")
        for pid in e.passages + e.near:
            if pid not in passage_ids:
                out.append(f"{where}: {pid} is no passage of the index")
        if len(set(e.passages)) != len(e.passages):
            out.append(f"{where}: a passage is listed twice")
        if e.answerable and e.miss:
            out.append(f"{where}: an answerable question has no miss kind")
        if not e.answerable:
            if e.miss not in MISS_KINDS:
                out.append(f"{where}: unanswerable needs a miss kind ({', '.join(MISS_KINDS)})")
            if not e.note:
                out.append(f"{where}: unanswerable needs a note with the stems searched")
            if e.lang != "de" and e.miss != "other_language":
                out.append(f"{where}: a non-German unanswerable question has miss other_language")
            if e.miss in ("other_language", "keyword") and e.topic not in TOPIC_KINDS:
                out.append(f"{where}: miss {e.miss} needs a topic ({', '.join(TOPIC_KINDS)})")
        key = normalised(e.question)
        if key in seen_text:
            out.append(f"{where}: same question as {seen_text[key]}")
        seen_text.setdefault(key, e.id)
    counts = Counter(opening(e.question) for e in entries)
    limit = MAX_OPENING_SHARE * len(entries)
    for text, n in counts.most_common():
        if n <= limit or len(entries) < 100:
            break
        out.append(f"opening {text!r} starts {n} of {len(entries)} questions (over {MAX_OPENING_SHARE:.0%})")
    return out
