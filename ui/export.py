"""The doorstep answer to take away: Markdown, a printable HTML page, and their file names (pure).

Built only when someone presses a download or print button (never on the hot path of a
question); the page script turns the text into a download or a print view, so nothing is
written to disk. Times are local (Europe/Berlin, the programme's city), never UTC.
"""
from __future__ import annotations

import html
import re
import unicodedata
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from qa.answer import nearest_topics
from qa.types import Answer
from ui.i18n import Texts
from ui.leads import reason_text
from ui.texts import DE
from qa.wording import citations_words, doorstep_sentences, quoted

LOCAL_TIME = ZoneInfo("Europe/Berlin")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
_MD_LINE_START = re.compile(r"^([#+\-=]|\d+[.)])")
_SLUG_CHARS = 48


def local_now() -> datetime:
    """Now in the programme's local time."""
    return datetime.now(timezone.utc).astimezone(LOCAL_TIME)


def stamp(created: datetime, t: Texts = DE) -> str:
    """"Erstellt: 01.12.2026, 23:40" in local time, written as the page's language writes dates
    ("Created: Dec 1, 2026, 11:40 PM"; Babel); a naive time is taken as UTC."""
    when = (created if created.tzinfo else created.replace(tzinfo=timezone.utc)).astimezone(LOCAL_TIME)
    return f"{t.export_created}: {format_date(when, 'medium', t.code)}, {format_time(when, 'short', locale=t.code)}"


def slug(text: str, limit: int = _SLUG_CHARS) -> str:
    """"Was passiert mit dem Flughafen?" → "was-passiert-mit-dem-flughafen" (ASCII, for file names)."""
    folded = text.replace("ß", "ss").replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    folded = folded.replace("Ä", "Ae").replace("Ö", "Oe").replace("Ü", "Ue")
    ascii_text = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    out = ""
    for w in words:
        if len(out) + len(w) + 1 > limit:
            break
        out = f"{out}-{w}" if out else w
    return out


def export_filename(subject: str, created: datetime, extension: str, kind: str = "antwort") -> str:
    """"nachgefragt-antwort-was-passiert-mit-dem-flughafen-2026-12-01.md": what it is and when."""
    when = created if created.tzinfo else created.replace(tzinfo=timezone.utc)
    parts = ["nachgefragt", kind, slug(subject), f"{when.astimezone(LOCAL_TIME):%Y-%m-%d}"]
    return "-".join(p for p in parts if p) + "." + extension


def md_escape(text: str) -> str:
    """Backslash-escape Markdown and HTML syntax so corpus and user text stay literal text."""
    escaped = _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))
    return _MD_LINE_START.sub(_escape_line_start, escaped)


def _escape_line_start(match: re.Match[str]) -> str:
    token = match.group(1)
    return f"{token[:-1]}\\{token[-1]}" if token[0].isdigit() else f"\\{token}"


def _findings(answer: Answer, t: Texts) -> tuple[list[str], list[tuple[str, str, str]]]:
    """(answer sentences, [(pledge sentence, citations, section)]) for both exports. "Nearest"
    says it is no answer, why (when known), then the nearest pledges with their places."""
    why = [reason_text(answer.reason, t)] if reason_text(answer.reason, t) else []
    if answer.outcome == "nearest":
        sentences = [t.nearest_intro, *why, *(f"{quoted(h.pledge)} ({citations_words(h.pledge.citations, t.line_abbreviation)})"
                                              for h in answer.used)]
    else:
        sentences = [t.no_answer, *why] if answer.abstained else doorstep_sentences(answer, t.line_abbreviation)
    sources = [(quoted(h.pledge), citations_words(h.pledge.citations, t.line_abbreviation), h.pledge.section)
               for h in answer.hits]
    return sentences, sources


