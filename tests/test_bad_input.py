"""Bad input never crashes anything: property-based tests (hypothesis) on the parser, the
question path and the batch contract, and the real batch CLI on a 10 000-line file.

Inputs: random Unicode (all categories, lone surrogates included), control characters,
right-to-left text and direction marks, emoji sequences, bullets and page-break lines, huge
strings; for the batch: malformed JSON, wrong types, missing fields, arrays, nulls, non-UTF-8
bytes. Each test named after a failure it found (docs/reliability.md) keeps that fix in place.
"""
from __future__ import annotations

import gc
import json
import random
import subprocess
import sys
import time
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from fakes import FakeEmbedder
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from index.storage.config import IndexConfig
from index.sources.parse import parse_motion, parse_programme
from index.sources.pledge import Pledge
from index.storage.store import LoadedIndex, build_index
from qa.batch import answer_to_json, run_batch
from qa.pipeline import QA
from qa.validate import Limits, QuestionError, clean_question

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent

# Modest example counts and no example database in the repository: the file runs in well under a minute.
FAST = settings(max_examples=150, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SLOWER = settings(FAST, max_examples=60)

# ------------------------------------------------------------------------ strategies

ANY_CHAR = st.characters(blacklist_categories=())  # every code point, lone surrogates included
SURROGATE = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
CONTROL = st.sampled_from([chr(c) for c in (*range(0, 32), *range(0x7F, 0xA0))])
NASTY = [
    "●", "•", "● ", " ● ", "•\t", "Dafür werden wir", "wir werden:", "Kreislaufwirt-", "schaft", "E-", "und ",
    ".", "!", "?", "…", "„", "“", "»", ")", "12", "١٢٣", "\t", "\x00", "\x1b[31m", "\x7f", "\x85", "\u2028",
    "\u2029", "\x0c", "\x0b", "\r", "\u200e", "\u200f", "\u202e", "\u2066", "\ufeff", "\ufffd", "\u0301",
    "مرحبا بكم في دورتموند", "האם תסגרו את שדה התעופה?", "🌍", "👩‍👩‍👧", "🏳️‍🌈", "🇩🇪", "Ｆｕｌｌｗｉｄｔｈ",
    "Zeile", "Flughafen", "## 5 Überschrift", "## Text", "Titel:", "**", "\\-", "- 7 • ", "ß", "İ", "ﬁ",
]
FRAGMENT = st.one_of(st.sampled_from(NASTY), st.text(ANY_CHAR, max_size=12), SURROGATE, CONTROL)
LINE = st.lists(FRAGMENT, max_size=8).map("".join)
# At most 40 short lines per example keeps hypothesis fast; long inputs have their own tests below.
TEXT = st.lists(LINE, max_size=40).map("\n".join)


def _assert_basic(pledges: list[Pledge], source: str) -> None:
    for p in pledges:
        assert p.kind in ("pledge", "text")
        assert p.text and p.text == p.text.strip(), p
        assert len(p.citations) == 1 and p.citations[0].source == source
        c = p.citations[0]
        assert c.start_line <= c.end_line
        assert p.id == f"{source}:{c.start_line}"
        p.sentence  # noqa: B018 -- must not raise


def _assert_disjoint(pledges: list[Pledge]) -> None:
    """ids unique and no line in two passages."""
    assert len({p.id for p in pledges}) == len(pledges)
    spans = sorted((p.primary.start_line, p.primary.end_line) for p in pledges)
    for (_, end), (start, _) in zip(spans, spans[1:]):
        assert start > end, spans


def _compact(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace() and ch != "-")


def _is_subsequence(needle: str, haystack: str) -> bool:
    it = iter(haystack)
    return all(ch in it for ch in needle)


# ---------------------------------------------------------------------------- parser

@FAST
@given(TEXT)
@example("● Wir werden\n 12\n● den Flughafen schließen.\n\n34\n" + "x" * 10 + "-\nschaft.")
@example("\n".join(["Dafür werden wir", "● eins", "• zwei.", " ● drei", "", "7", "Fließtext ohne Ende"]))
def test_parse_programme_never_crashes_and_keeps_invariants(text: str) -> None:
    pledges = parse_programme(text, "src")
    n_lines = len(text.split("\n"))
    _assert_basic(pledges, "src")
    _assert_disjoint(pledges)
    lines = text.split("\n")
    for p in pledges:
        c = p.primary
        assert 1 <= c.start_line <= c.end_line <= n_lines
        # the passage's words come from its cited lines, in order (bullets, hyphens, spaces aside)
        cited = _compact("".join(lines[c.start_line - 1 : c.end_line]))
        assert _is_subsequence(_compact(p.text), cited), (p, lines[c.start_line - 1 : c.end_line])


@FAST
@given(st.booleans(), TEXT)
def test_parse_motion_never_crashes_on_any_text(with_text_heading: bool, text: str) -> None:
    pledges = parse_motion(("## Text\n" if with_text_heading else "") + text, "antrag")
    _assert_basic(pledges, "antrag")


CONTENT = st.lists(st.one_of(st.sampled_from(NASTY), st.text(ANY_CHAR, max_size=15)), max_size=6) \
    .map("".join).map(lambda s: s.replace("\n", " "))


@st.composite
def motions(draw: st.DrawFn) -> tuple[str, set[int]]:
    """A motion in the corpus' markdown shape with random content and strictly increasing
    printed numbers; returns the text and the numbers a citation may name."""
    numbers = sorted(draw(st.sets(st.integers(1, 9999), max_size=30)))
    out = ["# Kapitel", "", f"**Titel:** {draw(CONTENT)}", "", "## Text", ""]
    allowed: set[int] = set()
    for number in numbers:
        form = draw(st.sampled_from(["plain", "plain", "bullet", "heading"]))
        content = draw(CONTENT)
        if form == "heading":
            out += ["", f"## {number} Abschnitt {content}", ""]
            continue
        out.append(f"- {number} • {content}" if form == "bullet" else f"{number} {content}")
        allowed.add(number)
        if draw(st.booleans()):
            out.append("")
    if draw(st.booleans()):  # the corpus' last bullet has no printed number: previous + 1
        out.append(f"- • Schluss {draw(CONTENT)}")
        allowed.add((numbers[-1] if numbers else 0) + 1)
    return "\n".join(out), allowed


@FAST
@given(motions())
def test_parse_motion_keeps_invariants_on_well_numbered_motions(motion: tuple[str, set[int]]) -> None:
    text, allowed = motion
    pledges = parse_motion(text, "antrag")
    _assert_basic(pledges, "antrag")
    _assert_disjoint(pledges)
    for p in pledges:
        assert {p.primary.start_line, p.primary.end_line} <= allowed


@pytest.mark.parametrize("line", [
    "x" * 300_000,
    "● " + "Radweg " * 50_000 + ".",
    "🌍" * 100_000,
    "مرحبا " * 40_000,
    "\x00\x1b\x7f" * 50_000,
    " ● " + "\u202e" * 100_000,
])
def test_parser_handles_huge_lines(line: str) -> None:
    text = f"Einleitung.\n{line}\n● Wir werden den Flughafen schließen.\n"
    pledges = parse_programme(text, "src")
    motion = parse_motion(f"## Text\n1 {line}\n2 Ende.\n", "antrag")
    _assert_basic(pledges, "src")
    _assert_disjoint(pledges)
    assert pledges[-1].text == "Wir werden den Flughafen schließen." and pledges[-1].primary.start_line == 3
    _assert_basic(motion, "antrag")


def _best_seconds(work, repeat: int = 5) -> float:
    """The fastest of a few runs (garbage collection paused): the least disturbed by other
    work on the machine."""
    times = []
    gc.collect()
    gc.disable()
    try:
        for _ in range(repeat):
            started = time.perf_counter()
            work()
            times.append(time.perf_counter() - started)
    finally:
        gc.enable()
    return min(times)


def _growth(make_text, n: int) -> float:
    """Parsing time for size 4n over size n: ~4 when linear, ~16 quadratic, ~64 cubic (4×, not
    2×, so the gap between linear and quadratic is wide enough for a loaded machine)."""
    small, large = make_text(n), make_text(4 * n)
    _best_seconds(lambda: parse_programme(small, "src"), 1)  # warm up
    return _best_seconds(lambda: parse_programme(large, "src")) / _best_seconds(lambda: parse_programme(small, "src"))


def test_parser_is_linear_in_a_long_unterminated_paragraph() -> None:
    """Was cubic (is_terminated on the re-joined block for every line; 1000 lines took 160 s):
    4× the paragraph must not take much more than 4× the time (a ratio, not a clock)."""
    ratio = _growth(lambda n: "\n".join("ein Satz ohne Punkt am Ende der Zeile" for _ in range(n)), 1600)
    assert ratio < 9, f"4× the lines took {ratio:.1f}× the time"


def test_parser_is_linear_in_a_huge_line() -> None:
    ratio = _growth(lambda n: "Einleitung.\n● " + "Radweg " * n + ".\n● Ende.\n", 80_000)
    assert ratio < 9, f"4× the line took {ratio:.1f}× the time"


# -------------------------------------------------------------------- question path

HUGE = st.builds(lambda unit, extra: unit * (100_001 // len(unit) + 1) + extra,
                 st.text(ANY_CHAR, min_size=1, max_size=4), st.text(ANY_CHAR, max_size=4))
QUESTION_TEXT = st.one_of(
    st.text(ANY_CHAR, max_size=200),
    st.lists(FRAGMENT, max_size=40).map("".join),
    st.lists(st.one_of(SURROGATE, st.sampled_from(["Flughafen", " ", "schließen", "?"])), max_size=20).map("".join),
    HUGE,
)
NOT_TEXT = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.binary(max_size=20),
                     st.lists(st.text(max_size=5), max_size=3), st.dictionaries(st.text(max_size=5), st.integers()))

EXPLICIT = [
    "", " \t\n ", "\x00Flughafen", "Flug\x00hafen?", "\ud800", "\udfff Flughafen \ud800", "?!…—", "🌍🌍🌍",
    "\u202eنلغي المطار؟", "האם תסגרו את שדה התעופה?", "Flughafen" + "\u0301" * 5000, "\ufffd" * 50 + "Flughafen",
    "x" * 1000, "x" * 1001, "Flughafen " * 200_000, "\x1b[2J\x1b[HFlughafen", "Radwege\r\nund\rBusse",
]


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_clean(question: object) -> None:
    """clean_question returns clean text or raises QuestionError with a short, printable message."""
    limits = Limits()
    try:
        text = clean_question(question, limits)
    except QuestionError as exc:
        message = str(exc)
        assert message and _encodable(message) and len(message) < 200
        return
    assert isinstance(question, str)
    assert text and len(text) <= limits.max_chars and _encodable(text)
    assert text == " ".join(text.split())
    assert not any(unicodedata.category(ch) == "Cc" for ch in text)
    assert any(ch.isalnum() for ch in text)
    assert unicodedata.is_normalized("NFC", text)
    assert clean_question(text, limits) == text  # idempotent


@FAST
@given(st.one_of(QUESTION_TEXT, NOT_TEXT))
def test_clean_question_returns_clean_text_or_a_clear_error(question: object) -> None:
    _check_clean(question)


@pytest.mark.parametrize("question", EXPLICIT, ids=range(len(EXPLICIT)))
def test_clean_question_explicit_cases(question: str) -> None:
    _check_clean(question)


@pytest.fixture(scope="module")
def qa(fake_index: LoadedIndex) -> QA:
    """One fake pipeline shared by the examples of a property (the QA holds no per-call state)."""
    return QA(fake_index, FakeEmbedder())


def _check_answer(qa: QA, question: object, top_k: int, chapter: str | None) -> None:
    answer = qa.ask(question, top_k=top_k, chapter=chapter)
    if answer.error:
        assert answer.hits == () and answer.abstained and answer.text == ""
        assert _encodable(answer.error) and len(answer.error) < 200
    else:
        assert 1 <= len(answer.hits) <= max(1, top_k)
        assert answer.abstained or answer.text
        assert _encodable(answer.question) and _encodable(answer.text)
        if chapter:
            assert all(h.pledge.chapter == chapter for h in answer.hits)
    json.dumps(answer_to_json("q", answer), ensure_ascii=False).encode("utf-8")


@FAST
@given(question=st.one_of(QUESTION_TEXT, NOT_TEXT), top_k=st.integers(-3, 40), data=st.data())
def test_ask_never_raises_and_answers_or_explains(qa: QA, question: object, top_k: int, data: st.DataObject) -> None:
    chapter = data.draw(st.one_of(st.none(), st.just(""), st.sampled_from(qa.chapters)), label="chapter")
    _check_answer(qa, question, top_k, chapter)


@pytest.mark.parametrize("question", EXPLICIT, ids=range(len(EXPLICIT)))
def test_ask_explicit_cases(qa: QA, question: str) -> None:
    _check_answer(qa, question, 5, None)


def test_refused_question_is_not_echoed_unencodable(qa: QA) -> None:
    """A refused question is echoed without lone surrogates and cut to the limit (was echoed raw and whole)."""
    refused = qa.ask("\ud800" + "x" * 2000)
    assert refused.error and _encodable(refused.question) and len(refused.question) <= 1000
    assert qa.ask("x" * 100_000).question == "x" * 1000


def test_unknown_chapter_gets_a_clear_error(qa: QA) -> None:
    """A chapter that does not exist (python -m qa --chapter Typo) is an error, not an empty non-answer."""
    answer = qa.ask("Flughafen schließen", chapter="Kein Kapitel")
    assert answer.error and "Kein Kapitel" in answer.error and not answer.hits


# ------------------------------------------------------------------------ batch: run_batch

GOOD_QUESTIONS = ["Wollt ihr den Flughafen schließen?", "Radwege", "Ehrenamtsfonds aufstocken", "Havalimanı?",
                  "ما هي خطتكم للنقل العام؟", "🚲 Fahrradstraßen?", "Wohnungen\tbezahlbar", "Flug\u200fhafen",
                  "\ud800Frauenhaus\udfff"]
BAD_QUESTIONS: list[object] = ["", "   ", "\x00binär", "?!?", "🌍", "x" * 1001, None, 12, 1.5, True, [], {},
                               ["Flughafen"], {"q": "Flughafen"}]
BLANK = [b"", b"   ", b"\t", b" \t "]
TEXTISH = st.text(ANY_CHAR, max_size=30)
NOT_STR = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))
EXTRA = st.dictionaries(st.text(max_size=8).filter(lambda k: k not in ("id", "question")),
                        st.one_of(TEXTISH, NOT_STR), max_size=3)


