"""The doorstep answer to take away: a Markdown file and a printable HTML page.

`markdown_export` and `html_export` are pure (answer in, text out). `write_exports` writes
both into a folder of generated files (one sub-folder per answer, named by a hash of the
content) and prunes old ones; the app hands those paths to download buttons and serves
nothing else.
"""
from __future__ import annotations

import hashlib
import html
import logging
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from qa.answer import NO_ANSWER, nearest_topics
from qa.types import Answer
from ui import texts
from ui.wording import citations_words, doorstep_sentences

log = logging.getLogger(__name__)

MARKDOWN_NAME = "nachgefragt-antwort.md"
HTML_NAME = "nachgefragt-antwort.html"
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
_MD_LINE_START = re.compile(r"^([#+\-=]|\d+[.)])")


@dataclass(frozen=True, slots=True)
class ExportFiles:
    """Paths of the generated files for one answer."""

    markdown: Path
    html: Path


def md_escape(text: str) -> str:
    """Backslash-escape Markdown and HTML syntax so corpus and user text stay literal text."""
    escaped = _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))
    return _MD_LINE_START.sub(_escape_line_start, escaped)


def _escape_line_start(match: re.Match[str]) -> str:
    token = match.group(1)
    return f"{token[:-1]}\\{token[-1]}" if token[0].isdigit() else f"\\{token}"


def _findings(answer: Answer) -> tuple[list[str], list[tuple[str, str, str]]]:
    """(answer sentences, [(pledge sentence, citations, section)]) for both exports."""
    sentences = [NO_ANSWER] if answer.abstained else doorstep_sentences(answer)
    sources = [(h.pledge.sentence, citations_words(h.pledge.citations), h.pledge.section) for h in answer.hits]
    return sentences, sources


def markdown_export(answer: Answer, chapter: str, created: datetime, share: str = "") -> str:
    """The answer as Markdown: question, doorstep answer with citations, all results."""
    sentences, sources = _findings(answer)
    lines = [f"# {md_escape(texts.EXPORT_TITLE)}", "", f"**{texts.EXPORT_QUESTION}:** {md_escape(answer.question)}  "]
    if chapter:
        lines.append(f"**{texts.EXPORT_CHAPTER}:** {md_escape(chapter)}  ")
    lines += ["", f"## {texts.EXPORT_ANSWER}", ""]
    lines += [f"- {md_escape(s)}" for s in sentences]
    if answer.abstained:
        topics = nearest_topics(answer.hits)
        if topics:
            lines += ["", f"## {texts.NEAREST_TOPICS_HEADING}", ""] + [f"- {md_escape(t)}" for t in topics]
    heading = texts.NEAREST_PASSAGES_HEADING if answer.abstained else texts.EXPORT_RESULTS
    if sources:
        lines += ["", f"## {md_escape(heading)}", ""]
        for i, (sentence, cites, section) in enumerate(sources, 1):
            lines.append(f"{i}. {md_escape(sentence)} ({md_escape(cites)})" + ("  " if section else ""))
            if section:
                lines.append(f"   _{md_escape(section)}_")
    lines += ["", "---", "", md_escape(texts.EXPORT_ORIGIN) + "  ",
              f"{texts.EXPORT_CREATED}: {created:%d.%m.%Y, %H:%M} Uhr (UTC)"]
    if share:
        safe = share.startswith(("http://", "https://")) and not re.search(r"[<>\s]", share)
        link = f"<{share}>" if safe else md_escape(share)
        lines[-1] += "  "
        lines.append(f"{texts.SHARE_LABEL}: {link}")
    return "\n".join(lines) + "\n"


