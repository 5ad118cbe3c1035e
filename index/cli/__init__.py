"""The `newsdesk` command line: everything a user can do in Discord (main.py; a module per larger command).

Other packages add commands through the "newsdesk.commands" entry point (`newsdesk bot`)."""
from __future__ import annotations

from .main import COMMANDS, build_parser, main

__all__ = ["COMMANDS", "build_parser", "main"]
