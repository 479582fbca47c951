"""The `nachgefragt` command (a console script, see pyproject.toml): one entry point beside the
`python -m` forms, each subcommand a thin wrapper over the existing main function.

    nachgefragt ask "Was plant ihr zum Flughafen?"   = python -m qa "…"
    nachgefragt batch FILE.jsonl --top-k K           = python -m qa --batch FILE.jsonl --top-k K
    nachgefragt build [--model M] [--rebuild]        = python -m index build …
    nachgefragt info                                 = python -m index info …
    nachgefragt serve [--port P …]                   = python app.py …
    nachgefragt eval [--split test …]                = python -m eval …
"""
from __future__ import annotations

import sys
from typing import Callable

USAGE = """usage: nachgefragt {ask,batch,build,info,serve,eval} [options]

  ask QUESTION …      answer one question, with line numbers (python -m qa)
  batch FILE          the batch interface, one JSON line per input line (python -m qa --batch)
  build               build or confirm the index (python -m index build)
  info                the index's manifest and whether it is fresh (python -m index info)
  serve               start the web app (python app.py)
  eval                evaluate on the labelled questions (python -m eval)

"nachgefragt COMMAND --help" shows a command's options."""


def _ask(argv: list[str]) -> int:
    from qa.__main__ import main

    return main(argv)


def _batch(argv: list[str]) -> int:
    from qa.__main__ import main

    if not argv or argv[0].startswith("-"):
        return main(argv if "--batch" in argv or "-h" in argv or "--help" in argv else ["--batch", *argv])
    return main(["--batch", argv[0], *argv[1:]])


def _index(command: str) -> Callable[[list[str]], int]:
    def run(argv: list[str]) -> int:
        from index.__main__ import main

        return main([command, *argv])

    return run


def _serve(argv: list[str]) -> int:
    import app

    app.main(argv)
    return 0


def _eval(argv: list[str]) -> int:
    from eval.__main__ import main

    return main(argv)


COMMANDS: dict[str, Callable[[list[str]], int]] = {
    "ask": _ask, "batch": _batch, "build": _index("build"), "info": _index("info"), "serve": _serve, "eval": _eval,
}


def main(argv: list[str] | None = None) -> int:
    """Dispatch `nachgefragt COMMAND …` to the command's own main; exit code as it returns."""
    args = sys.argv[1:] if argv is None else list(argv)
    if not args or args[0] in ("-h", "--help"):
        print(USAGE, file=sys.stdout if args else sys.stderr)
        return 0 if args else 2
    command = COMMANDS.get(args[0])
    if command is None:
        print(f"nachgefragt: unknown command {args[0]!r}\n\n{USAGE}", file=sys.stderr)
        return 2
    return command(args[1:])


if __name__ == "__main__":
    sys.exit(main())
