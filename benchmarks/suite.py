"""Every speed figure of issue 8 in one table, against floors measured in the same run.

    uv run python -m benchmarks [--runs 7] [--rebuild] [--tiny] [--out FILE]
                                [--backend sqlite|postgresql|postgres|both] [--no-sync]
                                [--typing-trials N]

Builds (once, cached in ``benchmarks/cache/``) the large database (:mod:`benchmarks.largedb`),
seeds a fresh demo database, then measures:

- cold start to the first dashboard frame with data, in tmux, on the demo and the large
  database, against the bare Textual app with the same widgets (:mod:`benchmarks.startup`);
- keypress to settled screen for a vendor's scorecard, the overdue actions and a meeting with
  30 agenda items, and the peak RSS after visiting every screen (:mod:`benchmarks.tour`, run
  as its own process);
- ``reviewtui scorecard --all --format json`` on the large database, as a process;
- the PDF export of the demo QBR minutes against the ``weasyprint`` command
  (:mod:`benchmarks.pdf_bench`);
- live sync (:mod:`benchmarks.sync_bench`): commit and keystroke to another session's screen
  (p95), an idle follower's CPU, and on PostgreSQL 20 sessions on one meeting;
- what SIGKILL costs a typist (SQLite runs only): ``--typing-trials N`` trials (default 8, 1
  with ``--tiny``, 0 skips) of typing into a meeting's notes in tmux at 10-15 keys/s and killing
  the app at a random moment, half of them in the merged note of a real conflict; the figure is
  the worst loss in seconds of typing, its note the worst in characters
  (:mod:`benchmarks.typing_loss`, about 20-30 s a trial on the 2-core machine).

``--backend postgresql`` (alias ``postgres``) starts a throwaway server
(:mod:`benchmarks.pgserver`), moves the cached large database into it with ``reviewtui db copy``
and measures the same figures with the same budgets; ``both`` runs SQLite, then PostgreSQL.

Prints one table and writes it as JSON under ``benchmarks/results/``. ``--tiny`` runs everything
once on a tiny database in a temporary folder (the smoke test's mode: the figures mean nothing).
Exit status 0 whether or not budgets are met: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from benchmarks import largedb, pdf_bench, startup, typing_loss

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


@dataclass
class Figure:
    """One row of the table: samples, the floor's samples (if any) and the budget."""

    name: str
    unit: str
    samples: list[float]
    budget: float
    floor_samples: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def floor(self) -> float | None:
        return statistics.median(self.floor_samples) if self.floor_samples else None

    @property
    def ratio(self) -> float | None:
        return self.median / self.floor if self.floor else None

    @property
    def passed(self) -> bool:
        value = self.ratio if self.floor_samples else self.median
        return value is not None and value <= self.budget

    def as_dict(self) -> dict:
        return {
            **asdict(self),
            "median": self.median,
            "min": min(self.samples),
            "max": max(self.samples),
            "floor": self.floor,
            "ratio": self.ratio,
            "budget_kind": "ratio" if self.floor_samples else "absolute",
            "passed": self.passed,
        }


def _fmt(x: float | None, unit: str) -> str:
    if x is None:
        return "—"
    if unit == "ms":
        return f"{x * 1000:.0f} ms"
    if unit == "MB":
        return f"{x:.0f} MB"
    if unit == "%":
        return f"{x * 100:.2f}%"
    if unit == "n":
        return f"{x:.0f}"
    return f"{x:.2f} s"


