"""The pieces behind the web app (app.py), each pure where it can be.

    texts.py     German UI text, example questions, source display names
    wording.py   citations and the doorstep answer in people's words (plain text)
    render.py    answer → HTML (cards, no-answer view, doorstep answer, errors); escapes everything
    source.py    source view: numbered lines around a citation, cited lines highlighted
    export.py    Markdown and printable HTML of an answer; writes the download files
    share.py     share links (?q=…&kapitel=…) and reading them back
    payload.py   answer → JSON for the /ask API endpoint
    feedback.py  helpful / not helpful votes in SQLite (WAL), export for labelling
    style.py     CSS, theme and the small page scripts
"""
