"""The small page scripts of the app (Gradio runs them in the browser; none sends data anywhere).

PAGE_JS runs once on page load; the others are `js_on_load` of one component or the `js`
step after an event. Texts they show come from the catalogues (`page_js` embeds the few
Gradio messages it translates) or from data attributes the renderers write.
"""
from __future__ import annotations

import json

from ui.i18n import CATALOGUES

# Gradio's page says lang="en"; the page is German until a question or the switch says otherwise.
# A language the reader once chose by hand (the switch keeps it in localStorage) goes into the
# address before Gradio asks the server for the page (its load event reads `?lang=`): it wins
# over a share link's language, so a link opens in the sharer's language unless one was chosen.
HEAD = """<script>(() => {
  let lang = 'de';
  try {
    const url = new URL(window.location.href);
    const chosen = localStorage.getItem('nf-lang');
    if (chosen && url.searchParams.get('lang') !== chosen) {
      url.searchParams.set('lang', chosen);
      window.history.replaceState(null, '', url);
    }
    lang = url.searchParams.get('lang') || lang;
  } catch (e) { /* the page works without it */ }
  document.documentElement.lang = lang;
})();</script>"""

_PAGE_JS = """
() => {
  document.documentElement.lang = document.documentElement.lang || 'de';
  document.documentElement.dataset.nfReady = '1';  // for tests: the page scripts are in place
  const T = TEXTS;
  const here = () => T[document.documentElement.lang] || T.de;
  // Gradio's own English messages in toasts (a full queue, errors) in the page's language.
  const busy = /currently busy|queue is full|too many requests/i;
  const fix = (node) => {
    if (!(node instanceof HTMLElement)) return;
    node.querySelectorAll('[class*="toast-body"]').forEach((toast) => {
      const leaves = Array.from(toast.querySelectorAll('*')).filter((c) => !c.children.length);
      if (!leaves.some((c) => busy.test(c.textContent || ''))) return;
      leaves.forEach((c) => {
        if (busy.test(c.textContent || '')) c.textContent = here().queue_full;
        else if (/^\\s*(Error|Fehler)\\s*$/i.test(c.textContent || '')) c.textContent = here().busy_title;
      });
    });
  };
  new MutationObserver(() => fix(document.body))
    .observe(document.body, {childList: true, subtree: true, characterData: true});
  // Gradio's screen-reader region reads its own untranslated keys ("common.complete") after an
  // event; the page announces outcomes itself (#nf-status, notes): never a raw key.
  const rawKey = /^\s*[a-z_]+\.[a-z_.]+\s*$/;
  const silence = () => document.querySelectorAll('.sr-only[role="status"], .sr-only[aria-live]').forEach((el) => {
    if (rawKey.test(el.textContent || '')) el.textContent = '';
  });
  new MutationObserver(silence).observe(document.body, {childList: true, subtree: true, characterData: true});
  // No tab stop on plain containers (Gradio gives some tabindex without a role).
  // Chromium makes scrolling boxes tab stops: the open chapter list would take the focus and
  // vanish with it (focus lands on the page body). The list is reached with the arrow keys.
  const untab = () => {
    document.querySelectorAll('.gradio-container [tabindex="0"]:not(button):not(a):not(input)'
      + ':not(textarea):not(select):not(summary):not([role])').forEach((el) => el.removeAttribute('tabindex'));
    document.querySelectorAll('[role="listbox"]:not([tabindex])').forEach((el) => { el.tabIndex = -1; });
  };
  untab();
  new MutationObserver(untab).observe(document.body, {childList: true, subtree: true});
  // The chapter list closes when the focus leaves it (Gradio keeps it open over "Fragen"), and
  // typing a chapter's first letters picks it (as in a native select).
  const LISTS = '#nf-kapitel, #nf-thema-kapitel, #nf-thema-abschnitt, #nf-sprache';
  let typed = '', typedAt = 0, reopening = false;
  document.addEventListener('focusout', (ev) => {
    const box = ev.target.closest && ev.target.closest(LISTS);
    if (!box || reopening || (ev.relatedTarget && box.contains(ev.relatedTarget))) return;
    const input = ev.target;
    setTimeout(() => input.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true})), 0);
  }, true);
  document.addEventListener('keydown', (ev) => {
    const box = ev.target.closest && ev.target.closest('#nf-kapitel, #nf-thema-kapitel, #nf-thema-abschnitt');
    if (!box || ev.key.length !== 1 || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const now = Date.now();
    typed = (now - typedAt < 900 ? typed : '') + ev.key.toLowerCase();
    typedAt = now;
    const input = box.querySelector('input');
    if (input && !box.querySelector('[role="option"]')) {  // open the list
      reopening = true; input.blur(); input.focus(); reopening = false;
    }
    let waited = 0;
    const pick = () => {
      const options = Array.from(box.querySelectorAll('[role="option"]'));
      if (!options.length && waited++ < 20) { setTimeout(pick, 25); return; }  // the list is opening
      const name = (o) => (o.getAttribute('aria-label') || o.textContent || '').trim().toLowerCase();
      let hit = options.find((o) => name(o).startsWith(typed));
      if (!hit) { typed = ev.key.toLowerCase(); hit = options.find((o) => name(o).startsWith(typed)); }
      if (!hit) return;
      hit.dispatchEvent(new MouseEvent('mousedown', {bubbles: true}));
      // Gradio drops the focus after a pick; keep it here (list closed) like a native select.
      setTimeout(() => {
        input.focus();
        input.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true}));
      }, 0);
    };
    setTimeout(pick, 30);
    ev.preventDefault();
    ev.stopImmediatePropagation();  // Gradio would filter the list by the shown label instead
  }, true);
}
"""