def table(figures: list[Figure]) -> str:
    head = ("figure", "median", "min", "max", "floor", "ratio", "budget", "")
    rows = [head]
    for f in figures:
        budget = f"≤ {f.budget:g}x" if f.floor_samples else f"≤ {_fmt(f.budget, f.unit)}"
        rows.append(
            (
                f.name,
                _fmt(f.median, f.unit),
                _fmt(min(f.samples), f.unit),
                _fmt(max(f.samples), f.unit),
                _fmt(f.floor, f.unit),
                "—" if f.ratio is None else f"{f.ratio:.2f}x",
                budget,
                "pass" if f.passed else "FAIL",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = []
    for n, r in enumerate(rows):
        cells = [r[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _exe() -> str:
    bindir = Path(sys.executable).parent
    found = shutil.which("reviewtui", path=str(bindir)) or shutil.which("reviewtui")
    if not found:
        raise SystemExit("reviewtui is not installed (uv sync)")
    return found


def _timed_process(cmd: list[str], runs: int) -> tuple[list[float], int]:
    """Wall seconds of ``runs`` runs of a command (after one warm-up) and its output size."""
    size = len(subprocess.run(cmd, check=True, capture_output=True).stdout)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return times, size


BACKENDS = {"sqlite": "sqlite", "postgresql": "postgresql", "postgres": "postgresql"}


def _postgres_databases(
    work: Path, large_file: Path, exe: str, step
) -> tuple[str, str, dict, object]:
    """Start a throwaway server, copy the large SQLite database into it with ``db copy``, seed
    the demo data; returns (large URL, demo URL, what the server is, the stop function)."""
    from benchmarks import pgserver

    # Its own folder under /tmp: the server runs as user postgres when we are root, and may not
    # enter ``work`` (private to us).
    pg_tmp = Path(tempfile.mkdtemp(prefix="reviewtui-bench-pg-"))
    server, stop_server = pgserver.start(pg_tmp, max_connections=100)

    def stop() -> None:
        stop_server()
        shutil.rmtree(pg_tmp, ignore_errors=True)

    try:
        large = server.new_database("large")
        demo = server.new_database("demo")
        step("copy the large database into PostgreSQL (reviewtui db copy)")
        t0 = time.perf_counter()
        subprocess.run(
            [exe, "--db", str(large_file), "db", "copy", "--to", large],
            check=True,
            capture_output=True,
        )
        copy_s = time.perf_counter() - t0
        subprocess.run([exe, "--db", demo, "demo", "--seed-only"], check=True, capture_output=True)
        import psycopg

        with psycopg.connect(large.replace("+psycopg", "")) as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]
            settings = dict(
                conn.execute(
                    "SELECT name, setting FROM pg_settings WHERE name IN "
                    "('max_connections', 'shared_buffers', 'fsync', 'work_mem')"
                ).fetchall()
            )
    except BaseException:
        stop()
        raise
    info = {"server_version": version, "settings": settings, "copy_seconds": copy_s}
    return large, demo, info, stop


def run(args: argparse.Namespace) -> dict:
    t_start = time.perf_counter()
    load_start = os.getloadavg()
    exe = _exe()
    runs = 1 if args.tiny and args.runs is None else (args.runs or 7)
    backend = BACKENDS[args.backend]
    work = Path(tempfile.mkdtemp(prefix="reviewtui-bench-"))
    # The children see a frozen clock (the same overdue set every run) and no user config.
    os.environ["REVIEWTUI_NOW"] = largedb.NOW
    os.environ["XDG_CONFIG_HOME"] = str(work / "config")
    os.environ["XDG_DATA_HOME"] = str(work / "data")
    (work / "none.toml").write_text("", encoding="utf-8")  # no policy (a named file must exist)
    os.environ["REVIEWTUI_SYSTEM_CONFIG"] = str(work / "none.toml")
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

    size = largedb.Size.tiny() if args.tiny else largedb.Size()
    large, build_s = largedb.ensure(
        size, work / "cache" if args.tiny else largedb.CACHE, rebuild=args.rebuild
    )
    figures: list[Figure] = []
    warm = not args.tiny

    def step(name: str) -> None:
        print(
            f"[{time.perf_counter() - t_start:6.1f} s] {backend}: {name}",
            file=sys.stderr,
            flush=True,
        )

    stop_server = None
    server: dict = {}
    if backend == "postgresql":
        large_db, demo_db, server, stop_server = _postgres_databases(work, large, exe, step)
    else:
        large_db, demo_db = str(large), str(work / "demo.db")
        subprocess.run(
            [exe, "--db", demo_db, "demo", "--seed-only"], check=True, capture_output=True
        )
    try:
        figures += _measure(exe, large_db, demo_db, size, runs, warm, step, args.tiny)
        if not args.no_sync:
            figures += _sync(
                demo_db,
                backend,
                step,
                crowd=backend == "postgresql" and not args.tiny,
                tiny=args.tiny,
            )
        if backend == "sqlite":
            figures += _typing(exe, args, step)
            step("merging crossing notes")
            figures += _merge(runs)
    finally:
        if stop_server is not None:
            stop_server()
    shutil.rmtree(work, ignore_errors=True)
    return {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "backend": backend,
        "server": server,
        "machine": {
            "cores": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "load_average_start": load_start,
            "load_average_end": os.getloadavg(),
        },
        "database": {"size": asdict(size), "build_seconds": build_s, "tiny": args.tiny},
        "runs": runs,
        "total_seconds": time.perf_counter() - t_start,
        "figures": [f.as_dict() for f in figures],
        "table": table(figures),
    }


def _merge(runs: int) -> list[Figure]:
    """The UI thread's pause when a save crosses someone else's (``domain/merge.py``): 17 KB of
    notes (a long meeting's worth) with a line added in the middle and words typed near the
    top, as 200 lines and as one unbroken paragraph. Before the head and tail were cut off the
    diff, the paragraph took 1.7 s."""
    import random

    from reviewtui.domain.merge import merge3

    rng = random.Random(8)
    vocabulary = [
        "spares",
        "stock",
        "delivery",
        "plant",
        "OTIF",
        "inspector",
        "agreed",
        "week",
        "audit",
        "the",
        "a",
        "to",
        "and",
    ]

    def sentence() -> str:
        return " ".join(rng.choice(vocabulary) for _ in range(13))

    out = []
    for name, sep in (("200 lines", "\n"), ("one paragraph", " ")):
        base = sep.join(sentence() for _ in range(200))
        parts = base.split(sep)
        theirs = sep.join(parts[:100] + ["Bob: the plant agreed a second inspector."] + parts[100:])
        mine = base[:120] + " typed here " + base[120:]
        samples = []
        for _ in range(max(runs, 3)):
            t0 = time.perf_counter()
            merged = merge3(base, mine, theirs, separator="\n---\n")
            samples.append(time.perf_counter() - t0)
            assert merged.clean and "typed here" in merged.text and "Bob:" in merged.text
        out.append(Figure(f"merge crossing notes, 17 KB, {name}", "ms", samples, 0.05))
    return out


def _typing(exe: str, args: argparse.Namespace, step) -> list[Figure]:
    """The worst typing lost to SIGKILL over ``--typing-trials`` (benchmarks.typing_loss)."""
    trials = 1 if args.tiny and args.typing_trials is None else args.typing_trials
    trials = 8 if trials is None else trials
    if trials <= 0:
        return []
    step(f"typing loss under SIGKILL, {trials} trials")
    plain = typing_loss.run_trials(exe, (trials + 1) // 2, sig="KILL", conflict=False)
    merged = typing_loss.run_trials(exe, trials // 2, sig="KILL", conflict=True, seed=2)
    done = plain + merged
    worst = max(done, key=lambda t: t.lost_seconds)
    bad = [t for t in done if t.problem]
    return [
        Figure(
            "typing lost to SIGKILL (worst)",
            "s",
            [worst.lost_seconds],  # the worst trial is the figure, against 1 s
            1.0,
            note=(
                f"{len(done)} trials, worst {max(t.lost_chars for t in done)} chars, median "
                f"{statistics.median(t.lost_seconds for t in done):.2f} s; "
                + (f"{len(bad)} NOT A PREFIX: {bad[0].problem}" if bad else "all prefixes")
            ),
        )
    ]


def _sync(demo: str, backend: str, step, *, crowd: bool, tiny: bool = False) -> list[Figure]:
    """The live-sync figures (benchmarks/sync_bench.py): p95 values against their budgets."""
    from benchmarks import sync_bench as sb

    step("live sync between two sessions, idle follower")
    if tiny:
        pair = sb.measure_pair(demo, changes=3, idle=1.0, typed=sb.TYPED[:12])
    else:
        pair = sb.measure_pair(demo)
    ch, keys = pair["change_to_screen"], pair["keystroke_to_screen"]
    figures = [
        Figure(
            "change -> other screen, p95",
            "ms",
            [sb.p95(ch)],
            0.3,
            note=f"{len(ch)} commits, median {statistics.median(ch) * 1000:.0f} ms, "
            f"{pair['changes_never_shown']} never shown",
        ),
        Figure(
            "keystroke -> other screen, p95",
            "ms",
            [sb.p95(keys)] if keys else [float("inf")],
            1.0,
            note=f"{pair['keys_typed']} keys, {pair['keys_never_shown']} never shown, "
            f"debounce included",
        ),
        Figure("idle follower CPU (of a core)", "%", [pair["idle_cpu_fraction"]], 0.01),
        Figure(
            "two sessions: keystrokes lost (items)",
            "n",
            [0 if pair["stored_intact"] else 1],
            0,
            note="the typist's stored notes against what it typed",
        ),
    ]
    if crowd:
        step("20 sessions on one meeting")
        c = sb.measure_crowd(demo)
        lat = c["commit_to_screen"]
        figures += [
            Figure(
                "20 sessions: commit -> screen, p95",
                "ms",
                [sb.p95(lat)],
                0.5,
                note=f"{c['commits']} commits x 15 followers, {c['real_apps']} real apps, "
                f"{c['commit_views_never_shown']} never shown",
            ),
            Figure(
                "20 sessions: keystrokes lost (items)", "n", [c["items_with_keystrokes_lost"]], 0
            ),
            Figure("20 sessions: false conflicts", "n", [c["false_conflicts"]], 0),
            Figure("20 sessions: peak server connections", "n", [c["peak_connections"]], 97),
        ]
    return figures


def _measure(
    exe: str, large: str, demo: str, size, runs: int, warm: bool, step, tiny: bool
) -> list[Figure]:
    figures: list[Figure] = []

    step("cold start, demo database")
    ours, floor = startup.measure_pair([exe, "--db", str(demo)], runs, startup.MARKER, warm=warm)
    figures.append(Figure("cold start, demo db (tmux)", "s", ours, 1.5, floor))
    step("cold start, large database")
    ours, floor = startup.measure_pair(
        [exe, "--db", str(large)], runs, "Vendor 0", bare_rows=size.vendors, warm=warm
    )
    figures.append(Figure("cold start, large db (tmux)", "s", ours, 2.5, floor))

    step("Pilot tour of the large database")
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.tour", str(large), "--runs", str(runs)],
        check=True,
        capture_output=True,
        text=True,
        cwd=HERE.parent,
    )
    tour = json.loads(out.stdout.strip().splitlines()[-1])
    t = tour["timings"]
    figures.append(Figure("open a vendor's scorecard", "ms", t["scorecard"], 0.1))
    if "actions_overdue" in t:
        figures.append(Figure("actions list, overdue", "ms", t["actions_overdue"], 0.1))
    figures.append(
        Figure(
            f"open a meeting ({t['meeting_items'][0]:.0f} agenda items)", "ms", t["meeting"], 0.1
        )
    )

    step("scorecard --all --format json")
    times, nbytes = _timed_process(
        [exe, "--db", str(large), "scorecard", "--all", "--format", "json"], max(runs // 2, 1)
    )
    figures.append(
        Figure("scorecard --all --format json", "s", times, 2.0, note=f"{nbytes:,} bytes")
    )

    step("PDF export of the demo QBR minutes")
    pdf = pdf_bench.measure(max(runs // 2, 1) if tiny else runs, db=demo, warm=not tiny)
    figures.append(
        Figure(
            "PDF minutes vs weasyprint",
            "s",
            [w for w, _ in pdf["results"]["reviewtui"]],
            1.3,
            [w for w, _ in pdf["results"]["weasyprint"]],
        )
    )
    figures.append(
        Figure(
            "signed PDF minutes vs weasyprint",
            "s",
            [w for w, _ in pdf["results"]["signed"]],
            pdf_bench.SIGNED_GOAL,
            [w for w, _ in pdf["results"]["weasyprint-signed"]],
        )
    )
    figures.append(
        Figure(
            "verify signed minutes (with db)",
            "s",
            [w for w, _ in pdf["results"]["verify"]],
            pdf_bench.VERIFY_GOAL,
        )
    )
    figures.append(Figure("peak RSS after every screen", "MB", [tour["peak_rss_mb"]], 300))
    return figures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=None, help="runs of each figure (default 7)")
    ap.add_argument("--rebuild", action="store_true", help="build the cached database afresh")
    ap.add_argument("--tiny", action="store_true", help="a tiny database, one run: smoke only")
    ap.add_argument("--out", type=Path, help="the JSON file (default benchmarks/results/...)")
    ap.add_argument("--no-sync", action="store_true", help="skip the live-sync figures")
    ap.add_argument(
        "--typing-trials",
        type=int,
        default=None,
        help="SIGKILL trials of a typist (default 8; 1 with --tiny; 0 skips; ~25 s each)",
    )
    ap.add_argument(
        "--backend",
        choices=[*sorted(BACKENDS), "both"],
        default="sqlite",
        help="the database: the SQLite file (default) or a throwaway PostgreSQL server "
        "(postgres is an alias of postgresql); both: one after the other, two tables",
    )
    args = ap.parse_args(argv)
    names = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for name in names:
        args.backend = name
        result = run(args)
        _report(result)
        out = args.out
        if out is None or len(names) > 1:
            tag = "" if result["backend"] == "sqlite" else f"-{result['backend']}"
            folder = (out.parent if out else None) or (
                Path(tempfile.gettempdir()) if args.tiny else RESULTS
            )
            out = folder / f"bench-{stamp}{tag}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"results: {out}\n")
    return 0


def _report(result: dict) -> None:
    m = result["machine"]
    print(
        f"machine: {m['cores']} cores, {m['platform']}, Python {m['python']}; load average "
        f"{m['load_average_start'][0]:.2f} at start, {m['load_average_end'][0]:.2f} at end"
    )
    print(
        f"backend: {result['backend']}"
        + (
            f" (server {result['server']['server_version']}, the large database copied in "
            f"{result['server']['copy_seconds']:.0f} s)"
            if result["server"]
            else ""
        )
    )
    print(f"runs: {result['runs']} each; total {result['total_seconds']:.0f} s")
    print(result["table"])
