"""Which catalogue to show: by code, or from the browser's Accept-Language header (pure)."""
from __future__ import annotations

from babel import negotiate_locale

from ui.i18n import ar, de, en, pl, ru, tr
from ui.i18n.catalogue import Texts

CATALOGUES: dict[str, Texts] = {m.TEXTS.code: m.TEXTS for m in (de, en, tr, ar, pl, ru)}
LANGUAGES: tuple[str, ...] = tuple(CATALOGUES)
DEFAULT = "de"


def texts_for(code: object) -> Texts:
    """The catalogue for a language code ("de" for anything unknown)."""
    return CATALOGUES.get(code if isinstance(code, str) else "", CATALOGUES[DEFAULT])


def from_accept_language(header: str) -> str:
    """The language of an Accept-Language header that the page speaks ("de" if none): the
    header's tags by weight (q), matched by Babel's locale negotiation ("de-AT" → "de")."""
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        tag = tag.strip().lower()
        if tag and tag != "*" and q > 0:
            ranked.append((-q, i, tag))
    chosen = negotiate_locale([tag for _, _, tag in sorted(ranked)], LANGUAGES, sep="-")
    return chosen if chosen in CATALOGUES else DEFAULT