def page_js() -> str:
    """The page-load script with the translated Gradio messages of every language."""
    texts = {code: {"queue_full": t.queue_full, "busy_title": t.busy_title} for code, t in CATALOGUES.items()}
    return _PAGE_JS.replace("TEXTS", json.dumps(texts, ensure_ascii=False))


def _voter() -> str:
    return """
  let voter = '';
  try {
    voter = localStorage.getItem('nf-voter') || '';
    if (!voter) {
      voter = (crypto.randomUUID ? crypto.randomUUID()
        : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join(''));
      localStorage.setItem('nf-voter', voter);
    }
  } catch (e) { voter = ''; }
"""


# js_on_load of the results: a vote button click becomes a "click" event carrying {rank, vote,
# voter}; the server looks the pledge up itself (never trusts the page).
RESULTS_JS = """
element.addEventListener('click', (ev) => {
  const button = ev.target.closest('button[data-nf-vote]');
  if (!button || !element.contains(button)) return;
  const group = button.closest('.nf-feedback');
  if (group) group.querySelectorAll('button[data-nf-vote]').forEach(
    (b) => b.setAttribute('aria-pressed', b === button ? 'true' : 'false'));
""" + _voter() + """
  document.documentElement.dataset.nfVoteRank = button.dataset.nfRank;  // where the thanks go
  trigger('click', {rank: Number(button.dataset.nfRank), vote: button.dataset.nfVote, voter: voter});
});
"""

# After a vote: the server's note (thanks, changed, failed) beside the buttons voted on, where
# the eye is; only when that card is gone does the note show at the foot of the screen.
FEEDBACK_JS = """
(note) => {
  const rank = document.documentElement.dataset.nfVoteRank;
  const slot = document.querySelector('#nf-treffer-' + rank + ' .nf-feedback-antwort');
  const toast = document.getElementById('nf-rueckmeldung');
  const box = document.createElement('div');
  box.innerHTML = note || '';
  const said = box.querySelector('.nf-notiz');
  if (!slot) { if (toast) toast.classList.add('nf-sichtbar'); return []; }
  if (toast) toast.classList.remove('nf-sichtbar');
  slot.textContent = said ? said.textContent : '';
  slot.classList.toggle('nf-warnung-text', !!said && said.classList.contains('nf-warnung'));
  return [];
}
"""

# js_on_load of the results too: a similar question or "search all chapters" (data-nf-ask)
# becomes a "submit" event carrying {question}; the server asks it in all chapters.
ASK_NEXT_JS = """
element.addEventListener('click', (ev) => {
  const button = ev.target.closest('button[data-nf-ask]');
  if (!button || !element.contains(button)) return;
  trigger('submit', {question: button.dataset.nfAsk});
});
"""

# js_on_load of the doorstep answer: the copy button copies the visible sentences.
COPY_JS = """
element.addEventListener('click', async (ev) => {
  const button = ev.target.closest('button[data-nf-copy]');
  if (!button || !element.contains(button)) return;
  const source = element.querySelector('[data-nf-copy-source]');
  const done = element.querySelector('.nf-kopiert');
  if (!source) return;
  const text = source.innerText.trim();
  let ok = false;
  try { await navigator.clipboard.writeText(text); ok = true; } catch (e) {
    const area = document.createElement('textarea');
    area.value = text; area.setAttribute('readonly', ''); area.style.position = 'fixed'; area.style.opacity = '0';
    document.body.appendChild(area); area.select();
    try { ok = document.execCommand('copy'); } catch (e2) { ok = false; }
    area.remove();
  }
  if (done) done.textContent = ok ? button.dataset.nfDone : button.dataset.nfFailed;
});
"""

