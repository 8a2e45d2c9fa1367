"""The floor for start-up: a bare Textual app with the dashboard's widgets and static rows."""

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
        t.add_rows(ROWS)


if __name__ == "__main__":
    Bare().run()
