"""The question bank: its checks, its place in the index (embedded, hashed, stale when edited)
and what the pipeline makes of it (twins masked, votes per passage, reasons, similar questions)."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from fakes import FakeEmbedder
from index.sources.bank import BankEntry, bank_path, load_bank, parse_bank, problems
from index.storage.config import IndexConfig
from index.storage.freshness import StaleIndexError, check_fresh
from index.storage.store import build_index
from qa.bank import BankEvidence, BankNeighbour, BankView, similar_questions
from qa.pipeline import QA, QAConfig
from qa.rank import FusionConfig

IDS = {"wahlprogramm-2025:2911", "wahlprogramm-2025:3055"}


def _entry(i: int, question: str, passages=("wahlprogramm-2025:2911",), **kw) -> BankEntry:
    return BankEntry(f"qb-{i:05d}", question, kw.pop("lang", "de"), kw.pop("voice", "citizen"), tuple(passages), **kw)


def test_problems_names_each_kind_of_mistake() -> None:
    entries = [
        _entry(1, "Wird das Busticket billiger?"),
        _entry(1, "Wird das Busticket billiger ?"),                          # same id, same text
        _entry(3, "Flughafen?", ("wahlprogramm-2025:9999",)),                # unknown passage
        _entry(4, "Is it raining?", (), lang="en", voice="other_language", miss="chitchat", note="x"),
        _entry(5, "Wetter morgen?", (), miss="", note=""),                   # no kind, no note
        _entry(6, "Hallo", (), lang="xx", voice="shouting", miss="keyword", note="x"),
    ]
    found = "\n".join(problems(entries, IDS))
    for expected in ("duplicate id", "same question as qb-00001", "9999 is no passage",
                     "non-German unanswerable question has miss other_language", "needs a miss kind",
                     "needs a note", "unknown lang", "unknown voice", "needs a topic"):
        assert expected in found, expected


def test_problems_flags_an_opening_used_too_often() -> None:
    entries = [_entry(i, f"Was plant ihr zu Thema {i}?") for i in range(1, 121)]
    assert any("opening 'was plant ihr'" in p for p in problems(entries, IDS))
    varied = [_entry(i, f"Frage{i} zu Thema {i}?") for i in range(1, 121)]
    assert not problems(varied, IDS)


def test_parse_bank_names_the_bad_line() -> None:
    good = json.dumps({"id": "qb-00001", "question": "Radwege", "lang": "de", "voice": "canvasser",
                       "passages": ["wahlprogramm-2025:2911"]})
    with pytest.raises(ValueError, match="line 2"):
        parse_bank([good, "{not json"])


def test_the_shipped_bank_and_labels_pass_the_check() -> None:
    from eval.check import main

    assert main([str(bank_path(Path(__file__).resolve().parent.parent / "corpus"))]) == 0
    assert main([]) == 0  # `python -m eval.check`: the eval labels and the bank, as CI runs it


def test_the_shipped_bank_meets_its_sizes(corpus_dir: Path) -> None:
    bank = load_bank(corpus_dir)
    answerable = [e for e in bank if e.answerable]
    unanswerable = [e for e in bank if not e.answerable]
    assert len(answerable) >= 3000 and len(unanswerable) >= 800
    assert sum(e.lang != "de" for e in answerable) >= 0.15 * len(answerable)
    kinds = {k: sum(e.miss == k for e in unanswerable) for k in
             ("near_miss", "federal_state", "other_city", "people_party", "chitchat", "other_language", "keyword")}
    minimum = {"near_miss": 300, "federal_state": 150, "other_city": 60, "people_party": 60, "chitchat": 80,
               "other_language": 100, "keyword": 50}
    assert all(kinds[k] >= n for k, n in minimum.items()), kinds


def test_every_pledge_is_asked_in_two_voices(fake_index) -> None:
    voices: dict[str, set[str]] = {}
    for e in fake_index.bank:
        for pid in e.passages:
            voices.setdefault(pid, set()).add(e.voice)
    pledges = [p.id for p in fake_index.pledges if p.kind == "pledge"]
    thin = [pid for pid in pledges if len(voices.get(pid, ())) < 2]
    assert len(thin) <= 0.01 * len(pledges), thin[:20]


def _small_corpus(tmp_path: Path, corpus_dir: Path, bank_lines: list[dict]) -> Path:
    dest = tmp_path / "corpus"
    dest.mkdir()
    for name in ("wahlprogramm-2025.txt", "antrag-gleichberechtigung-und-engagement.md", "sections.tsv"):
        (dest / name).write_bytes((corpus_dir / name).read_bytes())
    (dest / "question-bank.jsonl").write_text("".join(json.dumps(b, ensure_ascii=False) + "\n" for b in bank_lines),
                                              encoding="utf-8")
    (dest / "question-bank.md").write_text("# editorial\n", encoding="utf-8")  # never parsed as a motion
    return dest


BANK = [
    {"id": "qb-00001", "question": "Wird das Sozialticket billiger?", "lang": "de", "voice": "citizen",
     "passages": ["wahlprogramm-2025:3149"], "from": "wahlprogramm-2025:3149"},
    {"id": "qb-00002", "question": "sozialticket preis", "lang": "de", "voice": "canvasser",
     "passages": ["wahlprogramm-2025:3149"], "from": "wahlprogramm-2025:3149"},
    {"id": "qb-00003", "question": "Wer ist euer OB-Kandidat?", "lang": "de", "voice": "citizen", "passages": [],
     "miss": "people_party", "note": "stems searched: kandidat, oberbürgermeister"},
    {"id": "qb-00004", "question": "Wie viele Sitze habt ihr im Rat?", "lang": "de", "voice": "citizen",
     "passages": [], "miss": "people_party", "note": "stems searched: sitz, mandat"},
    {"id": "qb-00005", "question": "Wer führt eure Liste an?", "lang": "de", "voice": "citizen", "passages": [],
     "miss": "people_party", "note": "stems searched: liste, spitzenkandidat"},
]


@pytest.fixture()
def small(tmp_path: Path, corpus_dir: Path):
    corpus = _small_corpus(tmp_path, corpus_dir, BANK)
    emb = FakeEmbedder()
    loaded = build_index(corpus, tmp_path / "index", emb, IndexConfig(model="fake"))
    return corpus, loaded


def test_the_index_embeds_the_bank_and_an_edited_bank_is_stale(small) -> None:
    corpus, loaded = small
    assert len(loaded.bank) == 5 and loaded.bank_dense.ntotal == 5
    assert loaded.manifest["bank"]["answerable"] == 2 and loaded.manifest["bank"]["unanswerable"] == 3
    assert not any(p.citations[0].source == "question-bank" for p in loaded.pledges)
    check_fresh(loaded.manifest, corpus, loaded.model_id, IndexConfig(model="fake"))
    with open(corpus / "question-bank.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps({**BANK[0], "id": "qb-00006", "question": "Sozialticket 29 Euro?"}) + "\n")
    with pytest.raises(StaleIndexError, match="question bank"):
        check_fresh(loaded.manifest, corpus, loaded.model_id, IndexConfig(model="fake"))


def test_twins_are_masked_when_the_config_says_so(small) -> None:
    _, loaded = small
    plain = QA(loaded, FakeEmbedder())
    masked = QA(loaded, FakeEmbedder(), QAConfig(twin_threshold=0.9))
    asked = "Wird das Sozialticket billiger?"
    assert plain.search(asked, 5).bank.answerable[0].entry.id == "qb-00001"
    assert plain.search(asked, 5).bank.answerable_top == pytest.approx(1.0, abs=1e-4)
    twinless = masked.search(asked, 5).bank
    assert all(n.entry.id != "qb-00001" for n in twinless.answerable)


def test_bank_votes_lift_the_passages_their_questions_point_to(small) -> None:
    _, loaded = small
    view = BankView(loaded)
    row = next(i for i, p in enumerate(loaded.pledges) if p.id == "wahlprogramm-2025:3149")
    sims = view.similarities(FakeEmbedder().encode_queries(["Wird das Sozialticket billiger?"])[0])
    votes = view.passage_votes(sims)
    assert votes is not None and int(np.argmax(votes)) == row
    qa = QA(loaded, FakeEmbedder(), QAConfig(fusion=FusionConfig(w_lexical=0.0, w_bank=3.0)))
    assert qa.search("Wird das Sozialticket billiger?", 3).hits[0].pledge.id == "wahlprogramm-2025:3149"


def test_reason_needs_agreeing_unanswerable_neighbours() -> None:
    def n(i: int, sim: float, **kw) -> BankNeighbour:
        return BankNeighbour(_entry(i, f"q{i}", (), note="x", **kw), sim)

    people = tuple(n(i, 0.8 - i / 100, miss="people_party") for i in range(3))
    ev = BankEvidence(0.5, 0.8, 0.1, (), (), people + (n(9, 0.7, miss="near_miss"),))
    assert ev.reason() == "people_party"
    split = BankEvidence(0.5, 0.8, 0.1, (), (), (people[0], n(5, 0.79, miss="chitchat"), n(6, 0.78, miss="near_miss")))
    assert split.reason() == ""
    closer_answer = replace(ev, answerable=(BankNeighbour(_entry(7, "a"), 0.9),))
    assert closer_answer.reason() == ""
    foreign = BankEvidence(0.5, 0.8, 0.1, (), (), tuple(
        n(i, 0.8, lang="tr", voice="other_language", miss="other_language", topic="federal_state") for i in range(3)))
    assert foreign.reason() == "federal_state"


def test_similar_questions_skip_the_asked_text_and_repeats() -> None:
    asked = "Wird das Busticket billiger?"
    near = tuple(BankNeighbour(_entry(i, q), 0.9 - i / 10) for i, q in
                 enumerate([asked, "Busticket günstiger?", "busticket günstiger", "Sozialticket?"]))
    ev = BankEvidence(0.9, 0.2, 1.0, (), near, ())
    assert [n.entry.question for n in similar_questions(ev, "wird das busticket billiger")] == \
        ["Busticket günstiger?", "Sozialticket?"]
