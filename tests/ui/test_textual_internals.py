"""The Textual private names reviewtui relies on, checked: a Textual upgrade that changes one
fails here, by name, rather than quietly in a meeting (docs/textual-upgrade.md is the checklist).

Each override also has a canary: a test that the Textual behaviour it works around is still
there. A canary failing means Textual fixed it: remove the override, as its message says.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import pkgutil
import re
import textwrap
from pathlib import Path

import pytest
import textual
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer
from textual.worker import WorkerState
from textual.worker_manager import WorkerManager

import reviewtui
from reviewtui import textual_internals as ti
from reviewtui.widgets.table import Table

PKG = Path(reviewtui.__file__).parent
HOME = PKG / "textual_internals.py"


def test_the_pinned_textual_is_the_one_checked() -> None:
    assert textual.__version__ == ti.TEXTUAL_VERSION, (
        f"Textual is {textual.__version__}, reviewtui.textual_internals was checked against "
        f"{ti.TEXTUAL_VERSION}: go through docs/textual-upgrade.md, then update TEXTUAL_VERSION"
    )


# --- Only one module reaches into Textual ------------------------------------------------------


def _private_textual_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "textual" and any(p.startswith("_") for p in parts[1:]):
                out.append(f"{path.relative_to(PKG.parent)}:{node.lineno}: {name}")
    return out


def test_no_other_module_imports_a_private_textual_name() -> None:
    bad = [
        hit
        for path in sorted(PKG.rglob("*.py"))
        if path != HOME
        for hit in _private_textual_imports(path)
    ]
    assert not bad, "move these into reviewtui/textual_internals.py:\n" + "\n".join(bad)


_PRIVATE = re.compile(r"(?:self|cls|super\(\))\.(_[a-zA-Z]\w*)|def (_[a-zA-Z]\w*)")


def _private_names(source: str) -> set[str]:
    """The private names Textual's own source defines or uses on ``self``."""
    return {a or b for a, b in _PRIVATE.findall(source)}


def _touched(cls: type) -> set[str]:
    """Private names a class of ours defines (methods of its body) or reaches through ``self``,
    ``cls`` or ``super()``."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    body = tree.body[0]
    assert isinstance(body, ast.ClassDef)
    out = {n.name for n in body.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
    for node in ast.walk(body):
        if isinstance(node, ast.Attribute):
            value = node.value
            if (isinstance(value, ast.Name) and value.id in ("self", "cls")) or (
                isinstance(value, ast.Call)
                and isinstance(value.func, ast.Name)
                and value.func.id == "super"
            ):
                out.add(node.attr)
    return {n for n in out if n.startswith("_") and not n.startswith("__")}


@functools.cache
def _names_in_source(base: type) -> frozenset[str]:
    try:
        return frozenset(_private_names(inspect.getsource(base)))
    except (OSError, TypeError):
        return frozenset()


# Where Textual classes are subclassed (the other rooms never import Textual).
UI_MODULES = ["reviewtui.app"] + [
    info.name
    for pkg in ("screens", "widgets")
    for info in pkgutil.iter_modules([str(PKG / pkg)], f"reviewtui.{pkg}.")
]


def test_no_other_class_touches_a_private_name_of_its_textual_base() -> None:
    """A screen or widget that overrides or reads a private name of a Textual base class (by
    design or by a clash of names) belongs in reviewtui/textual_internals.py."""
    bad = []
    for module_name in UI_MODULES:
        module = importlib.import_module(module_name)
        for name, cls in vars(module).items():
            if not inspect.isclass(cls) or cls.__module__ != module.__name__:
                continue
            bases = [b for b in cls.__mro__[1:] if b.__module__.split(".")[0] == "textual"]
            theirs: set[str] = set()
            for base in bases:
                theirs |= {k for k in vars(base) if k.startswith("_")}
                theirs |= _names_in_source(base)
            clash = sorted(_touched(cls) & theirs)
            if clash:
                bad.append(f"{module_name}.{name}: {clash}")
    assert not bad, "\n".join(bad)


# --- 1. DataTable: the shapes the fast cells and the cache fix rely on --------------------------


def test_datatable_private_methods_keep_their_signatures() -> None:
    expected = {
        "_render_cell": "(self, row_index: 'int', column_index: 'int', base_style: 'Style', "
        "width: 'int', cursor: 'bool' = False, hover: 'bool' = False) -> 'SegmentLines'",
        "_update_dimensions": "(self, new_rows: 'Iterable[RowKey]') -> 'None'",
        "_update_column_widths": "(self, updated_cells: 'set[CellKey]') -> 'None'",
        "_clear_caches": "(self) -> 'None'",
        "_get_row_renderables": "(self, row_index: 'int') -> 'RowRenderables'",
        "_get_row_style": "(self, row_index: 'int', base_style: 'Style') -> 'Style'",
    }
    for name, signature in expected.items():
        assert str(inspect.signature(getattr(DataTable, name))) == signature, name
    styles = inspect.signature(DataTable._get_styles_to_render_cell.__wrapped__)
    assert list(styles.parameters) == [
        "self",
        "is_header_cell",
        "is_row_label_cell",
        "is_fixed_style_cell",
        "hover",
        "cursor",
        "show_cursor",
        "show_hover_cursor",
        "has_css_foreground_priority",
        "has_css_background_priority",
    ]
    # DataTable's own cell cache key, which the fast cells share: the same fields, in order.
    source = inspect.getsource(DataTable._render_cell)
    key = re.search(r"cell_cache_key: CellCacheKey = \((.*?)\n\s*\)", source, re.S)
    assert key is not None
    fields = [f.strip() for f in key.group(1).split(",") if f.strip()]
    assert fields == [
        "row_key",
        "column_key",
        "base_style",
        "cursor",
        "hover",
        "self._show_hover_cursor",
        "self._update_count",
        "self._pseudo_class_state",
    ]
    # Measuring new rows happens on idle, through the two methods the cache fix overrides.
    idle = inspect.getsource(DataTable._on_idle)
    assert "self._update_column_widths(" in idle and "self._update_dimensions(" in idle


class OneTable(App):
    # A fixed size, as on every screen: a table that grew would be resized, and a resize
    # invalidates DataTable's caches anyway.
    CSS = "DataTable { height: 5; width: 40; }"

    def __init__(self, table: DataTable) -> None:
        super().__init__()
        self.table = table

    def compose(self) -> ComposeResult:
        yield self.table


async def test_a_fast_cell_is_the_one_datatable_caches() -> None:
    """DataTable renders a cell and caches it; the fast path finds that very entry (same
    cache, same key), and its own rendering is what DataTable renders."""
    table = Table()
    app = OneTable(table)
    async with app.run_test(size=(60, 8)) as pilot:
        table.add_column("Name", key="name", width=10)
        table.add_row("Acme", key="1")
        await pilot.pause()
        base = table.row_style(0)
        table.clear_render_caches()
        stock = table.stock_render_cell(0, 0, base, 12)
        assert table.render_text_cell(0, 0, base, 12, False, False) is stock
        table.clear_render_caches()
        assert table.render_text_cell(0, 0, base, 12, False, False) == stock
        assert type(table._get_row_renderables(0).cells[0]) is Text
        assert isinstance(table.rich_style, Style)


async def _painted_before_measuring(table: DataTable) -> tuple[str, str]:
    """The first row as painted between ``add_row`` and DataTable's idle, and after it."""
    app = OneTable(table)
    async with app.run_test(size=(60, 8)) as pilot:
        table.add_column("St")
        await pilot.pause()
        table.add_row("standard")
        early = table.render_line(1).text  # a paint that wins the race with the idle
        await pilot.pause()
        await pilot.pause()
        return early, table.render_line(1).text