def markdown_export(answer: Answer, chapter: str, created: datetime, share: str = "", t: Texts = DE) -> str:
    """The answer as Markdown: question, doorstep answer with citations, all results."""
    sentences, sources = _findings(answer, t)
    lines = [f"# {md_escape(t.export_title)}", "", f"**{t.export_question}:** {md_escape(answer.question)}  "]
    if chapter:
        lines.append(f"**{t.export_chapter}:** {md_escape(chapter)}  ")
    lines += ["", f"## {t.export_answer}", ""]
    lines += [f"- {md_escape(s)}" for s in sentences]
    if answer.abstained:
        topics = nearest_topics(answer.hits)
        if topics:
            lines += ["", f"## {t.nearest_topics_heading}", ""] + [f"- {md_escape(t)}" for t in topics]
    heading = t.nearest_passages_heading if answer.abstained else t.export_results
    if sources:
        lines += ["", f"## {md_escape(heading)}", ""]
        for i, (sentence, cites, section) in enumerate(sources, 1):
            lines.append(f"{i}. {md_escape(sentence)} ({md_escape(cites)})" + ("  " if section else ""))
            if section:
                lines.append(f"   _{md_escape(section)}_")
    lines += ["", "---", "", md_escape(t.export_origin) + "  ",
              stamp(created, t)]
    if share:
        safe = share.startswith(("http://", "https://")) and not re.search(r"[<>\s]", share)
        link = f"<{share}>" if safe else md_escape(share)
        lines[-1] += "  "
        lines.append(f"{t.share_label}: {link}")
    return "\n".join(lines) + "\n"


PRINT_CSS = """
body{font-family:Georgia,"Times New Roman",serif;max-width:42rem;margin:2rem auto;padding:0 1rem;
color:#111;line-height:1.5;font-size:12pt}
h1{font-size:1.5rem;margin-bottom:.25rem}h2{font-size:1.15rem;margin-top:1.5rem;border-bottom:1px solid #999}
.frage{font-size:1.1rem}.fundstelle{color:#333}.abschnitt{font-size:.9rem;color:#444;font-style:italic}
li{margin-bottom:.5rem}footer{margin-top:2rem;font-size:.9rem;color:#333;border-top:1px solid #999}
@media print{body{margin:0;max-width:none}a{color:#111;text-decoration:none}
h2,h3{break-after:avoid}li{break-inside:avoid}@page{size:A4;margin:2cm}}
"""


def html_export(answer: Answer, chapter: str, created: datetime, share: str = "", t: Texts = DE) -> str:
    """A self-contained, print-friendly HTML page of the answer (no scripts, no external files)."""
    e = html.escape
    sentences, sources = _findings(answer, t)
    parts = [
        f'<!DOCTYPE html><html lang="{t.code}" dir="{t.direction}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(t.export_title)}</title><style>{PRINT_CSS}</style></head><body><main>",
        f"<h1>{e(t.export_title)}</h1>",
        f'<p class="frage"><strong>{e(t.export_question)}:</strong> {e(answer.question)}</p>',
    ]
    if chapter:
        parts.append(f"<p><strong>{e(t.export_chapter)}:</strong> {e(chapter)}</p>")
    parts.append(f"<h2>{e(t.export_answer)}</h2><ul>")
    parts += [f"<li>{e(s)}</li>" for s in sentences]
    parts.append("</ul>")
    if answer.abstained and nearest_topics(answer.hits):
        parts.append(f"<h2>{e(t.nearest_topics_heading)}</h2><ul>")
        parts += [f"<li>{e(topic)}</li>" for topic in nearest_topics(answer.hits)]
        parts.append("</ul>")
    if sources:
        heading = t.nearest_passages_heading if answer.abstained else t.export_results
        parts.append(f"<h2>{e(heading)}</h2><ol>")
        parts += [f'<li>{e(s)} <span class="fundstelle">({e(c)})</span>'
                  + (f'<br><span class="abschnitt">{e(sec)}</span>' if sec else "") + "</li>"
                  for s, c, sec in sources]
        parts.append("</ol>")
    parts.append(f"</main><footer><p>{e(t.export_origin)}<br>"
                 f"{e(stamp(created, t))}</p>")
    if share:
        parts.append(f'<p>{e(t.share_label)}: <a href="{e(share, quote=True)}">{e(share)}</a></p>')
    parts.append("</footer></body></html>")
    return "".join(parts)
