"""The command line and what each command does beyond building: serve, check, import, new.

What other packages may use is imported here; the rest is the package's own."""
from zwgk.commands.cli import run

__all__ = ["run"]
