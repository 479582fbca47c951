"""An answer as JSON-able data for the API endpoint (`/ask`, used with gradio_client) (pure)."""
from __future__ import annotations

from typing import Any

from index.sources.serialise import lead_in_to_json
from qa.answer import nearest_topics
from qa.types import Answer, Hit
from qa.wording import citation_words, plain_answer, source_name


def answer_payload(answer: Answer, chapter: str = "", share_link: str = "",
                   notices: tuple[str, ...] = ()) -> dict[str, Any]:
    """Everything a client needs: the doorstep answer in people's words, the pipeline's own
    answer text, whether it abstained or failed, and every hit with its citations."""
    return {
        # A refused question is not echoed: it may be 100 000 characters or not encodable.
        "question": "" if answer.error else answer.question,
        "chapter": chapter,
        "abstained": answer.abstained,
        "outcome": "nothing" if answer.error else answer.outcome,  # answer | nearest | nothing
        "confidence": answer.confidence,  # the abstention model's P(answerable); None without one
        # why the programme has nothing on it (federal_state | people_party | other_city | chitchat), or ""
        "reason": "" if answer.error else answer.reason,
        # the nearest questions of the bank that the programme answers (one click to ask them)
        "similar_questions": [n.entry.question for n in answer.similar],
        "error": answer.error,
        "answer": plain_answer(answer),
        "answer_raw": answer.text,
        # Typo correction: the question as searched ("" when searched as asked) and each change.
        "corrected": answer.corrected,
        "corrections": [{"original": c.original, "corrected": c.corrected} for c in answer.corrections],
        "language": answer.language,
        "nearest_topics": nearest_topics(answer.hits) if answer.abstained else [],
        "share_link": share_link,
        # what the request asked that was not done as asked (top_k above the maximum: cut, and said so)
        "notices": list(notices),
        "hits": [hit_json(rank, h) for rank, h in enumerate(answer.hits, 1)],
        # With a chapter filter and no answer in it: where the programme does speak of it (best
        # first, each with its "chapter"); [] otherwise.
        "elsewhere": [{**hit_json(rank, h), "chapter": h.pledge.chapter} for rank, h in enumerate(answer.elsewhere, 1)],
    }


def hit_json(rank: int, h: Hit) -> dict[str, Any]:
    """One ranked passage with its citations (and its lead-in's lines when it has one)."""
    return {
        "rank": rank,
        "pledge_id": h.pledge.id,
        "kind": h.pledge.kind,
        "sentence": h.pledge.sentence,
        "section": h.pledge.section,
        "score": round(h.score, 6),
        "citations": [
            {"source": c.source, "source_name": source_name(c.source), "start_line": c.start_line,
             "end_line": c.end_line, "label": citation_words(c)}
            for c in h.pledge.citations
        ],
        "lead_in": lead_in_to_json(h.pledge.lead_in_at) if h.pledge.lead_in_at else None,
    }