def _dump(obj: Any, ascii_only: bool) -> bytes:
    if not ascii_only:
        text = json.dumps(obj, ensure_ascii=False)
        if _encodable(text):
            return text.encode("utf-8")
    return json.dumps(obj).encode("ascii")


@st.composite
def batch_line(draw: st.DrawFn) -> tuple[bytes, tuple]:
    """One input line and what the contract says must come out for it:
    ("answer", id) / ("refused", id) / ("either", id) / ("bad",) / ("blank",)."""
    kind = draw(st.sampled_from(["good", "good", "bad_question", "random_question", "id_type", "missing",
                                 "not_object", "malformed", "not_utf8", "blank"]))
    ascii_only = draw(st.booleans())
    qid = draw(TEXTISH)
    if kind == "good":
        obj = {"id": qid, "question": draw(st.sampled_from(GOOD_QUESTIONS)), **draw(EXTRA)}
        return _dump(obj, ascii_only), ("answer", qid)
    if kind == "bad_question":
        obj = {**draw(EXTRA), "question": draw(st.sampled_from(BAD_QUESTIONS)), "id": qid}
        return _dump(obj, ascii_only), ("refused", qid)
    if kind == "random_question":
        obj = {"id": qid, "question": draw(st.one_of(QUESTION_TEXT.filter(lambda s: len(s) < 5000), NOT_STR))}
        return _dump(obj, ascii_only), ("either", qid)
    if kind == "id_type":
        obj = {"id": draw(NOT_STR), "question": draw(st.sampled_from(GOOD_QUESTIONS))}
        return _dump(obj, ascii_only), ("bad",)
    if kind == "missing":
        obj = draw(st.sampled_from([{}, {"id": qid}, {"question": "Flughafen"}, {"ID": qid, "Question": "x"}]))
        return _dump({**obj, **draw(EXTRA)}, ascii_only), ("bad",)
    if kind == "not_object":
        value = draw(st.one_of(st.lists(st.one_of(TEXTISH, st.integers()), max_size=3), st.none(), st.integers(),
                               TEXTISH, st.booleans(), st.just([{"id": "a", "question": "Flughafen"}])))
        return _dump(value, ascii_only), ("bad",)
    if kind == "malformed":
        text = draw(st.one_of(
            st.sampled_from(['{"id": "a", "question": }', "{'id': 'a'}", '{"id": "a"', "}", "[", "nul", "{}}",
                             '{"id": "a", "question": "x"} trailing', '"unterminated', "\x00", "NaN x"]),
            st.text(ANY_CHAR, min_size=1, max_size=40).map(lambda s: "{" + s),
        ).filter(lambda s: "\n" not in s and "\r" not in s and s.strip()))
        return text.encode("utf-8", "surrogatepass"), ("bad",)
    if kind == "not_utf8":
        raw = draw(st.sampled_from([b"\xff\xfe", b'{"id": "a", "question": "Fl\xfcghafen"}', b"\xc3", b"\xed\xa0\x80",
                                    b"\x80abc", "Übergröße".encode("latin-1")]))
        return raw, ("bad",)
    return draw(st.sampled_from(BLANK)), ("blank",)


