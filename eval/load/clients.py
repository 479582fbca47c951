"""The load's clients: one session each, through gradio_client, Gradio's plain HTTP API (both
asking the app's named endpoint) or the JSON API beside the page (/api/ask); every reply is classified as an answer, busy or an error."""
from __future__ import annotations

import json
import time
from typing import Any, Callable
from urllib.parse import urlsplit

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
DEFAULT_API_NAME = "/ask"
BUSY_MARKERS = ("queue is full", "queue_full", "too many requests")


def check_loopback(url: str) -> str:
    """The URL without a trailing slash, or ValueError when it does not point at this machine."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"--url must start with http:// (got {url!r})")
    host = (parts.hostname or "").lower()
    if host not in LOOPBACK_HOSTS:
        raise ValueError(
            f"refusing to load-test {host or url!r}: only loopback addresses are allowed "
            f"({', '.join(LOOPBACK_HOSTS)}); this tool must never hammer another machine"
        )
    return url.rstrip("/")


def classify(exc: BaseException) -> str:
    """"busy" when the server refused the request because its queue is full, else "error"."""
    name = type(exc).__name__
    text = str(exc).lower()
    if name in ("QueueError", "TooManyRequestsError") or any(m in text for m in BUSY_MARKERS):
        return "busy"
    return "error"


def check_payload(payload: object) -> str:
    """"" for a proper answer of the /ask endpoint, otherwise what is wrong with it."""
    if not isinstance(payload, dict):
        return f"unexpected response type {type(payload).__name__}"
    if payload.get("error"):
        return f"answer error: {payload['error']}"
    if not isinstance(payload.get("hits"), list):
        return "response without hits"
    return ""


class GradioClient:
    """One session of the official `gradio_client` (what the brief and outside tools use)."""

    def __init__(self, url: str, timeout: float) -> None:
        from gradio_client import Client

        self._client = Client(url, verbose=False, max_workers=2, download_files=False, analytics_enabled=False,
                              httpx_kwargs={"timeout": timeout})

    def ask(self, question: str, api_name: str, timeout: float) -> tuple[str, str]:
        """(kind, message) of one request through the named endpoint."""
        job = self._client.submit(question=question, chapter="", top_k=5, api_name=api_name)
        try:
            payload = job.result(timeout=timeout)
        except TimeoutError:
            job.cancel()
            return "error", f"no answer within {timeout:g} s (hang?)"
        problem = check_payload(payload)
        return ("error", problem) if problem else ("ok", "")

    def close(self) -> None:
        self._client.close()


class HttpClient:
    """The same named endpoint through Gradio's plain HTTP API (POST /gradio_api/call/NAME, then
    read the event stream), with one keep-alive connection. gradio_client polls its queues
    every 50 ms and costs ~90 ms of CPU per request on the load machine; this costs ~3 ms, so
    on a 2-core machine it shows what the app itself can do."""

    def __init__(self, url: str, timeout: float) -> None:
        import httpx

        self._url = url
        self._http = httpx.Client(timeout=timeout)
        self._http.get(f"{url}/config").raise_for_status()

    def ask(self, question: str, api_name: str, timeout: float) -> tuple[str, str]:
        name = api_name.strip("/")
        started = time.perf_counter()
        resp = self._http.post(f"{self._url}/gradio_api/call/{name}", json={"data": [question, "", 5]})
        if resp.status_code in (429, 503):
            return "busy", f"HTTP {resp.status_code}: {resp.text[:200]}"
        if resp.status_code != 200:
            return "error", f"HTTP {resp.status_code}: {resp.text[:200]}"
        event_id = resp.json()["event_id"]
        event, data = "", ""
        with self._http.stream("GET", f"{self._url}/gradio_api/call/{name}/{event_id}") as stream:
            for line in stream.iter_lines():
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:"):
                    data = line[5:].strip()
                    if event in ("complete", "error"):
                        break
                if time.perf_counter() - started > timeout:
                    return "error", f"no answer within {timeout:g} s (hang?)"
        if event != "complete":
            kind = classify(Exception(data))
            return kind, f"{event or 'no event'}: {data[:200]}"
        payload = json.loads(data)
        problem = check_payload(payload[0] if isinstance(payload, list) and payload else payload)
        return ("error", problem) if problem else ("ok", "")

    def close(self) -> None:
        self._http.close()


class ApiClient:
    """The plain JSON API beside the page (GET /api/ask?q=…, ui/api.py), one keep-alive
    connection: no Gradio queue or event stream. `api_name` does not apply (one endpoint);
    HTTP 503 with Retry-After is the app saying it is busy."""

    def __init__(self, url: str, timeout: float) -> None:
        import httpx

        self._url = url
        self._http = httpx.Client(timeout=timeout)
        status = self._http.get(f"{url}/healthz").status_code
        if status not in (200, 503):  # 503: still starting (a question then waits for the model)
            raise RuntimeError(f"{url}/healthz answered HTTP {status}: is this Nachgefragt?")

    def ask(self, question: str, api_name: str, timeout: float) -> tuple[str, str]:
        import httpx

        try:
            resp = self._http.get(f"{self._url}/api/ask", params={"q": question, "top_k": 5}, timeout=timeout)
        except httpx.TimeoutException:
            return "error", f"no answer within {timeout:g} s (hang?)"
        if resp.status_code in (429, 503):
            return "busy", f"HTTP {resp.status_code}: {resp.text[:200]}"
        if resp.status_code != 200:
            return "error", f"HTTP {resp.status_code}: {resp.text[:200]}"
        problem = check_payload(resp.json())
        return ("error", problem) if problem else ("ok", "")

    def close(self) -> None:
        self._http.close()


CLIENTS: dict[str, Callable[[str, float], Any]] = {"gradio": GradioClient, "http": HttpClient, "api": ApiClient}
