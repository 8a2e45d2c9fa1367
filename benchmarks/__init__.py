"""Speed figures: ``uv run python -m benchmarks`` (``make bench``) runs every benchmark."""