# js_on_load of the correction notice: "search as typed" becomes a click event.
ORIGINAL_JS = """
element.addEventListener('click', (ev) => {
  const button = ev.target.closest('button[data-nf-original]');
  if (button && element.contains(button)) trigger('click', {});
});
"""

# js_on_load of status lines: a polite live region, so screen readers hear the outcome.
STATUS_JS = "element.setAttribute('role', 'status'); element.setAttribute('aria-live', 'polite');"

_SET_LANGUAGE = """
  document.documentElement.lang = lang || 'de';
  document.documentElement.dir = lang === 'ar' ? 'rtl' : 'ltr';
"""

# The switch: the page language, kept for reloads (the address) and later visits (localStorage).
LANGUAGE_JS = "(lang) => {" + _SET_LANGUAGE + """
  try {
    localStorage.setItem('nf-lang', lang);
    const url = new URL(window.location.href);
    url.searchParams.set('lang', lang);
    window.history.replaceState(null, '', url);
  } catch (e) { /* the page works without it */ }
  return [];
}"""

# After an answer: the share link into the address bar (no reload), the page language, and
# on a small screen the answer scrolled into view (it starts below the fold there).
AFTER_ANSWER_JS = """
(question, chapter, lang) => {
  document.documentElement.dataset.nfLoaded = '1';  // for tests: the page's load event has come back
""" + _SET_LANGUAGE + """
  try {
    const url = new URL(window.location.href);
    if (question && question.trim()) {
      url.searchParams.delete('p');
      url.searchParams.set('q', question.trim());
      if (chapter) url.searchParams.set('kapitel', chapter); else url.searchParams.delete('kapitel');
    }
    if (lang && (lang !== 'de' || url.searchParams.has('lang') || url.searchParams.has('q'))) {
      url.searchParams.set('lang', lang);  // a reload keeps the page's language
    }
    window.history.replaceState(null, '', url);
  } catch (e) { /* the page works without it */ }
  const pledge = document.querySelector('#nf-thema li.nf-fokus:not([data-nf-shown])');
  if (pledge) {  // a permalink: show its pledge once the topic tab is on screen
    let tries = 0;
    const reveal = () => {  // a busy machine may take seconds to show the tab
      if (pledge.offsetParent === null && tries++ < 150) { setTimeout(reveal, 100); return; }
      pledge.dataset.nfShown = '1';
      pledge.scrollIntoView({block: 'start'});
      // the page may still grow above it (the opened source view, fonts): once more when settled
      setTimeout(() => pledge.scrollIntoView({block: 'start'}), 400);
    };
    reveal();
    return [];
  }
  setTimeout(() => {
    const area = document.querySelector('#nf-korrektur:not(:empty), #nf-status');
    const box = document.querySelector('#nf-antwort');
    if (!area || !box || box.offsetParent === null) return;
    const top = area.getBoundingClientRect().top;
    if (top > window.innerHeight * 0.6 || top < 0) area.scrollIntoView({behavior: 'smooth', block: 'start'});
  }, 60);
  return [];
}
"""

# After a take-away button: {name, mime, text, print} → a download, or the browser's print
# dialog over a print view in a hidden frame (no pop-up to block).
TAKEAWAY_JS = """
(payload) => {
  if (!payload) return [];
  const item = JSON.parse(payload);
  if (item.print) {
    const old = document.getElementById('nf-druckrahmen');
    if (old) old.remove();
    const frame = document.createElement('iframe');
    frame.id = 'nf-druckrahmen';
    frame.title = item.name;
    frame.style.cssText = 'position:fixed;right:0;bottom:0;width:0;height:0;border:0';
    frame.onload = () => { frame.contentWindow.focus(); frame.contentWindow.print(); };
    frame.srcdoc = item.text;
    document.body.appendChild(frame);
    return [];
  }
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([item.text], {type: item.mime + ';charset=utf-8'}));
  link.download = item.name;
  document.body.appendChild(link);
  link.click();
  setTimeout(() => { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  return [];
}
"""
