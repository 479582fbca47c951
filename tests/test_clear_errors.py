"""A missing corpus or model, or a start from another folder, ends in a clear message and
never in a traceback (python -m qa, python -m index, app.py)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import app
from index.__main__ import main as index_main
from index.defaults import DEFAULT_CORPUS, DEFAULT_DATA, ROOT, CorpusMissingError, corpus_sources
from qa.__main__ import main as qa_main


def test_defaults_do_not_depend_on_the_working_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert DEFAULT_CORPUS.is_absolute() and DEFAULT_DATA.is_absolute()
    assert [p.name for p in corpus_sources(DEFAULT_CORPUS)] == [
        "wahlprogramm-2025.txt", "antrag-gleichberechtigung-und-engagement.md"]
    assert app.parse_args([]).corpus == DEFAULT_CORPUS == ROOT / "corpus"


@pytest.mark.parametrize("make", ["missing", "empty"])
def test_missing_corpus_is_a_clear_error(tmp_path: Path, make: str) -> None:
    corpus = tmp_path / "corpus"
    if make == "empty":
        corpus.mkdir()
    with pytest.raises(CorpusMissingError, match="Kein Korpus unter .*--corpus"):
        corpus_sources(corpus)


def _flags(tmp_path: Path) -> list[str]:
    return ["--corpus", str(tmp_path / "kein-korpus"), "--data-dir", str(tmp_path / "data")]


def test_cli_commands_report_a_missing_corpus(tmp_path: Path, capsys) -> None:
    assert qa_main([*_flags(tmp_path), "Wie steht ihr zum Flughafen?"]) == 2
    assert "Kein Korpus unter" in capsys.readouterr().err
    assert index_main(["build", *_flags(tmp_path)]) == 2
    assert "Kein Korpus unter" in capsys.readouterr().err
    assert index_main(["info", *_flags(tmp_path)]) == 1  # no index there either
    assert "no usable index" in capsys.readouterr().out


def test_cli_commands_report_a_missing_model(tmp_path: Path, capsys) -> None:
    flags = ["--model", str(tmp_path / "kein-modell"), "--data-dir", str(tmp_path / "data")]
    assert qa_main([*flags, "Flughafen?"]) == 2
    err = capsys.readouterr().err
    assert "error:" in err and "Traceback" not in err
    assert index_main(["build", *flags]) == 2
    assert "error:" in capsys.readouterr().err


def test_app_reports_a_missing_corpus_or_model(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="Fehler: Kein Korpus unter"):
        app.main(_flags(tmp_path))
    with pytest.raises(SystemExit, match="Fehler: "):
        app.main(["--model", str(tmp_path / "kein-modell"), "--data-dir", str(tmp_path / "data")])


def test_started_from_another_folder_no_traceback(tmp_path: Path) -> None:
    """As a person would run it: another working folder, a corpus path that does not exist."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "qa", "--corpus", "corpus", "--data-dir", str(tmp_path), "Frage?"],
                          cwd=tmp_path, capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 2 and done.stdout == ""
    assert "Kein Korpus unter corpus" in done.stderr and "Traceback" not in done.stderr
