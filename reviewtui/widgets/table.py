"""A DataTable that keeps its measured column widths in step and paints one-line cells fast."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text, TextType
from textual._types import SegmentLines
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

_NULL = Style.null()
_NEWLINE = Text("\n")


_Cell = TypeVar("_Cell")


def literal(cell: _Cell) -> _Cell | Text:
    """A ``str`` cell as plain text: shown as typed, never read as Rich markup or emoji codes.

    DataTable reads a ``str`` cell as markup: a vendor called "Acme [admin]" was shown as
    "Acme " (styled "admin"), "[b]" vanished, ":smile:" became an emoji.
    """
    return Text(cell, end="") if isinstance(cell, str) else cell


class Table(DataTable):
    """DataTable working around Textual issue #4470, with a fast path for one-line text cells;
    ``str`` cells are plain text (see :func:`literal`).

    DataTable measures new rows on its idle; rows painted between ``add_row`` and that idle stay
    in its render cache at the old, header-only column widths (``stan`` for ``standard``)
    until something else invalidates it. On a busy server that paint often wins the race. The
    fix: drop the render caches whenever the widths are recomputed.

    DataTable paints every cell through Rich (``Styled(Padding(cell))`` rendered to lines): about
    a tenth of a millisecond a cell, 20 to 45 ms for a screenful of rows, again after every
    change of the table. A one-line text cell that fits its column comes out of that as: the
    cell padding, the text's segments, spaces up to the column width, the padding, all under
    the row's and the cursor's styles. ``_render_cell`` builds exactly that here, from the same
    pieces Rich uses (the same styles and the same cache), and leaves every other cell (taller
    rows, text to crop or wrap, tabs, justified text, other renderables) to DataTable.
    """

    def add_row(
        self,
        *cells: object,
        height: int | None = 1,
        key: str | None = None,
        label: TextType | None = None,
    ) -> RowKey:
        return super().add_row(
            *(literal(c) for c in cells), height=height, key=key, label=literal(label)
        )

    def update_cell(
        self,
        row_key: RowKey | str,
        column_key: ColumnKey | str,
        value: object,
        *,
        update_width: bool = False,
    ) -> None:
        super().update_cell(row_key, column_key, literal(value), update_width=update_width)

    def cursor_key(self) -> str | None:
        """The key of the row under the cursor (None in an empty table)."""
        if self.row_count == 0:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    def cursor_id(self) -> int | None:
        """The cursor row's key as a record id (rows keyed by ``str(id)``)."""
        key = self.cursor_key()
        return int(key) if key else None

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        super()._update_dimensions(new_rows)
        self._clear_caches()
        self.refresh()

    def _update_column_widths(self, updated_cells: set) -> None:
        super()._update_column_widths(updated_cells)
        self._clear_caches()
        self.refresh()

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> SegmentLines:
        lines = self._render_text_cell(row_index, column_index, base_style, width, cursor, hover)
        if lines is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        return lines

    def _console_justify(self) -> str | None:
        """The justification the app's console gives text without one of its own."""
        try:
            return self._justify
        except AttributeError:
            self._justify: str | None = self.app.console_options.justify
            return self._justify

    def _render_text_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool,
        hover: bool,
    ) -> SegmentLines | None:
        """The cell's one line, or None for DataTable to render it."""
        if column_index < 0:  # a row label
            return None
        header = row_index == -1
        row_key = self._header_row_key if header else self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        if row_key is None or column_key is None:  # no such cell: DataTable's path decides
            return None
        # DataTable's own cache and key: whichever path rendered a cell, it is reused and
        # invalidated alike.
        cache_key = (
            row_key,
            column_key,
            base_style,
            cursor,
            hover,
            self._show_hover_cursor,
            self._update_count,
            self._pseudo_class_state,
        )
        cached = self._cell_render_cache.get(cache_key)
        if cached is not None:
            return cached
        if (self.header_height if header else self.rows[row_key].height) != 1:
            return None
        cell = self._get_row_renderables(row_index).cells[column_index]
        if type(cell) is not Text or cell.no_wrap is False:
            return None
        plain = cell.plain
        if "\n" in plain or "\t" in plain:
            return None
        if cell.justify not in (None, "default") or self._console_justify() not in (
            None,
            "default",
        ):
            return None
        padding = self.cell_padding
        inner = width - 2 * padding
        if cell.cell_len > inner:  # to crop: Rich's way (wide characters, ellipsis)
            return None
        fixed = not header and (row_index < self.fixed_rows or column_index < self.fixed_columns)
        component_style, post_style = self._get_styles_to_render_cell(
            header,
            False,
            fixed,
            hover,
            cursor,
            self.show_cursor,
            self._show_hover_cursor,
            self.cursor_foreground_priority == "css",
            self.cursor_background_priority == "css",
        )
        pre_style = base_style + Style.from_meta({"row": row_index, "column": column_index})
        pre_style += component_style
        # As Text renders itself: its own style becomes a span of the joined line.
        text = list(_NEWLINE.join([cell]).render(self.app.console))
        line = Segment.adjust_line_length(text, inner, style=_NULL)
        if padding:
            pad = Segment(" " * padding, _NULL)
            line = [pad, *line, pad]
        lines = [list(Segment.apply_style(line, pre_style, post_style))]
        self._cell_render_cache[cache_key] = lines
        return lines
