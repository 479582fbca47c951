"""The pieces behind the web app (app.py lays out the page), each pure where it can be.

    config.py    AppConfig: the app's settings from flags (one frozen value)
    handlers.py  what the page's events do (ask, vote, language, topic sheet, take-aways)
    session.py   what one browser tab holds between events
    i18n/        the page's texts, one catalogue per language (de, en, tr, ar, pl, ru)
    texts.py     language-independent texts: source names, example questions
    wording.py   citations and the doorstep answer in people's words (plain text)
    render.py    answer → HTML (cards, no-answer view, doorstep answer, correction, errors)
    topics.py    "Programm nach Themen": chapters → sections → pledges, the A4 sheet
    source.py    source view: numbered lines around a citation, cited lines highlighted
    export.py    Markdown and printable HTML of an answer, file names, local time
    share.py     share links (?q=…&kapitel=…), permalinks (?p=…), short readable links
    payload.py   answer → JSON for the /ask API endpoint
    feedback.py  helpful / not helpful votes in SQLite (WAL), one per person, question and pledge
    style.py     CSS and theme; scripts.py the small page scripts
"""
