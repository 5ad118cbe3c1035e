"""`index` is the library and knows nothing of Discord: no module under index/ imports `bot` or
`discord`, at the top or inside a function (a lazy import is still an import)."""
from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

FORBIDDEN = ("bot", "discord")


def _imports(path: Path) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
            "import_module", "__import__"
        ) and node.args and isinstance(node.args[0], ast.Constant):
            found.append((node.lineno, str(node.args[0].value)))
    return found


def test_no_module_of_the_library_imports_the_discord_layer() -> None:
    modules = sorted((ROOT / "index").rglob("*.py"))
    assert len(modules) > 40
    offending = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in modules for line, name in _imports(path)
        if name.split(".")[0] in FORBIDDEN
    ]
    assert offending == []


def test_the_check_sees_lazy_imports(tmp_path: Path) -> None:
    module = tmp_path / "lazy.py"
    module.write_text("def run():\n    from bot.__main__ import run_bot\n    import discord.ext\n")
    assert _imports(module) == [(2, "bot.__main__"), (3, "discord.ext")]


def test_newsdesk_bot_is_still_a_command() -> None:
    from index.cli import build_parser

    assert build_parser().parse_args(["bot"]).command == "bot"
