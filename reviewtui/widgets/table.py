"""A DataTable whose columns take their measured widths as soon as they are measured."""

from __future__ import annotations

from collections.abc import Iterable

from textual.widgets import DataTable


class Table(DataTable):
    """DataTable working around Textual issue #4470.

    DataTable measures new rows on its idle; rows painted between ``add_row`` and that idle stay
    in its render cache at the old, header-only column widths (``stan`` for ``standard``)
    until something else invalidates it. On a busy server that paint often wins the race. The
    fix: drop the render caches whenever the widths are recomputed.
    """

    def _update_dimensions(self, new_rows: Iterable[object]) -> None:
        super()._update_dimensions(new_rows)  # type: ignore[arg-type]
        self._clear_caches()
        self.refresh()

    def _update_column_widths(self, updated_cells: set) -> None:
        super()._update_column_widths(updated_cells)
        self._clear_caches()
        self.refresh()
