"""The arrows of ARCHITECTURE.md, enforced: lower rooms never import Textual or the screens, and the
start-up path does not import the heavy libraries."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "reviewtui"
LOWER_ROOMS = ["db", "domain", "exports", "importers", "mail"]
FORBIDDEN = ("textual", "reviewtui.screens", "reviewtui.widgets", "reviewtui.app")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


@pytest.mark.parametrize("room", LOWER_ROOMS)
def test_lower_rooms_do_not_import_the_ui(room: str) -> None:
    bad = []
    for path in sorted((PKG / room).rglob("*.py")):
        for name in _imports(path):
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN):
                bad.append(f"{path.relative_to(PKG.parent)}: imports {name}")
    assert bad == []


def test_cli_has_no_sql_and_no_textual() -> None:
    bad = []
    for path in sorted((PKG / "cli").rglob("*.py")):
        for name in _imports(path):
            if name.startswith(("textual", "sqlalchemy", "sqlmodel", "reviewtui.screens")):
                bad.append(f"{path.relative_to(PKG.parent)}: imports {name}")
    assert bad == []


def test_startup_path_avoids_heavy_imports() -> None:
    """Importing the CLI and the app (what runs before the first frame) loads none of these."""
    heavy = ["weasyprint", "alembic", "openpyxl", "icalendar", "pypdf", "jinja2", "plotext",
             "pyhanko", "pyhanko_certvalidator", "cryptography",
             "smtplib", "aiosmtpd", "reviewtui.mail"]  # fmt: skip
    code = (
        "import sys, reviewtui.cli.group, reviewtui.app; "
        f"print([m for m in {heavy!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_opening_the_tui_skips_the_command_line_parser() -> None:
    """``reviewtui`` alone reaches the app without click and the command modules."""
    code = (
        "import sys; import reviewtui.launch, reviewtui.cli.context, reviewtui.tui, "
        "reviewtui.app, reviewtui.screens.dashboard; "
        "print(sorted(m for m in sys.modules if m == 'click' or m.startswith('reviewtui.cli.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['reviewtui.cli.context']"