def _check_batch(lines: list[bytes], expectations: list[tuple], out: list[dict], top_k: int) -> None:
    numbered = [(n, e) for n, e in enumerate(expectations, start=1) if e[0] != "blank"]
    assert len(out) == len(numbered), "exactly one output per non-blank line"
    for (number, expect), obj in zip(numbered, out):
        if expect[0] == "bad":
            assert obj["id"] is None and obj["line"] == number and obj["error"], (expect, obj)
            assert set(obj) == {"id", "line", "error"}
            continue
        assert obj["id"] == expect[1] and set(obj) >= {"id", "abstained", "answer", "hits"}
        if expect[0] == "answer" or (expect[0] == "either" and "error" not in obj):
            assert "error" not in obj and 1 <= len(obj["hits"]) <= top_k, (expect, obj)
        else:
            assert obj["error"] and obj["hits"] == [] and obj["abstained"] is True and obj["answer"] == ""


@SLOWER
@given(st.lists(batch_line(), max_size=25), st.integers(1, 8))
def test_run_batch_one_output_per_line_in_order(qa: QA, items: list[tuple[bytes, tuple]], top_k: int) -> None:
    raw = b"".join(line + b"\n" for line, _ in items)
    lines = raw.splitlines()  # as the CLI splits the file
    assert len(lines) == len(items)
    out = list(run_batch(lines, qa.ask, top_k))
    _check_batch(lines, [e for _, e in items], out, top_k)
    json.dumps(out)  # ASCII JSON always works


