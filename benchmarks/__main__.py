"""Run every benchmark script in this folder."""

from __future__ import annotations

import sys

from benchmarks import scorecard_bench

if __name__ == "__main__":
    sys.exit(scorecard_bench.main(sys.argv[1:]))
