"""Pledge ↔ JSON for pledges.jsonl and the batch output (pure)."""
from __future__ import annotations

from typing import Any

from index.sources.pledge import Citation, LeadIn, Pledge


def citation_to_json(c: Citation) -> dict[str, Any]:
    return {"source": c.source, "start_line": c.start_line, "end_line": c.end_line}


def lead_in_to_json(lead: LeadIn) -> dict[str, Any]:
    """The batch contract's `lead_in` object: where the lead-in stands and its words."""
    return {"source": lead.source, "start_line": lead.start_line, "end_line": lead.end_line, "text": lead.text}


def lead_in_from_json(row: Any) -> LeadIn | None:
    if row is None:
        return None
    return LeadIn(str(row["source"]), int(row["start_line"]), int(row["end_line"]), str(row["text"]))


def pledge_to_json(p: Pledge) -> dict[str, Any]:
    """All fields of a pledge as plain JSON types."""
    return {
        "id": p.id,
        "kind": p.kind,
        "section": p.section,
        "lead_in": p.lead_in,
        "text": p.text,
        "citations": [citation_to_json(c) for c in p.citations],
        "lead_in_at": lead_in_to_json(p.lead_in_at) if p.lead_in_at else None,
    }


def pledge_from_json(row: dict[str, Any]) -> Pledge:
    """Inverse of pledge_to_json; raises KeyError/TypeError on malformed rows."""
    return Pledge(
        id=str(row["id"]),
        kind=str(row["kind"]),
        section=str(row["section"]),
        lead_in=str(row["lead_in"]),
        text=str(row["text"]),
        citations=tuple(Citation(str(c["source"]), int(c["start_line"]), int(c["end_line"])) for c in row["citations"]),
        lead_in_at=lead_in_from_json(row["lead_in_at"]),
    )
