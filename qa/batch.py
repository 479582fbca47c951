"""The batch contract (shared/contract/batch.md): JSONL questions in, one JSON object out per
input line, in order. Pure apart from the `ask` callable it is given."""
from __future__ import annotations

import json
from typing import Any, Callable, Iterable, Iterator

from index.sources.serialise import citation_to_json, lead_in_to_json
from qa.types import Answer, Hit

AskFn = Callable[[object, int], Answer]
AskManyFn = Callable[[list[object], int], list[Answer]]


def hit_to_json(hit: Hit) -> dict[str, Any]:
    """One hit as the contract prints it (plus `kind`, an extension); `lead_in` where the
    sentence starts with a lead-in that stands on other lines."""
    p = hit.pledge
    out = {
        "pledge_id": p.id,
        "score": round(float(hit.score), 6),
        "section": p.section,
        "text": p.sentence,
        "kind": p.kind,
        "citations": [citation_to_json(c) for c in p.citations],
    }
    if p.lead_in_at is not None:
        out["lead_in"] = lead_in_to_json(p.lead_in_at)
    return out


def answer_to_json(qid: str, answer: Answer) -> dict[str, Any]:
    """The output object for one answered (or refused) question."""
    out: dict[str, Any] = {
        "id": qid,
        "abstained": answer.abstained,
        "outcome": "nothing" if answer.error else answer.outcome,
        "confidence": None if answer.confidence is None else round(float(answer.confidence), 4),
        "answer": "" if answer.abstained or answer.error else answer.text,
        "hits": [] if answer.error else [hit_to_json(h) for h in answer.hits],
    }
    if answer.error:
        out["error"] = answer.error
    if answer.corrected:  # extension: searched with typos corrected
        out["corrected"] = answer.corrected
    if answer.reason and not answer.error:  # extension: why the programme has nothing on it
        out["reason"] = answer.reason
    return out


def to_line(obj: dict[str, Any]) -> str:
    """One output line: UTF-8 JSON, with escapes where the text cannot be UTF-8 (lone
    surrogates in an id are valid JSON input and must not end the run)."""
    line = json.dumps(obj, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(obj, ensure_ascii=True)
    return line


def _parse_line(number: int, raw: bytes | str) -> dict[str, Any] | tuple[str, object] | None:
    """None for a blank line, an error object for a bad one, else (id, question)."""
    try:
        line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        return {"id": None, "line": number, "error": "line is not valid UTF-8"}
    if not line.strip():
        return None
    try:
        obj = json.loads(line)
    except ValueError as exc:
        return {"id": None, "line": number, "error": f"invalid JSON: {getattr(exc, 'msg', exc)}"}
    except RecursionError:
        return {"id": None, "line": number, "error": "invalid JSON: nested too deeply"}
    if not isinstance(obj, dict):
        return {"id": None, "line": number, "error": "a line must be a JSON object"}
    qid, question = obj.get("id"), obj.get("question")
    if not isinstance(qid, str) or "question" not in obj:
        missing = "id (string)" if not isinstance(qid, str) else "question"
        return {"id": None, "line": number, "error": f"missing or invalid field: {missing}"}
    return qid, question


def run_batch(lines: Iterable[bytes | str], ask: AskFn, top_k: int,
              ask_many: AskManyFn | None = None, chunk: int = 16) -> Iterator[dict[str, Any]]:
    """Yield one output object per non-blank input line, in input order.

    With `ask_many` the questions are answered `chunk` at a time (one encoder pass each);
    otherwise one by one with `ask`.
    """
    pending: list[tuple[str, object]] = []
    slots: list[dict[str, Any] | int] = []  # an error object, or the index into `pending`

    def flush() -> Iterator[dict[str, Any]]:
        if ask_many is not None and pending:
            answers = ask_many([q for _, q in pending], top_k)
        else:
            answers = [ask(q, top_k) for _, q in pending]
        for slot in slots:
            yield slot if isinstance(slot, dict) else answer_to_json(pending[slot][0], answers[slot])
        pending.clear()
        slots.clear()

    for number, raw in enumerate(lines, start=1):
        parsed = _parse_line(number, raw)
        if parsed is None:
            continue
        if isinstance(parsed, dict):
            slots.append(parsed)
        else:
            slots.append(len(pending))
            pending.append(parsed)
        if len(pending) >= (chunk if ask_many is not None else 1) or (ask_many is None and not pending):
            yield from flush()
    yield from flush()