_PRINT_CSS = """
body{font-family:Georgia,"Times New Roman",serif;max-width:42rem;margin:2rem auto;padding:0 1rem;
color:#111;line-height:1.5;font-size:12pt}
h1{font-size:1.5rem;margin-bottom:.25rem}h2{font-size:1.15rem;margin-top:1.5rem;border-bottom:1px solid #999}
.frage{font-size:1.1rem}.fundstelle{color:#333}.abschnitt{font-size:.9rem;color:#444;font-style:italic}
li{margin-bottom:.5rem}footer{margin-top:2rem;font-size:.9rem;color:#333;border-top:1px solid #999}
@media print{body{margin:0;max-width:none}a{color:#111;text-decoration:none}
h2{break-after:avoid}li{break-inside:avoid}@page{margin:2cm}}
"""


def html_export(answer: Answer, chapter: str, created: datetime, share: str = "") -> str:
    """A self-contained, print-friendly HTML page of the answer (no scripts, no external files)."""
    e = html.escape
    sentences, sources = _findings(answer)
    parts = [
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(texts.EXPORT_TITLE)}</title><style>{_PRINT_CSS}</style></head><body><main>",
        f"<h1>{e(texts.EXPORT_TITLE)}</h1>",
        f'<p class="frage"><strong>{e(texts.EXPORT_QUESTION)}:</strong> {e(answer.question)}</p>',
    ]
    if chapter:
        parts.append(f"<p><strong>{e(texts.EXPORT_CHAPTER)}:</strong> {e(chapter)}</p>")
    parts.append(f"<h2>{e(texts.EXPORT_ANSWER)}</h2><ul>")
    parts += [f"<li>{e(s)}</li>" for s in sentences]
    parts.append("</ul>")
    if answer.abstained and nearest_topics(answer.hits):
        parts.append(f"<h2>{e(texts.NEAREST_TOPICS_HEADING)}</h2><ul>")
        parts += [f"<li>{e(t)}</li>" for t in nearest_topics(answer.hits)]
        parts.append("</ul>")
    if sources:
        heading = texts.NEAREST_PASSAGES_HEADING if answer.abstained else texts.EXPORT_RESULTS
        parts.append(f"<h2>{e(heading)}</h2><ol>")
        parts += [f'<li>{e(s)} <span class="fundstelle">({e(c)})</span>'
                  + (f'<br><span class="abschnitt">{e(sec)}</span>' if sec else "") + "</li>"
                  for s, c, sec in sources]
        parts.append("</ol>")
    parts.append(f"</main><footer><p>{e(texts.EXPORT_ORIGIN)}<br>"
                 f"{e(texts.EXPORT_CREATED)}: {created:%d.%m.%Y, %H:%M} Uhr (UTC)</p>")
    if share:
        parts.append(f'<p>{e(texts.SHARE_LABEL)}: <a href="{e(share, quote=True)}">{e(share)}</a></p>')
    parts.append("</footer></body></html>")
    return "".join(parts)


def write_exports(answer: Answer, chapter: str, out_dir: Path, created: datetime, share: str = "",
                  max_age_seconds: float = 3600.0) -> ExportFiles:
    """Write both exports into `out_dir/<hash>/` and remove sub-folders older than `max_age_seconds`."""
    markdown = markdown_export(answer, chapter, created, share)
    page = html_export(answer, chapter, created, share)
    digest = hashlib.sha256((markdown + page).encode("utf-8")).hexdigest()[:16]
    folder = out_dir / digest
    folder.mkdir(parents=True, exist_ok=True)
    files = ExportFiles(folder / MARKDOWN_NAME, folder / HTML_NAME)
    _write_atomic(files.markdown, markdown)
    _write_atomic(files.html, page)
    os.utime(folder)  # fresh again, so a concurrent prune keeps it
    prune(out_dir, max_age_seconds, keep=folder)
    return files


def _write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so a reader never sees half a file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def prune(out_dir: Path, max_age_seconds: float, keep: Path | None = None) -> None:
    """Remove generated sub-folders older than `max_age_seconds` (best effort)."""
    cutoff = time.time() - max_age_seconds
    for child in out_dir.iterdir():
        try:
            if child.is_dir() and child != keep and child.stat().st_mtime < cutoff:
                shutil.rmtree(child, ignore_errors=True)
        except OSError as exc:
            log.debug("could not prune %s: %s", child, exc)
