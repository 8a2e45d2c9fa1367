"""The floor for start-up: a bare Textual app with the dashboard's widgets and static rows.

``bare_dashboard.py N`` shows N made-up rows ("Vendor 0001" ...) instead: the floor for the
large database.
"""

import sys

from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Header, Static

ROWS = [
    ("Bluebird Contact Centre", "standard", "3", "2026-11-30", "Contact centre"),
    ("Harbor Facilities", "low", "3", "2026-11-30", "Other"),
    ("Keystone Precision Manufacturing", "critical", "5", "2026-11-29", "Manufacturing"),
    ("Northwind Service Desk", "critical", "3", "2026-11-24", "IT service desk"),
]


class Bare(App):
    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical():
            yield Static("Portfolio")
            yield Static("4 vendors")
            yield DataTable()
        yield Footer()

    def on_mount(self) -> None:
        t = self.query_one(DataTable)
        t.add_columns("Vendor", "Tier", "Actions", "Next review", "Category")
        t.add_rows(ROWS if len(sys.argv) < 2 else _rows(int(sys.argv[1])))


def _rows(n: int) -> list[tuple[str, ...]]:
    tiers = ("critical", "standard", "low")
    return [
        (f"Vendor {i:04d}", tiers[i % 3], str(i % 7), "2026-11-30", "Other")
        for i in range(1, n + 1)
    ]


if __name__ == "__main__":
    Bare().run()
