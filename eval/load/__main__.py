"""python -m eval.load (see eval/load/__init__.py)."""
import sys

from eval.load.cli import main

sys.exit(main())
