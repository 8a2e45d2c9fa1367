"""The arrows of ARCHITECTURE.md, enforced: lower rooms never import Textual or the screens, and the
start-up path does not import the heavy libraries."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "reviewtui"
LOWER_ROOMS = ["db", "domain", "exports", "importers", "mail", "views"]
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


def test_benchmarks_do_not_import_the_tests() -> None:
    """Machinery both use (tmux, sshd, PostgreSQL, the reaper) lives in benchmarks/."""
    bad = [
        f"{path.name}: {name}"
        for path in sorted((PKG.parent / "benchmarks").glob("*.py"))
        for name in _imports(path)
        if name == "tests" or name.startswith("tests.")
    ]
    assert not bad, bad


def test_cli_has_no_sql_and_no_textual() -> None:
    bad = []
    for path in sorted((PKG / "cli").rglob("*.py")):
        for name in _imports(path):
            if name.startswith(("textual", "sqlalchemy", "sqlmodel", "reviewtui.screens")):
                bad.append(f"{path.relative_to(PKG.parent)}: imports {name}")
    assert bad == []


def test_read_models_stand_apart_from_the_queries() -> None:
    """views/ holds shapes only (stdlib and domain); exports read those shapes, never the queries:
    from the data layer they take only its error type."""
    bad = []
    for path in sorted((PKG / "views").rglob("*.py")):
        for name in _imports(path):
            if name.startswith("reviewtui") and not name.startswith(
                ("reviewtui.views", "reviewtui.domain")
            ):
                bad.append(f"{path.relative_to(PKG.parent)}: imports {name}")
            if name.split(".")[0] in ("sqlalchemy", "sqlmodel", "pydantic"):
                bad.append(f"{path.relative_to(PKG.parent)}: imports {name}")
    for path in sorted((PKG / "exports").rglob("*.py")):
        for name in _imports(path):
            if name.startswith("reviewtui.db") and name != "reviewtui.db.errors":
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


def _private_names_from_other_modules(source: str) -> list[str]:
    """``from reviewtui.x import _name``, and ``x._name`` where ``x`` came from reviewtui."""
    tree = ast.parse(source)
    imported: set[str] = set()  # local names bound by importing from reviewtui
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            found.append(f"relative import (line {node.lineno}): spell reviewtui.x out")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("reviewtui"):
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"from {node.module} import {alias.name} (line {node.lineno})")
                imported.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("reviewtui"):
                    imported.add(alias.asname or alias.name.split(".")[0])
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or not _is_private(node.attr):
            continue
        base = node.value
        while isinstance(base, ast.Attribute) and not _is_private(base.attr):
            base = base.value
        if isinstance(base, ast.Name) and base.id in imported:
            found.append(f"{ast.unparse(node)} (line {node.lineno})")
    return found


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_no_private_name_crosses_modules() -> None:
    """A helper two modules share has a public name in a named module (ARCHITECTURE.md)."""
    bad = []
    for path in sorted(PKG.rglob("*.py")):
        for use in _private_names_from_other_modules(path.read_text(encoding="utf-8")):
            bad.append(f"{path.relative_to(PKG.parent)}: {use}")
    assert bad == []


def test_the_private_name_check_sees_every_form() -> None:
    """The check above finds imported private names and private attributes of what was imported,
    and leaves alone private names of the module itself and of objects it made."""
    source = (
        "from reviewtui.db.meetings import _hidden, create_meeting\n"
        "from reviewtui.db import engine\n"
        "from reviewtui.cli import access as acc\n"
        "import reviewtui.db.vendors\n"
        "from textual.widgets import _footer\n"
        "engine._secret(1)\n"
        "acc.scoped_vendor_id(1)\n"
        "reviewtui.db.vendors._rule\n"
        "create_meeting._marker\n"
        "self._fine = _own_helper(engine.Database().__class__)\n"
        "from .x import y\n"
    )
    assert sorted(_private_names_from_other_modules(source)) == [
        "create_meeting._marker (line 9)",
        "engine._secret (line 6)",
        "from reviewtui.db.meetings import _hidden (line 1)",
        "relative import (line 11): spell reviewtui.x out",
        "reviewtui.db.vendors._rule (line 8)",
    ]
