"""The tables of every screen: plain-text cells, the cursor row's key, steady fast painting."""

from __future__ import annotations

from typing import TypeVar

from rich.text import Text, TextType
from textual.widgets.data_table import ColumnKey, RowKey

from reviewtui.textual_internals import SteadyDataTable

_Cell = TypeVar("_Cell")


def literal(cell: _Cell) -> _Cell | Text:
    """A ``str`` cell as plain text: shown as typed, never read as Rich markup or emoji codes.

    DataTable reads a ``str`` cell as markup: a vendor called "Acme [admin]" was shown as
    "Acme " (styled "admin"), "[b]" vanished, ":smile:" became an emoji.
    """
    return Text(cell, end="") if isinstance(cell, str) else cell


class Table(SteadyDataTable):
    """The DataTable of every screen: ``str`` cells are plain text (see :func:`literal`).

    Its base keeps column widths in step with the paint (Textual #4470) and paints one-line
    text cells without Rich's layout (see reviewtui.textual_internals.SteadyDataTable).
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
