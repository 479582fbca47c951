"""Share links: the page address carrying the question (`?q=…&kapitel=…`) and back (pure).

A link opened by someone else fills the question box and shows the same result, so a link
is only ever read as data: the chapter must be one the programme has, the question is cut
to the length the pipeline accepts and then goes through the pipeline's own validation.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit

QUESTION_PARAM = "q"
CHAPTER_PARAM = "kapitel"
PLEDGE_PARAM = "p"
LANGUAGE_PARAM = "lang"
READABLE_CHARS = 60


@dataclass(frozen=True, slots=True)
class SharedQuestion:
    """What a share link asks: a question and a chapter ("" for all chapters)."""

    question: str
    chapter: str = ""


def share_query(question: str, chapter: str = "", lang: str = "") -> str:
    """"q=…&kapitel=…&lang=tr" (the chapter and the page language only when set): a link opens
    in the sharer's language."""
    params = {QUESTION_PARAM: question}
    if chapter:
        params[CHAPTER_PARAM] = chapter
    if lang:
        params[LANGUAGE_PARAM] = lang
    return urlencode(params)


def share_url(base: str, question: str, chapter: str = "", lang: str = "") -> str:
    """The page address `base` with the question (and chapter, page language) as its query."""
    if not question:
        return ""
    if not base:
        return "?" + share_query(question, chapter, lang)
    scheme, netloc, path, _, _ = urlsplit(base)
    return urlunsplit((scheme, netloc, path or "/", share_query(question, chapter, lang), ""))


def with_language(url: str, lang: str) -> str:
    """A share link with its page language changed (the switch was used after asking)."""
    if not url:
        return ""
    scheme, netloc, path, query, fragment = urlsplit(url)
    params = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != LANGUAGE_PARAM]
    return urlunsplit((scheme, netloc, path, urlencode([*params, (LANGUAGE_PARAM, lang)]), fragment))


def permalink(pledge_id: str) -> str:
    """"?p=wahlprogramm-2025:3055": opens that pledge in its source view (relative to the page)."""
    return "?" + urlencode({PLEDGE_PARAM: pledge_id}, safe=":")


def readable_link(url: str, limit: int = READABLE_CHARS) -> str:
    """A link as people can read it on a phone: no scheme, the query decoded, cut with "…"."""
    scheme, netloc, path, query, _ = urlsplit(url)
    text = netloc + (path if path not in ("", "/") else "/") + ("?" + unquote_plus(query) if query else "")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def parse_pledge(params: Mapping[str, str], known: Sequence[str] | Mapping[str, object]) -> str | None:
    """The pledge id a permalink asks for (None without one); "" when the id is unknown."""
    value = str(params.get(PLEDGE_PARAM, "") or "")[:200]
    if not value:
        return None
    return value if value in known else ""


def page_base(headers: Mapping[str, str], fallback_url: str = "") -> str:
    """The address of the page a request came from, without query or fragment.

    Prefers the Referer (the page itself, including any path prefix behind a proxy), then
    the Origin, then the request's own scheme and host. Only http(s) addresses are used.
    """
    for candidate in (headers.get("referer", ""), headers.get("origin", "")):
        base = _http_base(candidate)
        if base:
            return base
    if fallback_url:
        scheme, netloc, *_ = urlsplit(fallback_url)
        host = headers.get("host", "") or netloc
        if scheme in ("http", "https") and host:
            return urlunsplit((scheme, host, "/", "", ""))
    return ""


def parse_shared(params: Mapping[str, str], chapters: Sequence[str], max_chars: int) -> SharedQuestion | None:
    """Read a share link's query; None when it carries no question."""
    question = str(params.get(QUESTION_PARAM, "") or "")[: max_chars + 1]
    if not question.strip():
        return None
    chapter = str(params.get(CHAPTER_PARAM, "") or "")
    return SharedQuestion(question, chapter if chapter in chapters else "")


def _http_base(url: str) -> str:
    if not url:
        return ""
    try:
        scheme, netloc, path, _, _ = urlsplit(url)
    except ValueError:
        return ""
    if scheme not in ("http", "https") or not netloc:
        return ""
    if "/gradio_api/" in path:  # an API request, not the page
        path = path.split("/gradio_api/", 1)[0] + "/"
    return urlunsplit((scheme, netloc, path or "/", "", ""))
