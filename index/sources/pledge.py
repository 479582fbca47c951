"""The values that cross module boundaries: a passage of the programme and where it stands."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

SECTION_SEPARATOR = " › "

# Lead-ins such as "Daher werden wir" only make sense after the paragraph before them; on
# their own (in a result card or a doorstep answer) they read as "Wir werden".
_CONNECTIVE_LEAD_IN = re.compile(
    r"^(?:und\s+)?(?:daher|dafür|deshalb|deswegen|darüber hinaus|außerdem|zudem|konkret|"
    r"hierfür|dazu|darum|somit|also|ferner|zusätzlich|weiterhin|insbesondere)\s+werden\s+wir$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Citation:
    """One place a passage stands: 1-based inclusive lines in the source's own numbering."""

    source: str
    start_line: int
    end_line: int

    def label(self) -> str:
        """Compact form for logs and answers: "wahlprogramm-2025, Z. 3055–3056"."""
        return f"{self.source}, {line_numbers(self)}"


@dataclass(frozen=True, slots=True)
class LeadIn:
    """Where a pledge's lead-in stands ("Daher werden wir", two lines above the bullet):
    1-based inclusive lines in the source's own numbering and the lead-in's words as printed.
    Shown beside the citations so every word of a sentence can be checked; never scored."""

    source: str
    start_line: int
    end_line: int
    text: str


@dataclass(frozen=True, slots=True)
class Pledge:
    """A pledge (one bullet, completed by its lead-in) or a prose passage (kind "text").

    `text` holds the passage's own words (de-hyphenated, whitespace folded) and is found in
    the cited lines; `lead_in` is the sentence start that precedes a bullet list and
    `lead_in_at` where it stands (None without a lead-in).
    """

    id: str
    kind: str
    section: str
    lead_in: str
    text: str
    citations: tuple[Citation, ...] = field(default_factory=tuple)
    lead_in_at: LeadIn | None = None

    @property
    def primary(self) -> Citation:
        """The first (primary) citation."""
        return self.citations[0]

    @property
    def chapter(self) -> str:
        """The first part of the section path ("Mobilität" of "Mobilität › Flughafen")."""
        return self.section.split(SECTION_SEPARATOR)[0]

    def lead_in_for(self, citation: Citation) -> LeadIn | None:
        """The lead-in's place when it belongs with `citation` (the primary one), else None."""
        return self.lead_in_at if citation == self.primary else None

    @property
    def sentence(self) -> str:
        """The pledge as a full sentence: lead-in + text ("Wir werden den … aufstocken.")."""
        if self.kind != "pledge" or not self.lead_in:
            return _capitalise(self.text)
        lead = self.lead_in.rstrip(" :,")
        if _CONNECTIVE_LEAD_IN.match(lead):
            lead = "Wir werden"
        return f"{_capitalise(lead)} {self.text}"


def line_numbers(citation: Citation, lead_in: LeadIn | None = None, abbreviation: str = "Z.") -> str:
    """"Z. 3055" or "Z. 3055–3056" (en dash, as in print); a lead-in in the same source comes
    first ("Z. 405, 409–411"), joined into one span when it touches the cited lines."""
    start, end = citation.start_line, citation.end_line
    spans: list[tuple[int, int]] = [(start, end)]
    if lead_in is not None and lead_in.source == citation.source:
        if lead_in.end_line + 1 >= start and lead_in.start_line <= end + 1:
            spans = [(min(start, lead_in.start_line), max(end, lead_in.end_line))]
        else:
            spans = sorted([(lead_in.start_line, lead_in.end_line), (start, end)])
    return f"{abbreviation} " + ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in spans)


def make_id(source: str, start_line: int) -> str:
    """The stable pledge id "source:start_line"."""
    return f"{source}:{start_line}"


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text
