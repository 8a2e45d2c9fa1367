"""reviewtui.widgets.table.Table paints its cells exactly as Textual's DataTable does."""

from __future__ import annotations

from rich.segment import Segment
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from reviewtui.screens.scorecard import status_text
from reviewtui.widgets.table import Table

# One row per kind of cell the screens put in tables, and the ones the fast path leaves alone.
ROWS = [
    ("Acme", status_text("green", "81.2"), "1,234.5", None, 3.14159, 42),
    ("[b]bold[/b] markup", status_text("red"), Text("⚑×3 ", style="bold red"), "", "—", "✓ ok"),
    (Text("spans") + Text(" and more", style="italic"), "▁▂▃█ ▅", "x" * 40, "→", "", ""),
    (Text("right", justify="right"), Text("tab\there"), "two\nlines", "漢字漢字漢字", "a", "b"),
    ("cursor row", status_text("amber", "55.0"), "↑", "≠+12%", Text("dim", style="dim"), "z"),
]
WIDTHS = [12, 10, 8, 6, 7, 5]


class Tables(App):
    CSS = "DataTable { height: 8; }"

    def compose(self) -> ComposeResult:
        yield Table(id="fast", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(Table)
        for i, width in enumerate(WIDTHS):
            table.add_column(f"Col{i}", key=f"c{i}", width=width)
        table.add_column("Auto", key="auto")  # measured width
        for i, row in enumerate(ROWS):
            table.add_row(*row, f"auto {i}", key=str(i))


def simplified(lines) -> list[list[Segment]]:
    return [list(Segment.simplify(line)) for line in lines]


async def test_fast_cells_are_the_cells_datatable_paints() -> None:
    app = Tables()
    async with app.run_test(size=(100, 12)) as pilot:
        await pilot.pause()
        table = app.query_one(Table)
        table.move_cursor(row=4)
        await pilot.pause()
        fast_cells = 0
        for row in range(-1, table.row_count):
            base = table.get_component_styles("datatable--header").rich_style
            if row >= 0:
                base = table._get_row_style(row, table.rich_style)
            for col, column in enumerate(table.ordered_columns):
                width = column.get_render_width(table)
                for cursor in (False, True):
                    table._clear_caches()
                    fast = table.render_text_cell(row, col, base, width, cursor, False)
                    table._clear_caches()
                    stock = table.stock_render_cell(row, col, base, width, cursor, False)
                    if fast is None:
                        continue
                    fast_cells += 1
                    assert simplified(fast) == simplified(stock), (row, col, cursor)
        # Most cells take the fast path; the ones to crop, wrap or justify do not.
        assert fast_cells >= 0.75 * 2 * (table.row_count + 1) * len(table.columns)


async def test_a_table_paints_the_same_lines_as_a_datatable() -> None:
    app = Tables()
    async with app.run_test(size=(100, 12)) as pilot:
        await pilot.pause()
        table = app.query_one(Table)
        table.move_cursor(row=1)
        await pilot.pause()
        fast = [table.render_line(y) for y in range(table.size.height)]
        table._clear_caches()
        table._render_cell = lambda *args, **kw: DataTable._render_cell(table, *args, **kw)
        stock = [table.render_line(y) for y in range(table.size.height)]
        assert [list(s.simplify()) for s in fast] == [list(s.simplify()) for s in stock]
        assert "⚑×3" in "".join(s.text for s in fast)