def test_deeply_nested_json_line_is_one_error(qa: QA) -> None:
    """One line of 100 000 nested brackets is one error line (RecursionError used to end the whole batch)."""
    out = list(run_batch([b"[" * 100_000 + b"]" * 100_000, b'{"id": "a", "question": "Flughafen"}'], qa.ask, 3))
    assert out[0]["id"] is None and out[0]["line"] == 1 and out[0]["error"]
    assert out[1]["id"] == "a" and out[1]["hits"]


# ------------------------------------------------------------------- batch: the real CLI

@pytest.fixture(scope="module")
def cli_data_dir(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Path:
    """A data dir holding a fake-embedder index, so tests/fake_qa_cli.py starts at once."""
    data = tmp_path_factory.mktemp("cli-data")
    build_index(corpus_dir, data / "index", FakeEmbedder(), IndexConfig(model="fake"))
    return data


def run_cli(batch: Path, data_dir: Path, top_k: int = 5, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(HERE / "fake_qa_cli.py"), "--batch", str(batch), "--top-k", str(top_k),
         "--data-dir", str(data_dir), "--corpus", str(ROOT / "corpus")],
        cwd=ROOT, capture_output=True, timeout=timeout,
    )


def _eval_questions() -> list[str]:
    out = []
    for name in ("dev.jsonl", "test.jsonl"):
        for line in (ROOT / "eval" / "questions" / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append(json.loads(line)["question"])
    return out


def ten_thousand_lines(seed: int = 2025) -> tuple[list[bytes], list[tuple]]:
    """10 000 lines: about half real questions, the rest every kind of bad line."""
    rnd = random.Random(seed)
    questions = _eval_questions()
    lines: list[bytes] = []
    expect: list[tuple] = []
    for i in range(10_000):
        roll = rnd.random()
        qid = f"q{i}"
        if roll < 0.5:
            obj = {"id": qid, "question": rnd.choice(questions), "style": "x", "relevant": [{"line": 1}]}
            lines.append(json.dumps(obj, ensure_ascii=rnd.random() < 0.5).encode("utf-8"))
            expect.append(("answer", qid))
        elif roll < 0.6:
            obj = {"id": qid, "question": rnd.choice(BAD_QUESTIONS + ["x" * 100_000, "\ud800"])}
            lines.append(json.dumps(obj).encode("ascii"))
            expect.append(("refused", qid))
        elif roll < 0.7:
            bad: object = rnd.choice([{"id": i, "question": "Flughafen"}, {"id": None, "question": "x"},
                                      {"question": "ohne id"}, {"id": qid}, [qid, "Flughafen"], None, 42, "text",
                                      {"id": ["a"], "question": "x"}, {}])
            lines.append(json.dumps(bad).encode("utf-8"))
            expect.append(("bad",))
        elif roll < 0.8:
            good = json.dumps({"id": qid, "question": "Flughafen"})
            lines.append(rnd.choice([good[:-1], good[1:], good + "}", "{" + qid, "nicht json", '{"id": "a",}',
                                     good.replace('"', "'")]).encode("utf-8"))
            expect.append(("bad",))
        elif roll < 0.9:
            lines.append(rnd.choice([b"\xff\xfe\xfd", b'{"id": "x", "question": "Gr\xfc\xdfe"}', b"\xc3(",
                                     b"\xed\xa0\x80"]))
            expect.append(("bad",))
        else:
            lines.append(rnd.choice(BLANK))
            expect.append(("blank",))
    return lines, expect


def test_cli_batch_with_10000_lines(cli_data_dir: Path, tmp_path: Path) -> None:
    lines, expect = ten_thousand_lines()
    batch = tmp_path / "questions.jsonl"
    batch.write_bytes(b"\n".join(lines) + b"\n")
    started = time.perf_counter()
    done = run_cli(batch, cli_data_dir, top_k=5)
    seconds = time.perf_counter() - started
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[-3000:]
    out = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    _check_batch(lines, expect, out, 5)
    answered = sum(1 for o in out if o["id"] is not None and "error" not in o)
    assert answered == sum(1 for e in expect if e[0] == "answer")
    print(f"10 000 lines in {seconds:.0f} s")  # bounded by run_cli's generous timeout, not asserted


def test_cli_survives_an_id_with_a_lone_surrogate(cli_data_dir: Path, tmp_path: Path) -> None:
    """An id with a lone surrogate (valid JSON) is written escaped (a strict UTF-8 stdout used to end the run)."""
    batch = tmp_path / "q.jsonl"
    batch.write_bytes(b'{"id": "a", "question": "Flughafen"}\n{"id": "\\ud800", "question": "Radwege"}\n'
                      b'{"id": "c", "question": "Ehrenamt"}\n')
    done = run_cli(batch, cli_data_dir)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[-2000:]
    out = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    assert [o["id"] for o in out] == ["a", "\ud800", "c"] and all(o["hits"] for o in out)
