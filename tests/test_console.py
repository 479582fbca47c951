"""The `nachgefragt` console script: declared in pyproject.toml, each command reaches its main."""
from __future__ import annotations

import importlib
import json
import tomllib
from pathlib import Path

import pytest

from nachgefragt import COMMANDS, main

ROOT = Path(__file__).resolve().parent.parent


def test_console_script_is_declared_and_importable() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    target = project["project"]["scripts"]["nachgefragt"]
    module, _, name = target.partition(":")
    assert getattr(importlib.import_module(module), name) is main
    assert "app" in project["tool"]["setuptools"]["py-modules"]
    assert set(COMMANDS) == {"ask", "batch", "build", "info", "serve", "eval"}


def test_help_and_unknown_command(capsys) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert all(c in out for c in COMMANDS)
    assert main([]) == 2 and main(["frag"]) == 2
    assert "unknown command 'frag'" in capsys.readouterr().err


def test_each_command_reaches_its_main(tmp_path: Path, capsys) -> None:
    missing = ["--corpus", str(tmp_path / "kein-korpus"), "--data-dir", str(tmp_path / "d")]
    assert main(["ask", *missing, "Wie steht ihr zum Flughafen?"]) == 2
    assert "Kein Korpus unter" in capsys.readouterr().err
    batch = tmp_path / "q.jsonl"
    batch.write_text(json.dumps({"id": "1", "question": "Flughafen?"}) + "\n", encoding="utf-8")
    assert main(["batch", str(batch), "--top-k", "3", *missing]) == 2
    assert "Kein Korpus unter" in capsys.readouterr().err
    assert main(["build", *missing]) == 2
    assert "Kein Korpus unter" in capsys.readouterr().err
    assert main(["info", "--json", "--model", "fake", "--data-dir", str(tmp_path / "d")]) == 1
    assert json.loads(capsys.readouterr().out)["status"].startswith("no usable index")
    with pytest.raises(SystemExit, match="Fehler: Kein Korpus unter"):
        main(["serve", *missing])
    with pytest.raises(SystemExit) as done:
        main(["eval", "--help"])
    assert done.value.code == 0 and "--split" in capsys.readouterr().out
