"""Every snapshot on disk belongs to a test that still exists.

syrupy reports snapshots no test used only when one process runs every test; under xdist each
worker sees a part, so the check is off, and a renamed or removed case would leave its picture
behind to mislead the next reviewer. The test names come from a real collection of tests/ui.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
SNAPSHOTS = HERE / "__snapshots__"


def test_every_snapshot_file_has_its_test() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-n", "0",
         "-p", "no:cacheprovider", str(HERE)],
        capture_output=True, text=True, timeout=300, cwd=HERE.parent.parent,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    collected = {
        (Path(node.split("::")[0]).stem, node.split("::")[-1])
        for node in out.stdout.splitlines()
        if "::" in node
    }
    files = sorted(SNAPSHOTS.glob("*/*.svg"))
    assert files, "no snapshot files found"
    orphans = [str(f.relative_to(HERE)) for f in files if (f.parent.name, f.stem) not in collected]
    assert not orphans, f"snapshots without a test (remove them): {orphans}"