async def test_canary_textual_4470_stock_datatable_keeps_header_widths() -> None:
    early, late = await _painted_before_measuring(DataTable())
    assert "st" in early and "standard" not in early  # at the header's width
    assert "standard" not in late, (
        "Textual fixed #4470 (a DataTable repaints at the measured widths): drop "
        "SteadyDataTable's _update_dimensions and _update_column_widths overrides"
    )


async def test_a_steady_table_paints_the_measured_widths() -> None:
    _, late = await _painted_before_measuring(Table())
    assert "standard" in late


# --- 2. Footer ----------------------------------------------------------------------------------


def test_footer_private_shapes() -> None:
    assert "_bindings_ready" in Footer._reactives  # compose shows nothing until it is set
    assert "if not self._bindings_ready:" in inspect.getsource(Footer.compose)
    assert "self._bindings_ready = True" in inspect.getsource(Footer.bindings_changed)
    assert "self.bindings_changed" in inspect.getsource(Footer.on_mount)
    assert str(inspect.signature(Footer.bindings_changed)) == "(self, screen: 'Screen') -> 'None'"
    assert "compact" in ti.FooterKey._reactives
    key = ti.FooterKey("q", "q", "Back", "back")
    assert key.action == "back"
    assert ".data_bind(compact=Footer.compact)" in inspect.getsource(Footer.compose)


# --- 3. Worker errors ---------------------------------------------------------------------------


def test_worker_manager_private_shapes() -> None:
    assert str(inspect.signature(WorkerManager._remove_worker)) == (
        "(self, worker: 'Worker') -> 'None'"
    )
    # The done callback of every worker the manager starts.
    assert "worker._start(self._app, self._remove_worker)" in inspect.getsource(
        WorkerManager.add_worker
    )
    assert "self._workers = WorkerManager(self)" in inspect.getsource(App.__init__)
    assert "return self._workers" in inspect.getsource(App.workers.fget)


async def test_a_failed_worker_is_reported_whatever_its_node() -> None:
    failed = []

    class Workers(App):
        def __init__(self) -> None:
            super().__init__()
            ti.report_worker_errors(self, failed.append)

        def on_mount(self) -> None:
            self.run_worker(self.fail, exit_on_error=False)

        async def fail(self) -> None:
            raise ValueError("refused")

    app = Workers()
    async with app.run_test() as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.workers, WorkerManager) and type(app.workers) is not WorkerManager
    assert [w.state for w in failed] == [WorkerState.ERROR]
    assert str(failed[0].error) == "refused"


# --- For tests ----------------------------------------------------------------------------------


async def test_notifications_and_wait_for_screen() -> None:
    app = App()
    async with app.run_test() as pilot:
        app.notify("hello")
        await ti.wait_for_screen(pilot)
        assert [n.message for n in ti.notifications(app)] == ["hello"]
    # A toast shows one notification (tests/ui/test_ssh_ready.py reads them off the screen).
    assert "notification" in inspect.signature(ti.Toast).parameters


@pytest.mark.parametrize("name", ti.__all__)
def test_every_public_name_exists(name: str) -> None:
    assert getattr(ti, name) is not None
