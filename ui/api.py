"""The plain JSON API beside the page: `GET /api/ask`, `GET /healthz`, schema at `/openapi.json`.

For other front ends and load balancers: served by the FastAPI app Gradio itself runs on (the
routes are handed to it at launch, ui/page.launch, so they come before Gradio's own), sharing
the page's answerer (its micro-batches) and answer cache, without Gradio's queue and event
stream. `/api/ask` returns the `/ask` payload (ui/payload.py); when the encoder has no turn
free in time (or the model is still loading) it answers HTTP 503 with `Retry-After` and the
German "too many questions" text in `error`. `/healthz` says whether the app answers, which
model and query encoder serve, and which index (a digest of its manifest, which lists every
index file's sha256).
"""
from __future__ import annotations

import hashlib
import json
import math
from typing import TYPE_CHECKING, Any

from serving.answerer import Busy
from ui.i18n import texts_for
from ui.payload import answer_payload

if TYPE_CHECKING:
    from ui.handlers import Handlers

API_ASK = "/api/ask"
HEALTHZ = "/healthz"
MAX_QUERY = 20_000  # characters accepted in `q` (the pipeline refuses long questions with its own message)


def index_digest(manifest: dict[str, Any]) -> str:
    """A short id of the index: the manifest holds every file's checksum."""
    return hashlib.sha256(json.dumps(manifest, sort_keys=True, default=str).encode()).hexdigest()[:16]


def health(h: "Handlers", encoder: str) -> dict[str, Any]:
    """What a load balancer asks: ready to answer? which model, encoder, index?"""
    ready = h.answerer.ready is None or h.answerer.ready.is_set()
    return {"ready": ready, "model": h.model, "encoder": encoder, "index": index_digest(h.qa.index.manifest),
            "passages": len(h.qa.index.pledges)}


def busy_payload() -> dict[str, Any]:
    """The `/ask` payload of a question that got no turn: the German "busy" text as its error."""
    from ui.handlers import failed

    return answer_payload(failed(texts_for("de").queue_full))


def api_routes(h: "Handlers", encoder: str = "") -> list[Any]:
    """The FastAPI routes (for `FastAPI(routes=…)`, i.e. Gradio's `app_kwargs`)."""
    from fastapi import Query
    from fastapi.responses import JSONResponse
    from fastapi.routing import APIRoute

    retry_after = str(max(1, math.ceil(h.config.batch.timeout / 2)))

    def ask(q: str = Query("", max_length=MAX_QUERY, description="the question"),
            chapter: str = Query("", description="only this chapter (its exact title); empty: all"),
            top_k: int = Query(h.config.top_k, description=f"hits returned (at most {h.config.max_api_top_k})"),
            ) -> dict[str, Any]:
        """Ask the programme: the answer, its citations and hits (the `/ask` payload)."""
        try:
            return h.api_payload(q, chapter, top_k, raise_busy=True)
        except Busy:
            return JSONResponse(busy_payload(), status_code=503, headers={"Retry-After": retry_after})

    def healthz() -> dict[str, Any]:
        """Ready (HTTP 200) or still starting (HTTP 503, with Retry-After); model, encoder, index."""
        facts = health(h, encoder)
        if not facts["ready"]:
            return JSONResponse(facts, status_code=503, headers={"Retry-After": retry_after})
        return facts

    return [APIRoute(API_ASK, ask, methods=["GET"], summary="Ask the programme", tags=["api"]),
            APIRoute(HEALTHZ, healthz, methods=["GET"], summary="Health", tags=["api"])]
