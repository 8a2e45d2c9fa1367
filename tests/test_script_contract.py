"""One contract for scripts: CSV columns are the JSON keys, booleans true/false, bad option
values exit 2, piped tables are as wide as their content (or --width)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.test_cli import rt

LISTS = [
    ("vendors",),
    ("actions",),
    ("meetings",),
    ("plans",),
    ("escalations",),
    ("escalations", "suggest"),
    ("audits",),
    ("audit",),
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("contract") / "demo.db")
    out = rt("--db", db, "demo", "--seed-only")
    assert out.returncode == 0, out.stderr
    # Seeding leaves no change trail; one scheduled meeting gives `audit` rows to print.
    out = rt("--db", db, "meetings", "new", "Keystone", "--at", "+1d 10:00")
    assert out.returncode == 0, out.stderr
    return db


@pytest.mark.parametrize("cmd", LISTS, ids=" ".join)
def test_csv_columns_are_the_json_keys(demo: str, cmd: tuple[str, ...]) -> None:
    as_json = json.loads(rt("--db", demo, *cmd, "--format", "json").stdout)
    out = rt("--db", demo, *cmd, "--format", "csv")
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert as_json and len(rows) == len(as_json)
    assert list(rows[0]) == list(as_json[0])
    for r, j in zip(rows, as_json, strict=True):
        for key, value in j.items():
            if isinstance(value, bool):
                assert r[key] == ("true" if value else "false"), (key, r[key])
            elif value is None:
                assert r[key] == ""
            elif isinstance(value, dict | list):
                assert json.loads(r[key]) == value
            else:
                assert r[key] == str(value), key


def test_piped_tables_are_not_cut_at_80_columns(demo: str) -> None:
    wide = rt("--db", demo, "actions", "--status", "all")
    assert wide.returncode == 0
    lines = wide.stdout.splitlines()
    assert max(len(line) for line in lines) > 100
    assert "…" not in wide.stdout  # nothing ellipsised
    titles = [a["title"] for a in json.loads(rt("--db", demo, "actions", "--status", "all",
                                                  "--format", "json").stdout)]  # fmt: skip
    assert all(t in wide.stdout for t in titles)
    narrow = rt("--db", demo, "actions", "--width", "70")
    assert narrow.returncode == 0
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 70
    assert rt("--db", demo, "vendors", "--width", "5").returncode == 2


@pytest.mark.parametrize(
    "args",
    [
        ("actions", "--status", "bogus"),
        ("actions", "--due-within", "soon"),
        ("actions", "update", "1", "--status", "bogus"),
        ("actions", "update", "1", "--due", "31/31/2026"),
        ("actions", "add", "--vendor", "Keystone", "--title", "x", "--due", "9999-12-31"),
        ("scorecard", "Keystone", "--period", "someday"),
        ("audit", "--since", "the other day"),
        ("signoff", "1", "--name", "A", "--side", "vendor", "--at", "yesterday-ish"),
        ("meetings", "new", "Keystone", "--at", "2999-01-01 10:00"),
        ("actions", "--search", "x" * 5000),
        ("vendors", "--format", "xml"),
    ],
    ids=lambda a: " ".join(a)[:40],
)
def test_a_bad_option_value_is_a_usage_error(demo: str, args: tuple[str, ...]) -> None:
    out = rt("--db", demo, *args)
    assert out.returncode == 2, (args, out.stderr)
    assert "Invalid value for" in out.stderr and "Traceback" not in out.stderr


def test_docs_say_2_for_bad_option_values() -> None:
    docs = Path(__file__).resolve().parents[1] / "docs"
    actions = (docs / "actions.md").read_text(encoding="utf-8")
    assert "1 a failure you can fix (unknown vendor, bad date" not in actions
    assert "2 usage, which includes every bad option value" in actions
    assert "**any bad option value**" in (docs / "scripting.md").read_text(encoding="utf-8")
