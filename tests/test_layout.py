"""The layout explains itself: one definition of each shared constant and helper, small modules."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE_DIRS = ("index", "qa", "serving", "ui", "eval")
# Files other work owns right now; their copies of the defaults go when that work lands.
PENDING: set[str] = set()


def _code() -> dict[str, str]:
    files = [ROOT / "app.py", ROOT / "nachgefragt.py", *(p for d in CODE_DIRS for p in (ROOT / d).rglob("*.py"))]
    return {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8") for p in files}


def _defining(pattern: str) -> list[str]:
    rx = re.compile(pattern, re.M)
    return sorted(name for name, text in _code().items() if rx.search(text))


def test_one_definition_each() -> None:
    assert _defining(r"^def percentile\(") == ["eval/stats.py"]
    assert _defining(r"^MAX_QUESTION_CHARS\s*=") == ["qa/validate.py"]
    assert _defining(r"^SECTION_SEPARATOR\s*=") == ["index/sources/pledge.py"]
    assert _defining(r"^def (load_questions|question_texts)\(") == ["eval/questions.py"]
    assert _defining(r"^def free_port\(") == ["eval/appserver.py"]
    assert _defining(r"^def (scan_motion|motion_line_map)\(") == ["index/sources/numbering.py"]
    assert _defining(r"^(GEMMA_MODEL|E5_MODEL|DEFAULT_MODEL)\s*=") == ["index/models/names.py"]
    assert _defining(r"^(QUESTIONS|REPORTS)\s*=") == ["eval/calibrate.py", "eval/questions.py", "eval/report.py"]
    assert _defining(r"^(SOURCE_NAMES|LINE_ABBREVIATION)(:.*)?\s*=") == ["qa/wording.py"]


def test_each_folder_is_one_job() -> None:
    """index/ holds its three jobs as sub-packages (and only its CLI and defaults beside them);
    the encoder process, batcher and answerer live together in serving/."""
    flat = sorted(p.name for p in (ROOT / "index").glob("*.py"))
    assert flat == ["__init__.py", "__main__.py", "defaults.py"]
    for job in ("sources", "models", "storage"):
        assert (ROOT / "index" / job / "__init__.py").is_file(), job
    assert (ROOT / "index" / "models" / "embeddinggemma-300m.wheels.sha256").is_file()
    assert {p.stem for p in (ROOT / "serving").glob("*.py")} >= {"encoder_process", "encoder_worker", "batcher",
                                                                 "answerer"}


def test_no_repeated_literals_of_shared_values() -> None:
    for name, text in _code().items():
        if name in PENDING or name == "index/defaults.py":
            continue
        assert 'Path("corpus")' not in text and 'Path(".nachgefragt")' not in text, name
        if name != "index/sources/pledge.py":
            assert '" › "' not in text, name


def test_tests_do_not_borrow_helpers_from_the_load_tool() -> None:
    for path in set((ROOT / "tests").glob("*.py")) - {Path(__file__)}:
        assert "from eval.load import free_port" not in path.read_text(encoding="utf-8"), path.name


def test_no_module_over_300_lines() -> None:
    long = {name: text.count("\n") for name, text in _code().items() if text.count("\n") > 300}
    assert not {n: c for n, c in long.items() if n not in PENDING}, long
