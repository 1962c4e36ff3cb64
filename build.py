"""`python build.py` builds the site in this folder into public/ (the same as `zwgk build`)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from zwgk.commands.cli import main  # noqa: E402

raise SystemExit(main(["build", os.path.dirname(os.path.abspath(__file__)), *sys.argv[1:]]))
