"""Look and small page scripts of the app (passed to `launch()`: Gradio 6 takes css/theme there).

Colours use Gradio's theme variables where possible so the dark theme stays readable.
"""
from __future__ import annotations

import json

SYSTEM_FONTS = ("ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "Roboto", "Noto Sans", "sans-serif")
MONO_FONTS = ("ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace")


def make_theme():  # type: ignore[no-untyped-def]
    """Gradio's default theme in green, with system fonts (no font files to fetch) and softer
    text dark enough to read (the default grey fails WCAG contrast on white)."""
    import gradio as gr

    return gr.themes.Default(primary_hue="green", font=list(SYSTEM_FONTS), font_mono=list(MONO_FONTS)).set(
        body_text_color_subdued="*neutral_600", body_text_color_subdued_dark="*neutral_300",
        block_info_text_color="*neutral_600", block_info_text_color_dark="*neutral_300",
        button_primary_background_fill="*primary_700", button_primary_background_fill_hover="*primary_800",
        button_primary_background_fill_dark="*primary_700", button_primary_text_color="white",
    )


CSS = """
.gradio-container { max-width: 960px !important; margin: 0 auto !important; }
#nf-kopf h1 { margin-bottom: .25rem; }
#nf-kopf p { margin-top: 0; }
.nf-sr { position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.nf-fehler { border: 2px solid #b42318; background: #fef3f2; color: #7a271a; padding: 12px 16px;
  border-radius: 8px; font-size: 1rem; }
#nf-status p { margin: 0; color: var(--body-text-color); font-weight: 600; }
.nf-teilen { margin: 0; display: flex; flex-wrap: wrap; gap: .25rem .5rem; align-items: baseline; }
.nf-teilen-label { font-weight: 600; }
.nf-teilen a { overflow-wrap: anywhere; }  /* breaks at the <wbr> before ? and &, a word only if it must */
.nf-einleitung { color: var(--body-text-color-subdued); }  /* the lead-in: the programme's words, lighter */
.nf-auslassung { color: var(--body-text-color-subdued); }
.nf-teilen-hinweis { color: var(--body-text-color-subdued); font-size: .9rem; width: 100%; }
.nf-ergebnisse h2, .nf-keine-antwort h2 { margin: .5rem 0 .25rem; }
.nf-keine-antwort h2 { font-size: 1.35rem; }
.nf-intro { color: var(--body-text-color-subdued); margin: 0 0 .75rem; }
.nf-themen { margin: 0 0 .75rem 1.25rem; }
ol.nf-karten { list-style: none; padding: 0 !important; margin: 0 !important; }
ol.nf-karten > li.nf-karte { border: 1px solid var(--border-color-primary); border-radius: 10px;
  padding: 14px 16px; margin: 0 0 12px !important; background: var(--block-background-fill); list-style: none; }
.nf-karte-titel { font-size: 1rem !important; margin: 0 0 .4rem !important; display: flex; flex-wrap: wrap;
  gap: .15rem .75rem; align-items: baseline; }
.nf-rang { font-weight: 700; white-space: nowrap; }
.nf-abschnitt { font-weight: 400; color: var(--body-text-color-subdued); font-size: .9rem; }
.nf-satz { font-size: 1.05rem; line-height: 1.5; margin: 0 0 .5rem !important; }
ul.nf-fundstellen { list-style: none; padding: 0 !important; margin: 0 0 .25rem !important; display: flex;
  flex-wrap: wrap; gap: 6px; }
ul.nf-fundstellen > li { background: var(--color-accent-soft); border-radius: 999px; padding: 2px 10px;
  font-size: .9rem; margin: 0 !important; list-style: none; }
details.nf-quelle { margin: .25rem 0; }
details.nf-quelle > summary { cursor: pointer; color: var(--link-text-color); padding: 8px 0; }
details.nf-quelle > summary span, details.nf-quelle > summary bdi { color: inherit; }
details.nf-quelle > summary:focus-visible, .nf-vote:focus-visible { outline: 3px solid var(--color-accent);
  outline-offset: 2px; border-radius: 4px; }
.nf-quelltext { border-left: 3px solid var(--border-color-primary); padding-left: 8px; overflow-x: auto; }
.nf-hinweis { font-size: .85rem; color: var(--body-text-color-subdued); margin: 0 0 .25rem !important; }
table.nf-zeilen { border-collapse: collapse; width: 100%; font-size: .9rem; margin: 0 !important;
  border: none !important; }
table.nf-zeilen tr, table.nf-zeilen tbody, table.nf-zeilen th, table.nf-zeilen td { border: none !important;
  background: transparent !important; }
table.nf-zeilen th, table.nf-zeilen td { padding: 1px 4px !important; vertical-align: top; line-height: 1.45; }
table.nf-zeilen th { text-align: right; width: 3.5em; font-weight: 400; color: var(--body-text-color-subdued);
  font-variant-numeric: tabular-nums; user-select: none; }
table.nf-zeilen td { text-align: left; white-space: pre-wrap; overflow-wrap: anywhere; }
table.nf-zeilen tr.nf-zitiert th { font-weight: 700; color: var(--body-text-color); }
table.nf-zeilen tr.nf-zitiert td mark { background: #ffe98a; color: #1a1a1a; padding: 0 2px; }
table.nf-zeilen tr.nf-einleitung td mark { background: #fff4c2; color: #1a1a1a; padding: 0 2px; }
.nf-feedback { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin-top: .5rem; }
.nf-feedback-frage { color: var(--body-text-color-subdued); font-size: .9rem; }
button.nf-vote { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 6px 12px;
  min-height: 40px; background: var(--button-secondary-background-fill); color: var(--body-text-color);
  cursor: pointer; font-size: .9rem; margin: 0 !important; }
button.nf-vote-ja[aria-pressed="true"] { background: var(--color-accent-soft); border-color: var(--color-accent);
  font-weight: 600; }
button.nf-vote-nein[aria-pressed="true"] { background: #fef3f2; border-color: #b42318; color: #7a271a;
  font-weight: 600; }
.nf-haustuer h2 { margin: .25rem 0 .15rem; }
ul.nf-haustuer-saetze { margin: .25rem 0 .5rem 1.25rem !important; padding: 0 !important; }
ul.nf-haustuer-saetze > li { margin: 0 0 .35rem !important; font-size: 1.05rem; line-height: 1.5; }
.nf-zitat { color: var(--body-text-color-subdued); white-space: normal; }
.nf-kopieren-zeile { display: flex; gap: .75rem; align-items: center; flex-wrap: wrap; }
button.nf-kopieren { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 6px 14px;
  min-height: 40px; background: var(--button-secondary-background-fill); color: var(--body-text-color);
  cursor: pointer; font-weight: 600; }
button.nf-kopieren:focus-visible { outline: 3px solid var(--color-accent); outline-offset: 2px; }
.nf-kopiert { color: var(--body-text-color-subdued); }
.nf-notiz { margin: 0; padding: 8px 12px; border-radius: 8px; }
#nf-rueckmeldung { position: fixed !important; left: 50%; bottom: 12px; transform: translateX(-50%); z-index: 50;
  width: min(36rem, calc(100vw - 24px)); pointer-events: none; border: 0 !important; background: transparent !important; }
#nf-rueckmeldung .nf-notiz { box-shadow: 0 2px 10px rgba(0, 0, 0, .2); animation: nf-ausblenden 7s forwards; }
#nf-rueckmeldung:not(.nf-sichtbar) { display: none !important; }  /* the thanks stand at the buttons */
.nf-feedback-antwort { color: var(--body-text-color); font-weight: 600; font-size: .9rem; }
.nf-feedback-antwort.nf-warnung-text { color: #b42318; }
@keyframes nf-ausblenden { 0%, 85% { opacity: 1; } 100% { opacity: 0; visibility: hidden; } }
.nf-korrektur { margin: 0 0 .5rem; display: flex; flex-wrap: wrap; gap: .25rem .75rem; align-items: center; }
button.nf-original { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 4px 12px;
  min-height: 36px; background: transparent; color: var(--link-text-color); font-weight: 400 !important;
  font-size: .95rem; cursor: pointer; text-align: start; }
button.nf-original:focus-visible { outline: 3px solid var(--color-accent); outline-offset: 2px; }
/* where a question leads on (ui/leads.py, ui/faq.py) */
.nf-grund { font-weight: 600; margin: .25rem 0 .75rem; }
.nf-aehnlich, .nf-anderswo, .nf-faq { margin: 1rem 0; }
.nf-aehnlich h3, .nf-anderswo h3, .nf-faq h3 { font-size: 1.05rem; margin: 0 0 .4rem; }
.nf-aehnlich ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .5rem; }
button.nf-folgefrage, button.nf-alle-kapitel { border: 1px solid var(--border-color-primary); border-radius: 999px;
  padding: 6px 14px; min-height: 40px; background: var(--button-secondary-background-fill);
  color: var(--body-text-color); cursor: pointer; text-align: start; }
button.nf-alle-kapitel { border-radius: 8px; font-weight: 600; }
button.nf-folgefrage:hover, button.nf-alle-kapitel:hover { border-color: var(--color-accent); }
button.nf-folgefrage:focus-visible, button.nf-alle-kapitel:focus-visible { outline: 3px solid var(--color-accent);
  outline-offset: 2px; }
.nf-anderswo { border-inline-start: 4px solid var(--color-accent); padding-inline-start: .75rem; }
.nf-anderswo ul, .nf-faq ul { margin: 0 0 .5rem 1.25rem; }
.nf-faq li { margin-bottom: .3rem; }
.nf-faq .nf-zitat { white-space: nowrap; }
.nf-nur-deutsch { margin: 0 0 .75rem; padding: 6px 10px; border-inline-start: 3px solid var(--color-accent);
  background: var(--block-background-fill); }
.nf-permalink { margin: .25rem 0 0 !important; font-size: .9rem; }
li.nf-fokus { border-color: var(--color-accent) !important; box-shadow: 0 0 0 2px var(--color-accent-soft); }
#nf-kopfzeile { align-items: flex-start; flex-wrap: wrap !important; }
#nf-kopf { flex: 1 1 18rem !important; min-width: 0 !important; }
/* Gradio writes dir="ltr" on every block; on an Arabic page the blocks read right to left
   (the programme's German keeps its own dir="ltr"). */
html[dir="rtl"] .gradio-container .block, html[dir="rtl"] .gradio-container .form { direction: rtl; }
html[dir="rtl"] .gradio-container textarea { direction: rtl; }
html[dir="rtl"] .gradio-container .wrap-inner { direction: ltr; }
html[dir="rtl"] .gradio-container input[role="combobox"] { text-align: right; padding-right: 2rem; }
/* (the list's arrow stays on the right: the chosen text ends before it, not under it) */
html[dir="rtl"] #nf-beispiele button { direction: ltr; text-align: left; }
[dir="rtl"] table.nf-zeilen th { text-align: right; }
[dir="rtl"] ul.nf-haustuer-saetze { margin: .25rem 1.25rem .5rem 0 !important; }
.nf-ok { background: #dcfce7; color: #14532d; border: 1px solid #86efac; }
.nf-warnung { background: #fffaeb; color: #7a2e0e; border: 1px solid #fec84b; }
/* Our handlers never raise (errors show in the page's own box); a refused request (full queue)
   is said once in a toast, not with a red badge on every component. */
.gradio-container [data-testid="status-tracker"] .error,
.gradio-container [data-testid="status-tracker"] .clear-status, .gradio-container .wrap .error { display: none !important; }
#nf-fusszeile { color: var(--body-text-color-subdued); font-size: .85rem; }
@media (max-width: 600px) {
  #nf-sprache { flex: 1 1 100% !important; }
  #nf-beispiele .gallery, #nf-beispiele [class*="gallery"] { display: flex !important; flex-direction: column;
    gap: 6px; }
  #nf-beispiele button { width: 100% !important; max-width: none !important; text-align: start; }
  #nf-mitnehmen button { flex: 1 1 100% !important; }
  ol.nf-karten > li.nf-karte { padding: 12px 10px; }
  .nf-quelltext { padding-left: 4px; }
  .nf-satz { font-size: 1rem; }
  table.nf-zeilen th { width: 2.75em; }
}
"""

